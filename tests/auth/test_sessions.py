"""Sessions that can be ended: a copied cookie dies with the logout, a new password, a
disabled user; idle and absolute timeouts; a new session id at every login; failed
passwords counted per account across processes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bostotte import create_app
from bostotte.auth.models import Role, User, UserSession
from bostotte.auth.services import LOCK_AFTER
from bostotte.common.time import utcnow
from bostotte.extensions import limiter
from bostotte.invitations.services import invite
from tests import factories as make
from tests.conftest import without_csrf

PASSWORD = "hemmelig123"


def _staff(session, email="v@test.dk"):  # type: ignore[no-untyped-def]
    user = make.user(session, Role.WORKER, [make.team(session)], password=PASSWORD, email=email)
    session.commit()
    return user


def _log_in(client, email="v@test.dk", password=PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/login", data={"email": email, "password": password})


def _copy_cookie(app, client):  # type: ignore[no-untyped-def]
    """A second browser holding a copy of the first one's session cookie."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value, domain="localhost")
    return other


def test_a_copied_cookie_stops_working_at_logout(app, client, session):
    _staff(session)
    assert _log_in(client).status_code == 302
    thief = _copy_cookie(app, client)
    assert thief.get("/borgere").status_code == 200  # the copy works while she is logged in
    client.post("/logout")
    assert thief.get("/borgere").status_code == 302  # ... and not after
    assert session.scalars(select(UserSession)).one().ended_at is not None


def test_every_login_gets_a_new_session_and_ends_the_one_before(app, client, session):
    _staff(session)
    _log_in(client)
    before = _copy_cookie(app, client)
    _log_in(client)  # the same browser logs in again
    assert before.get("/borgere").status_code == 302
    rows = session.scalars(select(UserSession).order_by(UserSession.id)).all()
    assert len(rows) == 2 and rows[0].ended_at is not None and rows[1].ended_at is None
    assert rows[0].token_hash != rows[1].token_hash


def test_a_new_password_ends_every_earlier_session(app, session, login_as, w):
    citizen = login_as(w.borger)
    assert citizen.get("/mig").status_code == 200
    _, token = invite(session, w.w1, w.c1, w.borger.email, now=utcnow())
    session.commit()
    fresh = app.test_client()
    r = fresh.post(
        f"/invitation/{token}",
        data={"password": "nyt-kodeord-1", "password_again": "nyt-kodeord-1"},
    )
    assert r.status_code == 302
    assert citizen.get("/mig").status_code == 302  # the old session is over
    assert fresh.get("/mig").status_code == 200


def test_disabling_a_user_logs_her_out_everywhere(session, login_as, w):
    worker = login_as(w.w1)
    assert worker.get("/borgere").status_code == 200
    assert login_as(w.admin).post(f"/admin/brugere/{w.w1.id}/deaktiver").status_code == 302
    assert worker.get("/borgere").status_code == 302


def _age(session, **changes):  # type: ignore[no-untyped-def]
    for row in session.scalars(select(UserSession).where(UserSession.ended_at.is_(None))):
        for name, delta in changes.items():
            setattr(row, name, getattr(row, name) - delta)
    session.commit()


def test_idle_timeout_is_30_minutes_for_staff_and_15_for_citizens(session, login_as, w):
    worker, citizen = login_as(w.w1), login_as(w.borger)
    _age(session, last_seen_at=timedelta(minutes=16))
    assert worker.get("/borgere").status_code == 200
    assert citizen.get("/mig").status_code == 302
    _age(session, last_seen_at=timedelta(minutes=31))
    assert worker.get("/borgere").status_code == 302


def test_a_session_ends_after_12_hours_however_busy(session, login_as, w):
    worker = login_as(w.w1)
    _age(session, created_at=timedelta(hours=12, minutes=1))
    assert worker.get("/borgere").status_code == 302


def test_wrong_passwords_lock_the_account_across_processes(app, session):
    """Two app instances stand in for two gunicorn workers: the count is in the database,
    so together they check no more than LOCK_AFTER wrong passwords."""
    user = _staff(session)
    one, two = app.test_client(), create_app(dict(app.config)).test_client()
    for n in range(LOCK_AFTER):
        assert _log_in(one if n % 2 else two, password="forkert!!").status_code == 400
    session.expire_all()
    locked = session.get(User, user.id)
    assert locked.locked_until is not None and locked.locked_until > utcnow()
    # Locked: even the right password is refused, with the same words as a wrong one.
    r = _log_in(one)
    assert r.status_code == 400 and "E-mail eller adgangskode er forkert." in r.text
    locked.locked_until = utcnow() - timedelta(seconds=1)  # the lock has run out
    session.commit()
    assert _log_in(two).status_code == 302
    session.expire_all()
    assert session.get(User, user.id).failed_logins == 0


def test_an_unknown_user_and_a_wrong_password_get_the_same_answer(client, session):
    _staff(session)
    wrong = _log_in(client, password="forkert!!")
    unknown = _log_in(client, email="ingen@test.dk")
    assert wrong.status_code == unknown.status_code == 400

    def page(r, email):
        return without_csrf(r.text.replace(email, ""))

    assert page(wrong, "v@test.dk") == page(unknown, "ingen@test.dk")


def test_sixty_colleagues_behind_one_address_all_get_in(app, session):
    """Only failures count against an address: a municipality's proxy is one address."""
    limited = create_app({**app.config, "RATELIMIT_ENABLED": True})
    team = make.team(session)
    users = [
        make.user(session, Role.WORKER, [team], password=PASSWORD, email=f"k{n}@test.dk")
        for n in range(60)
    ]
    session.commit()
    try:
        statuses = [_log_in(limited.test_client(), email=u.email).status_code for u in users]
        assert statuses == [302] * 60
    finally:
        limiter.reset()
        limiter.enabled = False


def test_logout_everywhere_from_the_account_page(session, login_as, w):
    phone, laptop = login_as(w.w1), login_as(w.w1)
    page = laptop.get("/konto").text
    assert "Aktive logins" in page and "Log ud på alle enheder" in page
    assert laptop.post("/konto/log-ud-overalt").status_code == 302
    assert phone.get("/borgere").status_code == 302 and laptop.get("/borgere").status_code == 302
