"""Issue 24: an administrator cannot choose a staff member's password. A new staff login (and
an administrator's reset) gives a single-use, expiring "vælg din adgangskode" link, made by
the citizens' invitation machinery and held to the same password rule; every administrator
action is logged as hers and shown on /admin/handlinger."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from bostotte.admin.models import AdminLog
from bostotte.api.models import ApiToken
from bostotte.auth import oidc
from bostotte.auth.models import User
from bostotte.auth.services import authenticate
from bostotte.common.time import utcnow
from bostotte.invitations.models import Invitation
from bostotte.invitations.services import hash_token, invite_staff

GOOD = "Blå hest i Vejle 1987"
NEW = {"name": "Nina Ny", "email": "nina@test.dk", "role": "mestringsvejleder"}


def _link(html: str) -> str:
    match = re.search(r"http://[^/<\s]+(/invitation/[\w-]+)", html)
    assert match, "no link on the page"
    return match.group(1)


def _create(client, w, **over):  # type: ignore[no-untyped-def]
    return client.post("/admin/brugere", data={**NEW, "team_ids": [str(w.t1.id)], **over})


def _nina(session) -> User:  # type: ignore[no-untyped-def]
    return session.scalars(select(User).where(User.email == "nina@test.dk")).one()


def test_the_admin_form_has_no_password_field(w, login_as):
    page = login_as(w.admin).get("/admin").get_data(as_text=True)
    form = page.split('action="/admin/brugere"')[1].split("</form>")[0]
    assert 'name="password"' not in form and 'type="password"' not in form
    assert "Du vælger ikke medarbejderens adgangskode" in page


def test_a_new_staff_login_gets_a_link_and_no_password(w, session, login_as, client):
    # a password posted anyway (an old form, a script) is not used
    r = _create(login_as(w.admin), w, password="Admins eget kodeord 42")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "Nina Ny er oprettet" in html and "Du kan kun se det her, nu." in html
    url = _link(html)
    nina = _nina(session)
    assert nina.password_hash is None
    invitation = session.scalars(select(Invitation).where(Invitation.user_id == nina.id)).one()
    token = url.rsplit("/", 1)[1]
    assert invitation.citizen_id is None and invitation.token_hash == hash_token(token)
    assert token not in invitation.token_hash and invitation.created_by_id == w.admin.id
    assert authenticate(session, "nina@test.dk", "Admins eget kodeord 42", utcnow()) is None
    session.commit()  # the failed attempt is counted: out of the requests' way (SQLite)

    # she opens it, logged out: her own password, no MitID; then she logs in as usual
    page = client.get(url).get_data(as_text=True)
    assert "Vælg din adgangskode" in page and "MitID" not in page
    r = client.post(url, data={"password": GOOD, "password_again": GOOD})
    assert r.status_code == 302 and r.headers["Location"].endswith("/login")
    assert authenticate(session, "nina@test.dk", GOOD, utcnow()) is not None
    # once only
    again = client.post(url, data={"password": "Et andet langt kodeord", "password_again": "x"})
    assert again.status_code == 410 and "allerede brugt" in again.get_data(as_text=True)
    assert "administratoren" in again.get_data(as_text=True)


def test_the_link_expires(w, session, login_as, client):
    url = _link(_create(login_as(w.admin), w).get_data(as_text=True))
    invitation = session.scalars(select(Invitation)).one()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    r = client.post(url, data={"password": GOOD, "password_again": GOOD})
    assert r.status_code == 410 and "for gammelt" in r.get_data(as_text=True)
    assert _nina(session).password_hash is None


def test_a_reset_is_a_new_link_never_a_password(w, session, login_as, client):
    worker = login_as(w.w1)
    assert worker.get("/opgaver").status_code == 200
    first, _ = invite_staff(session, w.admin, w.w1, now=utcnow())
    session.commit()
    r = login_as(w.admin).post(f"/admin/brugere/{w.w1.id}/nyt-link")
    assert r.status_code == 200 and "Nyt link til" in r.get_data(as_text=True)
    url = _link(r.get_data(as_text=True))
    session.expire_all()
    assert session.get(User, w.w1.id).password_hash is None  # the old one stops working
    assert session.get(Invitation, first.id).revoked_at is not None  # so does an older link
    assert worker.get("/opgaver").status_code == 302  # logged out everywhere
    r = client.post(url, data={"password": GOOD, "password_again": GOOD})
    assert r.status_code == 302
    assert authenticate(session, w.w1.email, GOOD, utcnow()) is not None


def test_only_the_administrator_makes_links_and_only_for_staff(w, login_as, client):
    url = f"/admin/brugere/{w.w1.id}/nyt-link"
    for who in ("w1", "leader", "authority", "borger"):
        assert login_as(getattr(w, who)).post(url).status_code == 403, who
    assert client.post(url).status_code == 302  # the login page
    admin = login_as(w.admin)
    assert admin.post(f"/admin/brugere/{w.borger.id}/nyt-link").status_code == 404
    assert admin.post("/admin/brugere/999999/nyt-link").status_code == 404


def test_a_staff_link_binds_no_mitid(w, session, app):
    _, token = invite_staff(session, w.admin, w.w1, now=utcnow())
    session.commit()
    config = {
        "BOSTOTTE_MITID_LOA_CLAIM": "acr",
        "BOSTOTTE_MITID_ISSUER": "https://broker.test",
        "BOSTOTTE_MITID_SUBJECT_CLAIM": "sub",
    }
    claims = {"sub": "person-1", "acr": "substantial"}
    with pytest.raises(oidc.LoginRefused, match="Linket virker ikke"):
        oidc.citizen_user(session, claims, config, token, utcnow())


# --- the administrator's log ----------------------------------------------------------------


def test_every_administrator_action_is_logged_as_hers(w, session, login_as):
    admin = login_as(w.admin)
    _create(admin, w)
    admin.post("/admin/teams", data={"name": "Team Øst"})
    admin.post(f"/admin/brugere/{w.w1.id}/deaktiver")
    admin.post(f"/admin/brugere/{w.w1.id}/aktiver")
    admin.post(f"/admin/brugere/{w.w2.id}/nulstil-tofaktor")
    admin.post(f"/admin/brugere/{w.w2.id}/nyt-link")
    admin.post("/admin/indstillinger", data={"leader_reads_records": "1"})
    rows = session.scalars(select(AdminLog).order_by(AdminLog.id)).all()
    assert [r.action for r in rows] == [
        "create_user",
        "create_team",
        "deactivate",
        "activate",
        "reset_totp",
        "password_link",
        "settings",
    ]
    assert {(r.actor_id, r.actor_name) for r in rows} == {(w.admin.id, w.admin.name)}
    nina = _nina(session)
    assert [r.target_user_id for r in rows] == [nina.id, None, w.w1.id, w.w1.id] + [w.w2.id] * 2 + [
        None
    ]
    assert "Nina Ny" in rows[0].detail and "Team Øst" in rows[1].detail
    # the settings row names what changed, nothing else
    assert "Ledere må læse borgernes journaler i egne teams: til" in rows[-1].detail
    assert "to-faktor" not in rows[-1].detail

    page = admin.get("/admin/handlinger").get_data(as_text=True)
    for text in (
        "Oprettede medarbejder",
        "Nina Ny",
        "Lavede link til ny adgangskode",
        w.admin.name,
    ):
        assert text in page, text


def test_a_refused_action_logs_nothing(w, session, login_as):
    admin = login_as(w.admin)
    assert _create(admin, w, email=w.w1.email).status_code == 400
    admin.post(f"/admin/brugere/{w.admin.id}/deaktiver")  # herself: refused
    # the settings saved as they were (the test app's defaults): no change, no row
    admin.post("/admin/indstillinger", data={"citizen_password_login": "1"})
    assert session.scalars(select(AdminLog)).all() == []


def test_the_log_is_the_administrators_alone(w, login_as, client):
    for who in ("w1", "leader", "authority", "borger"):
        assert login_as(getattr(w, who)).get("/admin/handlinger").status_code == 403, who
    assert client.get("/admin/handlinger").status_code == 302
    assert "Ingen handlinger endnu" in login_as(w.admin).get("/admin/handlinger").text


def test_an_integration_made_or_revoked_is_logged_as_hers(w, session, login_as):
    """An integration reads its teams' citizens: who gave it which access is on record."""
    admin = login_as(w.admin)
    form = {
        "integration_name": "Nexus",
        "scopes": ["read:citizens"],
        "teams": [str(w.t2.id)],
        "days": "30",
    }
    assert admin.post("/admin/integrationer", data=form).status_code == 200
    token_id = session.scalar(select(ApiToken.id))
    assert admin.post(f"/admin/integrationer/{token_id}/tilbagekald").status_code == 302
    admin.post(f"/admin/integrationer/{token_id}/tilbagekald")  # again: nothing more to log
    rows = session.scalars(select(AdminLog).order_by(AdminLog.id)).all()
    assert [(r.action, r.actor_id) for r in rows] == [
        ("create_token", w.admin.id),
        ("revoke_token", w.admin.id),
    ]
    assert rows[0].detail == "Nexus: read:citizens; teams: Team Syd"


def test_a_changed_role_or_team_is_logged_with_before_and_after(w, session, login_as):
    worker = login_as(w.w1)
    admin = login_as(w.admin)
    url = f"/admin/brugere/{w.w1.id}/rediger"
    page = admin.get(url).get_data(as_text=True)
    assert "Ret rolle og teams" in page and w.w1.name in page and 'id="f-team-' in page
    # teams only: she stays logged in
    form = {"role": "mestringsvejleder", "team_ids": [str(w.t1.id), str(w.t2.id)]}
    assert admin.post(url, data=form).status_code == 302
    assert session.get(User, w.w1.id).team_ids == {w.t1.id, w.t2.id}
    assert worker.get("/opgaver").status_code == 200
    # a new role: out everywhere
    assert admin.post(url, data={**form, "role": "leder"}).status_code == 302
    assert session.get(User, w.w1.id).role == "leder"
    assert worker.get("/opgaver").status_code == 302
    # the same again: nothing changed, nothing logged
    assert admin.post(url, data={**form, "role": "leder"}).status_code == 302
    rows = session.scalars(select(AdminLog).order_by(AdminLog.id)).all()
    assert [(r.action, r.actor_id, r.target_user_id) for r in rows] == [
        ("change_user", w.admin.id, w.w1.id)
    ] * 2
    assert "→" in rows[1].detail and "mestringsvejleder" in rows[1].detail
    assert rows[1].detail.endswith("leder; teams: Team Nord, Team Syd")


def test_a_bad_role_or_team_change_is_refused_with_nothing_changed(w, session, login_as):
    admin = login_as(w.admin)
    url = f"/admin/brugere/{w.w1.id}/rediger"
    for form, message in [
        ({"role": "borger", "team_ids": [str(w.t1.id)]}, "Vælg en af mulighederne."),
        ({"role": "leder", "team_ids": []}, "skal høre til mindst ét team"),
        ({"role": "leder", "team_ids": ["999999"]}, "Vælg blandt de eksisterende teams."),
    ]:
        r = admin.post(url, data=form)
        assert r.status_code == 400 and message in r.get_data(as_text=True), form
    own = admin.post(f"/admin/brugere/{w.admin.id}/rediger", data={"role": "leder"})
    assert own.status_code == 400 and "Du kan ikke ændre din egen rolle." in own.text
    assert session.get(User, w.w1.id).role == "mestringsvejleder"
    assert session.scalars(select(AdminLog)).all() == []
    assert admin.get(f"/admin/brugere/{w.borger.id}/rediger").status_code == 404
    for who in ("w1", "leader", "authority", "borger"):
        assert login_as(getattr(w, who)).get(url).status_code == 403, who
