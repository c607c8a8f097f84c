"""A long form keeps her login alive while she types (/konto/aktiv, static/js/keep-alive.js):
a POST touches the idle timer, a GET tells the form whether she is still logged in and
hands it a fresh CSRF token. Staff only, CSRF-protected, and not a read of any record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bostotte import create_app
from bostotte.audit.models import AccessLog
from bostotte.auth.models import UserSession
from tests.conftest import login

URL = "/konto/aktiv"


def _age(session, minutes: int) -> None:  # type: ignore[no-untyped-def]
    """Move the clock: her session was last used `minutes` earlier than it was."""
    for row in session.scalars(select(UserSession).where(UserSession.ended_at.is_(None))):
        row.last_seen_at -= timedelta(minutes=minutes)
    session.commit()


def test_a_keep_alive_extends_the_idle_timer(session, login_as, w):
    worker = login_as(w.w1)
    _age(session, 25)
    r = worker.post(URL)
    assert r.status_code == 200 and r.json["active"] is True
    _age(session, 25)  # 50 minutes since the page was opened, 25 since she typed
    assert worker.get("/borgere").status_code == 200


def test_without_it_the_same_wait_logs_her_out(session, login_as, w):
    """The control: the test above fails if the keep-alive stops touching the timer."""
    worker = login_as(w.w1)
    _age(session, 25)
    _age(session, 25)
    assert worker.get("/borgere").status_code == 302
    r = worker.get(URL)  # the check before a save
    assert r.status_code == 401 and r.json == {"active": False, "login_url": "/login"}
    assert r.headers["Cache-Control"] == "no-store"


def test_an_expired_session_is_not_revived_by_a_keep_alive(session, login_as, w):
    worker = login_as(w.w1)
    _age(session, 31)
    assert worker.post(URL).status_code == 401
    assert worker.get("/borgere").status_code == 302


@pytest.mark.parametrize("who", ["w1", "leader", "authority", "admin"])
def test_staff_may_and_the_citizen_may_not(who, session, login_as, w):
    assert login_as(getattr(w, who)).post(URL).status_code == 200
    citizen = login_as(w.borger)
    assert citizen.post(URL).status_code == 403
    assert citizen.get(URL).status_code == 403


def test_it_reads_no_record_and_writes_no_access_log(session, login_as, w):
    worker = login_as(w.w1)
    r = worker.get(URL)
    assert set(r.json) == {"active", "csrf_token"}
    worker.post(URL)
    assert session.scalar(select(func.count()).select_from(AccessLog)) == 0


def test_it_refuses_a_post_without_the_csrf_token(app, session, w):
    """The suite turns CSRF off; here it is on, as in production."""
    protected = create_app({**app.config, "WTF_CSRF_ENABLED": True})
    protected.test_client_class = app.test_client_class
    worker = login(protected.test_client(), w.w1)
    assert worker.post(URL).status_code == 400
    token = worker.get(URL).json["csrf_token"]  # what the form's script sends
    assert worker.post(URL, headers={"X-CSRFToken": token}).status_code == 200
