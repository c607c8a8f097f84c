from tests import factories as make


def test_pages_render(session, login_as):
    w = make.world(session)
    g = make.goal(session, w["w1"], w["p1"])
    make.subgoal(session, g)
    session.commit()
    c = login_as(w["w1"])
    for url in ["/borgere", f"/borgere/{w['c1'].id}", "/borgere/ny", f"/borgere/{w['c1'].id}/rediger",
                f"/borgere/{w['c1'].id}/maal/ny", f"/borgere/{w['c1'].id}/maal/{g.id}/rediger",
                f"/borgere/{w['c1'].id}/maal/{g.id}/afslut",
                f"/borgere/{w['c1'].id}/maal/{g.id}/delmaal/ny",
                f"/borgere/{w['c1'].id}/scoringer/ORS/ny", f"/borgere/{w['c1'].id}/scoringer/REM/ny",
                f"/borgere/{w['c1'].id}/scoringer/FKO/ny?goal={g.id}&occasion=status"]:
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code, r.get_data(as_text=True)[:3000])
