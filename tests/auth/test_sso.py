"""Staff single sign-on and citizens' MitID, end to end against a real OpenID Connect
provider on 127.0.0.1 (tests/oidc/provider.py): discovery, Authorization Code with PKCE,
state, nonce, signature, issuer, audience and expiry; unknown subjects; group-mapped
provisioning and role changes; key rotation; RP-initiated logout; MitID bound to the
citizen by her invitation link, at level of assurance substantial."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from sqlalchemy import select

from bostotte import create_app
from bostotte.auth import oidc
from bostotte.auth.models import Identity, Role, User, UserSession
from bostotte.common.time import utcnow
from bostotte.invitations.models import Invitation
from bostotte.invitations.services import invite
from tests import factories as make
from tests.oidc.provider import Provider, follow_login

BASE = "http://bostotte.test"
LOA = "https://data.gov.dk/concept/core/nsis/loa"
NOT_CREATED = "Din bruger er ikke oprettet i bostotte – kontakt din administrator."
FAILED = "Login lykkedes ikke. Prøv igen fra login-siden."


@pytest.fixture(scope="module")
def provider():  # type: ignore[no-untyped-def]
    with Provider(
        redirect_uris=[f"{BASE}/login/sso/callback", f"{BASE}/login/mitid/callback"]
    ) as running:
        yield running


@pytest.fixture(scope="module")
def sso_app(app, provider):  # type: ignore[no-untyped-def]
    """The app as a municipality configures it: its provider for staff, a broker (here the
    same test provider) for MitID."""
    settings = {
        "ISSUER": provider.issuer,
        "CLIENT_ID": provider.client_id,
        "CLIENT_SECRET": provider.client_secret,
    }
    return create_app(
        {
            **app.config,
            **{f"BOSTOTTE_OIDC_{k}": v for k, v in settings.items()},
            **{f"BOSTOTTE_MITID_{k}": v for k, v in settings.items()},
            "BOSTOTTE_BASE_URL": BASE,
        }
    )


@pytest.fixture()
def client(sso_app, provider, session):  # type: ignore[no-untyped-def]
    provider.reset()
    return sso_app.test_client()


def _login(client, provider, start="/login/sso", tamper=None):  # type: ignore[no-untyped-def]
    r = client.get(start)
    assert r.status_code == 302
    path, _params = follow_login(provider, r.headers["Location"])
    if tamper:
        path = tamper(path)
    return client.get(path)


def _staff(session, provider, subject="entra-oid-1", role=Role.WORKER):  # type: ignore[no-untyped-def]
    user = make.user(session, role, [make.team(session, "Team Nord")], email="sso@test.dk")
    oidc.link_staff_identity(session, user, subject, provider.issuer, utcnow())
    session.commit()
    return user


def test_the_login_page_offers_single_sign_on_and_mitid(client):
    page = client.get("/login").text
    assert "Log ind som medarbejder (single sign-on)" in page and "Log ind med MitID" in page


def test_a_known_subject_logs_in(client, provider, session):
    user = _staff(session, provider)
    provider.login_as("entra-oid-1", name="Anna Andersen", email="anna@kommune.dk")
    r = _login(client, provider)
    assert r.status_code == 302 and r.headers["Location"].endswith("/opgaver")
    assert client.get("/borgere").status_code == 200
    row = session.scalars(select(UserSession)).one()
    assert (row.user_id, row.method, row.ended_at) == (user.id, "sso", None)
    assert row.id_token == provider.id_tokens[-1]
    authorize = provider.authorizations[-1]  # PKCE S256, state and nonce were sent
    assert authorize["code_challenge_method"] == "S256" and authorize["state"]
    assert authorize["nonce"]


def test_an_unknown_subject_is_refused_in_danish(client, provider, session):
    _staff(session, provider)
    provider.login_as("someone-else", name="Anna Andersen", email="sso@test.dk")
    r = _login(client, provider)  # same name and e-mail: it is the subject that counts
    assert r.status_code == 403 and NOT_CREATED in r.text
    assert session.scalars(select(UserSession)).all() == []
    assert client.get("/borgere").status_code == 302


@pytest.mark.parametrize("knob", ["wrong_nonce", "expired", "unknown_key"])
def test_a_token_that_fails_verification_is_refused(client, provider, session, knob):
    _staff(session, provider)
    provider.login_as("entra-oid-1")
    setattr(provider, knob, True)
    r = _login(client, provider)
    assert r.status_code == 403 and FAILED in r.text
    assert client.get("/borgere").status_code == 302


@pytest.mark.parametrize("override", ["issuer_override", "audience_override"])
def test_a_token_for_another_issuer_or_client_is_refused(client, provider, session, override):
    _staff(session, provider)
    provider.login_as("entra-oid-1")
    setattr(provider, override, "http://evil.example")
    r = _login(client, provider)
    assert r.status_code == 403 and FAILED in r.text


def test_a_wrong_state_is_refused(client, provider, session):
    _staff(session, provider)
    provider.login_as("entra-oid-1")

    def other_state(path: str) -> str:
        parts = urlsplit(path)
        query = dict(parse_qsl(parts.query)) | {"state": "forged"}
        return f"{parts.path}?" + "&".join(f"{k}={v}" for k, v in query.items())

    r = _login(client, provider, tamper=other_state)
    assert r.status_code == 403 and FAILED in r.text


def test_keys_rotated_at_the_provider_are_fetched_again(client, provider, session):
    _staff(session, provider)
    provider.login_as("entra-oid-1")
    assert _login(client, provider).status_code == 302
    provider.rotate_keys(keep_old=False)  # the key the app has cached is gone
    provider.login_as("entra-oid-1")
    assert _login(client, provider).status_code == 302


GROUPS = {
    "bostotte-nord": {"role": "mestringsvejleder", "team": "Team Nord"},
    "bostotte-ledere": {"role": "leder", "team": ["Team Nord", "Team Syd"]},
}


def test_group_mapped_provisioning_and_role_changes_at_next_login(
    client, provider, session, sso_app, monkeypatch
):
    monkeypatch.setitem(sso_app.config, "BOSTOTTE_OIDC_GROUP_ROLES", GROUPS)
    make.team(session, "Team Nord")
    make.team(session, "Team Syd")
    session.commit()
    provider.login_as(
        "new-oid",
        name="Ny Medarbejder",
        email="ny@kommune.dk",
        groups=["alle-ansatte", "bostotte-nord"],
    )
    assert _login(client, provider).headers["Location"].endswith("/opgaver")
    user = session.scalars(select(User).where(User.email == "ny@kommune.dk")).one()
    assert (user.role, [t.name for t in user.teams]) == ("mestringsvejleder", ["Team Nord"])
    assert session.scalars(select(Identity)).one().subject_hash != "new-oid"

    provider.login_as("new-oid", name="Ny Medarbejder", groups=["bostotte-ledere"])
    assert _login(app_client := client.application.test_client(), provider).status_code == 302
    session.expire_all()
    user = session.get(User, user.id)
    assert user.role == "leder" and {t.name for t in user.teams} == {"Team Nord", "Team Syd"}
    assert client.get("/borgere").status_code == 302  # her earlier session ended
    assert app_client.get("/statistik").status_code == 200

    provider.login_as("new-oid", groups=["alle-ansatte"])  # taken out of the groups
    r = _login(client, provider)
    assert r.status_code == 403 and NOT_CREATED in r.text


def test_the_providers_second_factor_is_required_when_asked(
    client, provider, session, sso_app, monkeypatch
):
    monkeypatch.setitem(sso_app.config, "BOSTOTTE_OIDC_REQUIRE_MFA", True)
    _staff(session, provider)
    provider.login_as("entra-oid-1", amr=["pwd"])
    r = _login(client, provider)
    assert r.status_code == 403 and "to faktorer" in r.text
    provider.login_as("entra-oid-1", amr=["pwd", "mfa"])
    assert _login(client, provider).status_code == 302


def test_logout_ends_the_session_here_and_at_the_provider(client, provider, session):
    _staff(session, provider)
    provider.login_as("entra-oid-1")
    _login(client, provider)
    id_token = provider.id_tokens[-1]
    r = client.post("/logout")
    assert r.status_code == 302 and r.headers["Location"].startswith(provider.end_session_endpoint)
    back = requests.get(r.headers["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302 and back.headers["Location"].startswith(f"{BASE}/login")
    assert provider.logouts[-1]["id_token_hint"] == id_token
    assert session.scalars(select(UserSession)).one().ended_at is not None
    assert client.get("/borgere").status_code == 302


# --- MitID ------------------------------------------------------------------------------


def test_mitid_the_first_time_through_the_invitation_then_directly(client, provider, session, w):
    _invitation, token = invite(session, w.w1, w.c1, w.borger.email, now=utcnow())
    session.commit()
    page = client.get(f"/invitation/{token}").text
    assert "Log ind med MitID" in page
    provider.login_as("mitid-person-uuid-1", **{LOA: "Substantial"})
    r = _login(client, provider, start=f"/login/mitid?invitation={token}")
    assert r.status_code == 302 and r.headers["Location"].endswith("/mig")
    assert client.get("/mig").status_code == 200
    identity = session.scalars(select(Identity)).one()
    assert (identity.user_id, identity.provider) == (w.borger.id, "mitid")
    assert "mitid-person-uuid-1" not in identity.subject_hash
    assert session.scalars(select(Invitation)).one().used_at is not None  # used up
    client.post("/logout")
    provider.login_as("mitid-person-uuid-1", **{LOA: "High"})
    assert _login(client, provider, start="/login/mitid").headers["Location"].endswith("/mig")


def test_mitid_without_an_invitation_or_below_substantial_is_refused(client, provider, session, w):
    provider.login_as("mitid-person-uuid-2", **{LOA: "Substantial"})
    r = _login(client, provider, start="/login/mitid")
    assert r.status_code == 403 and "invitation" in r.text
    _invitation, token = invite(session, w.w1, w.c1, w.borger.email, now=utcnow())
    session.commit()
    provider.login_as("mitid-person-uuid-2", **{LOA: "Low"})
    r = _login(client, provider, start=f"/login/mitid?invitation={token}")
    assert r.status_code == 403 and "betydeligt sikringsniveau" in r.text
    assert session.scalars(select(Identity)).all() == []
    assert session.scalars(select(Invitation)).one().used_at is None  # still usable


def test_an_id_token_must_name_this_client_as_its_audience():
    """Beyond Authlib's checks: with several audiences, `azp` must be this client."""
    assert oidc._for_us({"aud": "bostotte"}, "bostotte")
    assert oidc._for_us({"aud": ["bostotte"]}, "bostotte")
    assert oidc._for_us({"aud": ["bostotte", "api"], "azp": "bostotte"}, "bostotte")
    assert not oidc._for_us({"aud": ["bostotte", "api"], "azp": "api"}, "bostotte")
    assert not oidc._for_us({"aud": "another"}, "bostotte")
    assert not oidc._for_us({}, "bostotte")


def test_the_cli_creates_a_user_bound_to_her_subject_with_no_password(
    sso_app, client, provider, session
):
    make.team(session, "Team Nord")
    session.commit()
    with sso_app.app_context():  # the CLI runs in the app already pushed: this one
        result = sso_app.test_cli_runner().invoke(
            args=[
                "bostotte",
                "create-user",
                "--email",
                "cli@kommune.dk",
                "--name",
                "Cli Bruger",
                "--role",
                "mestringsvejleder",
                "--team",
                "Team Nord",
                "--sso-subject",
                "cli-oid",
            ]
        )
    assert result.exit_code == 0, result.output
    user = session.scalars(select(User).where(User.email == "cli@kommune.dk")).one()
    assert user.password_hash is None
    provider.login_as("cli-oid")
    assert _login(client, provider).headers["Location"].endswith("/opgaver")


def test_the_logout_form_may_end_at_the_provider(client, provider):
    """Browsers check form-action on the redirects after a form: the provider's origin is
    allowed, and nothing else beside this site."""
    policy = client.get("/login").headers["Content-Security-Policy"]
    form_action = next(p for p in policy.split("; ") if p.startswith("form-action"))
    assert form_action == f"form-action 'self' {provider.issuer}"
