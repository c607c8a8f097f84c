"""Invitations: the worker invites, the citizen sets her password once, within 7 days."""

from __future__ import annotations

import re
from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest
from sqlalchemy import select

from bostotte.auth.models import Role, User
from bostotte.auth.passwords import verify_password
from bostotte.common.schema import DomainError
from bostotte.common.time import utcnow
from bostotte.invitations import services
from bostotte.invitations.models import Invitation
from tests import factories as make

LINK = re.compile(
    r'readonly aria-describedby="invitation-link-hint">(https?://\S+/invitation/([^<\s]+))<'
)


def send_invitation(
    client, citizen_id: int, email: str = "louise@mail.dk", mail: bool = False
) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    data = {"email": email}
    if mail:
        data["send_mail"] = "1"
    r = client.post(f"/borgere/{citizen_id}/invitation", data=data)
    assert r.status_code == 200, r.get_data(as_text=True)
    link, token = LINK.search(r.get_data(as_text=True)).groups()  # type: ignore[union-attr]
    return link, token


def accept(client, token: str, password: str = "min-kode-123", again: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(
        f"/invitation/{token}", data={"password": password, "password_again": again or password}
    )


def test_worker_invites_citizen_sets_password_and_is_logged_in(
    w, login_as, client, session, outbox
):
    c2 = w.c2  # no borger login for c2 in this test: remove the fixture's one
    session.delete(w.borger2)
    session.commit()
    worker = login_as(w.w2)
    page = worker.get(f"/borgere/{c2.id}").get_data(as_text=True)
    assert "Borgerens adgang til Mine mål" in page and "Invitér til Mine mål" in page

    link, token = send_invitation(worker, c2.id, " Sofie@Mail.DK ", mail=True)
    user = session.scalar(select(User).where(User.citizen_id == c2.id))
    assert user is not None and user.role == Role.CITIZEN and user.password_hash is None
    # the address is her login's once she uses the link (issue 24: the form tells no one
    # whether another login has it)
    assert user.email.endswith("@afventer.invalid")
    invitation = session.scalar(select(Invitation))
    assert invitation is not None and invitation.token_hash == services.hash_token(token)
    assert token not in invitation.token_hash  # only the hash is stored
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    assert invitation.mailed

    [mail] = list(outbox.glob("*.eml"))
    msg = BytesParser(policy=policy.default).parsebytes(mail.read_bytes())
    assert msg["To"] == "sofie@mail.dk"
    body = msg.get_content()
    assert link in body and c2.display_name not in body  # a link, no personal data

    form = client.get(f"/invitation/{token}")
    assert form.status_code == 200 and "Vælg din adgangskode" in form.get_data(as_text=True)
    r = accept(client, token)
    assert r.status_code == 302 and r.headers["Location"].endswith("/mig")
    mine = client.get("/mig")
    assert mine.status_code == 200 and w.g2.specific in mine.get_data(as_text=True)
    session.refresh(user)
    assert user.last_login_at is not None and user.password_hash.startswith("$argon2")
    assert user.email == "sofie@mail.dk"
    # and she can log in with the password from now on
    fresh = login_as(w.w1)
    fresh.post("/logout")
    r = fresh.post("/login", data={"email": "sofie@mail.dk", "password": "min-kode-123"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/mig")


def test_a_link_works_once(w, login_as, client, app):
    _, token = send_invitation(login_as(w.w1), w.c1.id, w.borger.email)
    assert accept(client, token).status_code == 302
    again = app.test_client()
    r = accept(again, token, "en-anden-kode")
    assert r.status_code == 410
    assert "Linket er allerede brugt" in r.get_data(as_text=True)
    assert again.get("/mig").status_code == 302  # not logged in
    assert again.get(f"/invitation/{token}").status_code == 410


def test_an_expired_link_is_refused(w, login_as, client, session):
    _, token = send_invitation(login_as(w.w1), w.c1.id, w.borger.email)
    invitation = session.scalar(select(Invitation))
    assert invitation is not None
    invitation.created_at -= timedelta(days=7, minutes=1)
    invitation.expires_at -= timedelta(days=7, minutes=1)
    session.commit()
    r = accept(client, token)
    assert r.status_code == 410 and "Linket er for gammelt" in r.get_data(as_text=True)
    assert session.get(User, w.borger.id).password_hash is None


def test_a_new_invitation_resets_the_password_and_stops_the_old_link(
    w, login_as, client, app, session
):
    worker = login_as(w.w1)
    _, first = send_invitation(worker, w.c1.id, w.borger.email)
    assert accept(client, first, "gammel-kode-1").status_code == 302
    _, second = send_invitation(worker, w.c1.id, w.borger.email)  # she forgot it
    _, third = send_invitation(worker, w.c1.id, w.borger.email)  # sent twice by mistake
    r = accept(app.test_client(), second, "ny-kode-123")
    assert r.status_code == 410 and "Brug det nyeste" in r.get_data(as_text=True)
    assert accept(app.test_client(), third, "ny-kode-123").status_code == 302
    login = app.test_client()
    assert (
        login.post(
            "/login", data={"email": w.borger.email, "password": "gammel-kode-1"}
        ).status_code
        == 400
    )
    assert (
        login.post("/login", data={"email": w.borger.email, "password": "ny-kode-123"}).status_code
        == 302
    )
    states = [
        i.state(utcnow()) for i in session.scalars(select(Invitation).order_by(Invitation.id))
    ]
    assert states == ["used", "revoked", "used"]


def test_bad_passwords_are_explained_next_to_the_field_and_keep_the_link(w, login_as, client):
    _, token = send_invitation(login_as(w.w1), w.c1.id, w.borger.email)
    r = accept(client, token, "kort")
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "Adgangskoden skal have mindst 8 tegn." in page
    assert 'id="f-password-error"' in page
    r = accept(client, token, "lang-nok-kode", "en-anden-kode")
    assert r.status_code == 400 and "De to adgangskoder er ikke ens." in r.get_data(as_text=True)
    assert accept(client, token).status_code == 302  # the link still works


def test_unknown_token_and_bad_email(w, login_as, client, session):
    r = client.get("/invitation/gaet-et-token")
    assert r.status_code == 410 and "Linket virker ikke" in r.get_data(as_text=True)
    worker = login_as(w.w1)
    r = worker.post(f"/borgere/{w.c1.id}/invitation", data={"email": "ikke-en-mail"})
    assert r.status_code == 400 and "Skriv en gyldig e-mail" in r.get_data(as_text=True)
    assert session.scalar(select(Invitation)) is None


def test_only_the_citizens_own_workers_invite(w, login_as):
    url = f"/borgere/{w.c1.id}/invitation"
    assert login_as(w.w2).get(url).status_code == 404  # another team: not even a hint
    assert login_as(w.w2).post(url, data={"email": "x@y.dk"}).status_code == 404
    for role in ("leader", "authority", "admin", "borger"):
        assert login_as(getattr(w, role)).get(url).status_code == 403, role


def test_redeem_is_claimed_once_even_when_two_requests_race(w, session, monkeypatch):
    _, token = services.invite(session, w.w1, w.c1, w.borger.email, now=utcnow())
    session.commit()
    services.redeem(session, token, "forste-kode", "forste-kode", now=utcnow())
    session.commit()
    # The second request checked the link before the first one committed: its check passed.
    monkeypatch.setattr(services, "refusal", lambda _invitation, _now: None)
    with pytest.raises(DomainError, match="allerede brugt"):
        services.redeem(session, token, "anden-kode-1", "anden-kode-1", now=utcnow())
    session.rollback()
    assert verify_password(session.get(User, w.borger.id).password_hash, "forste-kode")


def test_borger_for_new_citizen_gets_the_citizens_name(w, session):
    c = make.citizen(session, w.t1, display_name="Ny Borger")
    session.commit()
    invitation, _ = services.invite(session, w.w1, c, "ny@mail.dk", now=utcnow())
    assert invitation.user.name == "Ny Borger" and invitation.user.citizen_id == c.id
