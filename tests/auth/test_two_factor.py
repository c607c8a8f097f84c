"""Two factors for local staff logins: the administrator requires it, the worker enrols an
authenticator (QR code, then a code), gets recovery codes once, and logs in with a code
that works once; the administrator resets a lost phone."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import select

from bostotte.auth.models import RecoveryCode, Role, User, UserSession
from bostotte.auth.passwords import hash_password
from bostotte.auth.services import setting
from tests import factories as make

PASSWORD = "hemmelig123"


@pytest.fixture()
def worker(session, app):  # type: ignore[no-untyped-def]
    user = make.user(
        session, Role.WORKER, [make.team(session)], password=PASSWORD, email="v@test.dk"
    )
    session.commit()
    return user


@pytest.fixture()
def required(session, login_as, app):  # type: ignore[no-untyped-def]
    """The administrator requires two factors on the admin page."""
    admin = make.user(session, Role.ADMIN, password=PASSWORD, email="admin@test.dk")
    session.commit()
    r = login_as(admin).post(
        "/admin/indstillinger", data={"require_totp": "1", "citizen_password_login": "1"}
    )
    assert r.status_code == 302
    assert setting(session, "require_totp", app.config) is True
    return admin


def _password(client, email="v@test.dk"):  # type: ignore[no-untyped-def]
    return client.post("/login", data={"email": email, "password": PASSWORD})


def _enrol(client):  # type: ignore[no-untyped-def]
    """Enrol through the pages; returns (secret, recovery codes)."""
    page = client.get("/login/tofaktor").text
    assert "<svg" in page and "QR-kode til din godkendelses-app" in page
    secret = re.search(r'class="totp-secret">([A-Z2-7]+)<', page).group(1)
    r = client.post("/login/tofaktor", data={"code": pyotp.TOTP(secret).now()})
    assert r.status_code == 200 and "Gem dine gendannelseskoder" in r.text
    return secret, re.findall(r"<li><code>([a-z2-9-]+)</code></li>", r.text)


def test_no_second_factor_unless_required_or_enrolled(client, worker):
    assert _password(client).headers["Location"].endswith("/opgaver")


def test_enrolment_when_required_then_a_code_at_every_login(app, client, worker, required, session):
    r = _password(client)
    assert r.headers["Location"].endswith("/login/tofaktor")
    assert client.get("/borgere").status_code == 302  # not logged in before the code
    bad = client.post("/login/tofaktor", data={"code": "000000"})
    assert bad.status_code == 400 and "Koden passer ikke" in bad.text
    secret, codes = _enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/borgere").status_code == 200
    session.expire_all()
    user = session.get(User, worker.id)
    assert user.totp_enabled_at is not None and user.totp_secret == secret
    stored = session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # kept hashed only

    client.post("/logout")
    assert _password(client).headers["Location"].endswith("/login/kode")
    totp, step = pyotp.TOTP(secret), user.totp_last_step
    used = totp.generate_otp(step)  # the enrolment's code: used already
    r = client.post("/login/kode", data={"code": used})
    assert r.status_code == 400 and "forkert eller allerede brugt" in r.text
    later = totp.generate_otp(step + 1)  # the next step's code (accepted a step early)
    assert client.post("/login/kode", data={"code": later}).status_code == 302
    assert client.get("/borgere").status_code == 200
    client.post("/logout")
    _password(client)
    r = client.post("/login/kode", data={"code": later})  # the same code again
    assert r.status_code == 400


def test_a_recovery_code_works_once(client, worker, required, session):
    _password(client)
    _secret, codes = _enrol(client)
    client.post("/logout")
    _password(client)
    assert client.post("/login/kode", data={"code": codes[3].upper()}).status_code == 302
    client.post("/logout")
    _password(client)
    assert client.post("/login/kode", data={"code": codes[3]}).status_code == 400
    assert session.scalar(select(RecoveryCode).where(RecoveryCode.used_at.is_not(None)))


def test_the_code_page_needs_the_password_first_and_not_long_ago(client, worker, required):
    r = client.get("/login/kode")
    assert r.status_code == 302 and r.headers["Location"].endswith("/login")
    _password(client)
    _enrol(client)
    client.post("/logout")
    _password(client)
    with client.session_transaction() as cookie:
        pending = cookie["pending_login"]
        pending["at"] -= 6 * 60  # the code comes six minutes after the password
        cookie["pending_login"] = pending
    assert client.post("/login/kode", data={"code": "123456"}).status_code == 302
    assert client.get("/borgere").status_code == 302


def test_guessing_codes_locks_the_account(client, worker, required, session):
    _password(client)
    _enrol(client)
    client.post("/logout")
    _password(client)
    for _ in range(10):
        client.post("/login/kode", data={"code": "000000"})
    session.expire_all()
    assert session.get(User, worker.id).locked_until is not None
    assert client.get("/login/kode").status_code == 302  # start again, after the lock


def test_the_administrator_resets_a_lost_phone(app, client, worker, required, login_as, session):
    _password(client)
    _enrol(client)
    other = login_as(worker)  # another device of hers
    page = login_as(required).get("/admin").text
    assert "Slået til" in page
    r = login_as(required).post(f"/admin/brugere/{worker.id}/nulstil-tofaktor")
    assert r.status_code == 302
    session.expire_all()
    user = session.get(User, worker.id)
    assert user.totp_secret is None and user.totp_enabled_at is None
    assert session.scalars(select(RecoveryCode)).all() == []
    assert client.get("/borgere").status_code == 302 and other.get("/borgere").status_code == 302
    assert (
        session.scalars(
            select(UserSession).where(
                UserSession.user_id == worker.id, UserSession.ended_at.is_(None)
            )
        ).all()
        == []
    )
    assert _password(client).headers["Location"].endswith("/login/tofaktor")


def test_citizens_are_never_asked_for_a_code(client, w, required, session):
    w.borger.password_hash = hash_password(PASSWORD)
    session.commit()
    assert _password(client, w.borger.email).headers["Location"].endswith("/mig")


def test_citizen_password_login_can_be_switched_off(app, client, w, worker, login_as, session):
    w.borger.password_hash = hash_password(PASSWORD)
    admin = make.user(session, Role.ADMIN, password=PASSWORD, email="admin@test.dk")
    session.commit()
    login_as(admin).post("/admin/indstillinger", data={})  # both boxes unticked
    r = _password(client, w.borger.email)
    assert r.status_code == 400 and "E-mail eller adgangskode er forkert." in r.text
    assert _password(app.test_client()).status_code == 302  # staff still log in
