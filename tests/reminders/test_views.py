"""Mine opgaver, signals marked as seen, the marker in Mine borgere, the leader's overview."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from bostotte.auth.models import Role
from bostotte.auth.passwords import hash_password
from bostotte.reminders.models import SignalAck
from bostotte.scoring.services import record_scoring
from tests import factories as make
from tests.reminders.conftest import run

DAY = date(2026, 3, 20)
ORS_ITEMS = ("individuelt", "interpersonelt", "socialt", "generelt")


def ors(session, worker, citizen, on, each):
    record_scoring(
        session,
        worker,
        citizen,
        "ORS",
        {"scored_on": on, "participation": "together"},
        dict.fromkeys(ORS_ITEMS, each),
        today=on,
    )
    session.commit()


def declined(session, w):
    """c1's ORS falls from 32 to 24: a reliable decline (a signal)."""
    ors(session, w.w1, w.c1, date(2026, 1, 10), 8)
    ors(session, w.w1, w.c1, date(2026, 3, 10), 6)


def page(client, url="/opgaver"):
    r = client.get(url)
    assert r.status_code == 200
    return r.get_data(as_text=True)


def test_a_worker_starts_on_mine_opgaver(w, client, session):

    w.w1.password_hash = hash_password("hemmelig123")
    session.commit()
    r = client.post("/login", data={"email": w.w1.email, "password": "hemmelig123"})
    assert r.headers["Location"].endswith("/opgaver")
    html = page(client)
    assert '<a href="/opgaver" class="nav-link" aria-current="page"><span>Mine opgaver' in html


def test_mine_opgaver_lists_her_citizens_tasks_soonest_first_with_their_forms(
    w, session, mail, login_as
):
    goal = make.goal(session, w.w1, w.p1, target_date=date(2026, 4, 1))
    session.commit()
    run(session, DAY, mail, digests=False)
    html = page(login_as(w.w1))
    rows = re.findall(r'<tr id="task-\d+"[^>]*>(.*?)</tr>', html, re.S)
    assert len(rows) == 4
    assert "Overskredet" in rows[0] and "Registrér ORS" in rows[0]  # 29 Jan first
    c = w.c1.id
    assert f'href="/borgere/{c}/scoringer/ORS/ny"' in rows[0]
    assert f'href="/borgere/{c}/scoringer/FKO/ny?goal={goal.id}&amp;occasion=status"' in html
    assert f'href="/borgere/{c}/scoringer/REM/ny"' in html
    assert f'href="/borgere/{c}/maal/{goal.id}/afslut"' in html
    assert "Mål: Jeg vil klare min post selv" in html
    assert w.c2.display_name not in html  # another team's citizen


def test_tasks_follow_the_contact_person_and_permissions(w, session, mail, login_as):
    colleague = make.user(session, Role.WORKER, [w.t1])
    session.commit()
    run(session, DAY, mail, digests=False)
    # c1's contact person is w1: a colleague sees the task only on the team view
    assert w.c1.display_name not in page(login_as(colleague))
    assert w.c1.display_name in page(login_as(colleague), "/opgaver?alle=1")
    # c2 in team Syd has no contact person: its team's worker sees it
    assert w.c2.display_name in page(login_as(w.w2))
    # when c1's contact person leaves, her colleagues see c1's tasks
    w.w1.active = False
    session.commit()
    assert w.c1.display_name in page(login_as(colleague))
    assert w.c1.display_name not in page(login_as(w.w2), "/opgaver?alle=1")
    for role in ("leader", "authority", "admin", "borger"):
        assert login_as(getattr(w, role)).get("/opgaver").status_code == 403


def test_recording_the_scoring_removes_the_task(w, session, mail, login_as):
    run(session, DAY, mail, digests=False)
    client = login_as(w.w1)
    assert "Registrér ORS" in page(client)
    r = client.post(
        f"/borgere/{w.c1.id}/scoringer/ORS/ny",
        data={
            "scored_on": "2026-03-20",
            "participation": "together",
            **{f"v_{i}": "7" for i in ORS_ITEMS},
        },
    )
    assert r.status_code == 302
    html = page(client)
    assert "Registrér ORS" not in html and "Registrér REM" in html


def test_a_signal_explained_and_linked_to_the_graph_then_marked_as_seen(w, session, login_as):
    declined(session, w)
    client = login_as(w.w1)
    html = page(client)
    assert (
        "ORS er faldet 8 point fra første måling (32 den 10. jan. 2026) til 24 den "
        "10. mar. 2026 – et pålideligt fald."
    ) in html
    assert f'href="/borgere/{w.c1.id}#instrument-ORS"' in html
    assert 'name="csrf_token"' in html
    assert "1 signal" in page(client, "/borgere")  # the marker in Mine borgere
    form = {"kind": "ors_decline", "subject": "", "basis": "2026-03-10", "note": ""}
    url = f"/opgaver/signaler/{w.c1.id}"
    r = client.post(url, data=form)
    assert r.status_code == 400 and "Udfyld feltet" in r.get_data(as_text=True)
    r = client.post(url, data={**form, "note": "x" * 301})
    assert r.status_code == 400 and "højst 300 tegn" in r.get_data(as_text=True)
    r = client.post(url, data={**form, "note": "Talt med Søren om det; ny aftale om gåture."})
    assert r.status_code == 302
    html = page(client)
    assert "Ingen nye signaler." in html
    assert "Signaler, der er markeret som set (1)" in html and "ny aftale om gåture" in html
    assert "1 signal" not in page(client, "/borgere")
    r = client.post(url, data={**form, "note": "igen"})
    assert r.status_code == 400 and "allerede markeret som set" in r.get_data(as_text=True)


def test_a_newer_score_makes_a_new_signal_even_after_seen(w, session, login_as):
    declined(session, w)
    login_as(w.w1).post(
        f"/opgaver/signaler/{w.c1.id}",
        data={"kind": "ors_decline", "basis": "2026-03-10", "note": "Set"},
    )
    ors(session, w.w1, w.c1, date(2026, 3, 17), 5)
    assert "ORS er faldet 12 point" in page(login_as(w.w1))


def test_signals_are_only_for_those_who_may_see_the_citizen(w, session, login_as):
    declined(session, w)
    form = {"kind": "ors_decline", "basis": "2026-03-10", "note": "Set"}
    assert login_as(w.w2).post(f"/opgaver/signaler/{w.c1.id}", data=form).status_code == 404
    assert login_as(w.leader).post(f"/opgaver/signaler/{w.c1.id}", data=form).status_code == 403
    assert "ORS er faldet" not in page(login_as(w.w2), "/opgaver?alle=1")
    stale = {**form, "basis": "2026-03-11"}
    r = login_as(w.w1).post(f"/opgaver/signaler/{w.c1.id}", data=stale)
    assert r.status_code == 400 and "ikke længere aktuelt" in r.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(SignalAck)) == 0


def test_the_leaders_overview_has_counts_and_no_names(w, session, mail, login_as):
    run(session, DAY, mail, digests=False)
    html = page(login_as(w.leader), "/opgaver/overblik")
    assert "Team Nord" in html and "Team Syd" not in html
    assert re.search(r"ORS</th><td[^>]*>1</td>", html)
    assert w.c1.display_name not in html
    assert login_as(w.w1).get("/opgaver/overblik").status_code == 403


@pytest.mark.parametrize("url", ["/opgaver", "/borgere"])
def test_pages_issue_a_bounded_number_of_queries(w, session, mail, login_as, url, count_queries):
    def queries():
        client = login_as(w.w1)
        client.get(url)  # warm up (login, caches)
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    goal = make.goal(session, w.w1, w.p1, target_date=date(2026, 3, 1))
    make.subgoal(session, goal, target_date=date(2026, 3, 2))
    run(session, DAY, mail, digests=False)
    declined(session, w)
    few = queries()
    for _ in range(5):
        c = make.citizen(session, w.t1, primary_worker_id=w.w1.id)
        g = make.goal(session, w.w1, make.plan(session, c), target_date=date(2026, 3, 1))
        make.subgoal(session, g, target_date=date(2026, 3, 2))
        ors(session, w.w1, c, date(2026, 1, 10), 8)
        ors(session, w.w1, c, date(2026, 3, 10), 6)
    run(session, DAY, mail, digests=False)
    assert queries() == few


def test_marking_seen_needs_the_forms_csrf_token(w, session, login_as, monkeypatch, app):
    declined(session, w)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    r = login_as(w.w1).post(
        f"/opgaver/signaler/{w.c1.id}",
        data={"kind": "ors_decline", "basis": "2026-03-10", "note": "Set"},
    )
    assert r.status_code == 400
    assert session.scalar(select(func.count()).select_from(SignalAck)) == 0
