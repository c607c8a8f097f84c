import pytest
from sqlalchemy import select

from bostotte.audit.models import AccessLog
from bostotte.audit.services import log_access
from bostotte.auth.services import set_setting
from tests import factories as make


@pytest.fixture()
def w(w, session):
    return make.with_goal(session, w)


# Every citizen-bound route against every role: tests/auth/test_routes.py.


def test_worker_of_another_team_cannot_post_a_goal(w, login_as, session):
    client = login_as(w.w2)
    r = client.post(
        f"/borgere/{w.c1.id}/maal/ny",
        data={"theme": "sundhed", "specific": "x", "measurable": "y", "target_date": "2026-12-01"},
    )
    assert r.status_code == 404
    assert len(w.p1.goals) == 1


def test_own_worker_sees_the_citizen(w, login_as):
    assert login_as(w.w1).get(f"/borgere/{w.c1.id}").status_code == 200


def test_list_shows_only_own_teams(w, login_as):
    page = login_as(w.w2).get("/borgere").get_data(as_text=True)
    assert w.c2.display_name in page and w.c1.display_name not in page


def test_leader_reads_her_teams_but_cannot_edit(w, login_as, session):
    # when the municipality allows it (tests/auth/test_leader_access.py: off by default)
    set_setting(session, "leader_reads_records", True)
    session.commit()
    client = login_as(w.leader)
    assert client.get(f"/borgere/{w.c1.id}").status_code == 200
    assert client.get(f"/borgere/{w.c2.id}").status_code == 404
    assert client.get(f"/borgere/{w.c1.id}/maal/ny").status_code == 403


def test_myndighed_sees_only_referred_citizens(w, login_as):
    client = login_as(w.authority)
    assert client.get(f"/borgere/{w.c1.id}").status_code == 200
    assert client.get(f"/borgere/{w.c2.id}").status_code == 404
    page = client.get("/borgere").get_data(as_text=True)
    assert w.c1.display_name in page and w.c2.display_name not in page


def test_admin_reads_no_citizen_list(w, login_as):
    assert login_as(w.admin).get("/borgere").status_code == 403


def test_citizen_sees_only_herself(w, login_as):
    client = login_as(w.borger)
    assert client.get("/borgere").status_code == 403
    assert client.get(f"/borgere/{w.c2.id}").status_code == 403
    page = client.get("/mig").get_data(as_text=True)
    assert w.g1.specific in page
    assert w.c2.display_name not in page


def test_anonymous_is_sent_to_login(w, client):
    r = client.get(f"/borgere/{w.c1.id}")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_every_read_is_access_logged(w, login_as, session):
    login_as(w.w1).get(f"/borgere/{w.c1.id}")
    login_as(w.borger).get("/mig")
    login_as(w.w2).get(f"/borgere/{w.c1.id}")  # refused: no row
    rows = session.scalars(select(AccessLog).order_by(AccessLog.id)).all()
    assert [(r.actor_id, r.actor_role, r.citizen_id, r.what) for r in rows] == [
        (w.w1.id, "mestringsvejleder", w.c1.id, "borgerside"),
        (w.borger.id, "borger", w.c1.id, "mine mål"),
    ]
    assert rows[0].path == f"/borgere/{w.c1.id}" and rows[0].at is not None


def test_a_long_guessed_url_is_refused_and_logs_nothing_too_long(w, login_as, session):
    # An unknown instrument is a 404 before any read; a long what/path is cut, not a 500.
    r = login_as(w.w1).get(f"/borgere/{w.c1.id}/scoringer/{'X' * 400}/ny")
    assert r.status_code == 404
    assert session.scalars(select(AccessLog)).all() == []

    entry = log_access(session, w.w1, w.c1.id, "å" * 200, "/" + "p" * 500)
    session.commit()
    assert len(entry.what) == 80 and len(entry.path or "") == 300
