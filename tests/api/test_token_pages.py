"""The pages that make and revoke API tokens: personal ones on Min konto, the integrations'
on the admin page. The secret is shown once, works against the API, and stops working when
revoked; each role is offered only the scopes it may hold; bad input gets Danish messages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from bostotte.api import tokens
from bostotte.api.models import ApiToken
from bostotte.auth.models import Role, User
from bostotte.auth.services import set_setting
from bostotte.common.time import utcnow

SHOWN_ONCE = "Kopiér nøglen nu – den vises ikke igen"
SECRET = re.compile(r"bst_[A-Za-z0-9_-]{20,}")
PERSONAL = "/konto/api-noegler"
SERVICE = "/admin/integrationer"


def _secret(page: str) -> str:
    found = SECRET.findall(page)
    assert len(set(found)) == 1, found
    return found[0]


def _offered(page: str) -> set[str]:
    """The scopes the page's form offers (its checkboxes)."""
    return set(re.findall(r'name="scopes" value="([^"]+)"', page))


def _count(session, model=ApiToken) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(model))


def test_a_worker_makes_a_token_sees_it_once_and_uses_it(w, login_as, api, session):
    client = login_as(w.w1)
    assert "API-nøgler" in client.get("/konto").text
    r = client.post(PERSONAL, data={"name": "Regneark", "scopes": ["read:citizens"], "days": "30"})
    assert r.status_code == 200
    assert SHOWN_ONCE in r.text
    assert "Authorization: Bearer" in r.text and 'href="/api/v1/docs"' in r.text
    assert "no-store" in r.headers["Cache-Control"]
    secret = _secret(r.text)

    token = session.scalars(select(ApiToken)).one()
    assert token.name == "Regneark" and token.kind == "personal" and token.user_id == w.w1.id
    assert token.scopes == "read:citizens"
    assert token.token_hash != secret and secret not in token.token_hash
    assert (token.expires_at - token.created_at).days == 30

    listed = api.get("/citizens", secret)
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json["items"]] == [w.c1.id]  # her team's citizen only

    page = client.get("/konto").text
    assert secret not in page and SHOWN_ONCE not in page
    assert "Regneark" in page and f"{token.prefix}…" in page and "Aktiv" in page
    assert "Læse borgere" in page  # the scope's Danish label
    # Nothing of it was kept in the session cookie either.
    with client.session_transaction() as cookie:
        assert secret not in repr(dict(cookie))


def test_revoking_her_token_makes_the_api_answer_401(w, login_as, api, token_for, session):
    secret = token_for(w.w1, "read:citizens")
    token = session.scalars(select(ApiToken)).one()
    assert api.get("/citizens", secret).status_code == 200

    client = login_as(w.w1)
    r = client.post(f"{PERSONAL}/{token.id}/tilbagekald")
    assert r.status_code == 302 and r.headers["Location"].endswith("/konto#api-noegler")
    assert api.get("/citizens", secret).status_code == 401
    assert session.get(ApiToken, token.id).revoked_at is not None
    page = client.get("/konto").text
    assert "er tilbagekaldt" in page and "Tilbagekaldt" in page
    assert f"{PERSONAL}/{token.id}/tilbagekald" not in page  # no button on a revoked token


def test_another_users_token_cannot_be_revoked(w, login_as, api, token_for, service_token, session):
    secret = token_for(w.w2, "read:citizens")
    theirs = session.scalars(select(ApiToken)).one()
    service_token(w.admin, [w.t1], "read:citizens")
    integration = session.scalars(select(ApiToken).where(ApiToken.kind == "service")).one()

    client = login_as(w.w1)
    assert client.post(f"{PERSONAL}/{theirs.id}/tilbagekald").status_code == 404
    assert client.post(f"{PERSONAL}/{integration.id}/tilbagekald").status_code == 404
    assert client.post(f"{PERSONAL}/999999/tilbagekald").status_code == 404
    assert api.get("/citizens", secret).status_code == 200
    assert session.get(ApiToken, theirs.id).revoked_at is None
    assert session.get(ApiToken, integration.id).revoked_at is None
    assert theirs.prefix not in client.get("/konto").text  # nor does she see it listed


def test_each_role_is_offered_the_scopes_it_may_hold(w, login_as, session):
    # a leader reads records only when the municipality allows it (issue 24)
    assert _offered(login_as(w.leader).get("/konto").text) == {"read:stats"}
    set_setting(session, "leader_reads_records", True)
    session.commit()
    assert _offered(login_as(w.leader).get("/konto").text) == {"read:citizens", "read:stats"}
    worker = {"read:citizens", "write:citizens", "write:goals", "write:scorings"}
    assert _offered(login_as(w.w1).get("/konto").text) == worker
    # myndighed also reads the statistics of the citizens she referred
    assert _offered(login_as(w.authority).get("/konto").text) == worker | {"read:stats"}
    assert _offered(login_as(w.admin).get("/admin").text) == set(tokens.SCOPES)


def test_a_scope_her_role_does_not_give_is_refused(w, login_as, session):
    r = login_as(w.leader).post(
        PERSONAL, data={"name": "X", "scopes": ["read:stats", "write:goals"], "days": "30"}
    )
    assert r.status_code == 400
    assert "Din rolle giver ikke adgangen write:goals." in r.text
    r = login_as(w.w1).post(PERSONAL, data={"name": "X", "scopes": ["read:stats"], "days": "30"})
    assert r.status_code == 400 and "Din rolle giver ikke adgangen read:stats." in r.text
    assert _count(session) == 0


@pytest.mark.parametrize("who", ["borger", "admin"])
def test_a_citizen_and_the_administrator_have_no_personal_tokens(
    who, w, login_as, token_for, session
):
    token_for(w.w1)
    mine = session.scalars(select(ApiToken)).one()
    client = login_as(getattr(w, who))
    page = client.get("/konto")
    assert page.status_code == 200 and "API-nøgle" not in page.text
    form = {"name": "X", "scopes": ["read:citizens"], "days": "30"}
    assert client.post(PERSONAL, data=form).status_code == 403
    assert client.post(f"{PERSONAL}/{mine.id}/tilbagekald").status_code == 403
    assert _count(session) == 1 and session.get(ApiToken, mine.id).revoked_at is None


def test_anonymous_gets_the_login_page(w, client, token_for, service_token, session):
    token_for(w.w1)
    service_token(w.admin, [w.t1], "read:citizens")
    ids = list(session.scalars(select(ApiToken.id).order_by(ApiToken.id)))
    for url in (
        PERSONAL,
        f"{PERSONAL}/{ids[0]}/tilbagekald",
        SERVICE,
        f"{SERVICE}/{ids[1]}/tilbagekald",
    ):
        r = client.post(url, data={"name": "X", "scopes": ["read:citizens"], "days": "30"})
        assert r.status_code == 302 and "/login" in r.headers["Location"], url
    assert _count(session) == 2


def test_the_administrator_makes_an_integration_that_sees_only_its_teams(w, login_as, api, session):
    client = login_as(w.admin)
    page = client.get("/admin").text
    assert "Integrationer (API-nøgler)" in page and "Ingen integrationer endnu." in page
    r = client.post(
        SERVICE,
        data={
            "integration_name": "Nexus",
            "scopes": ["read:citizens", "read:stats"],
            "teams": [str(w.t2.id)],
            "days": "180",
        },
    )
    assert r.status_code == 200 and SHOWN_ONCE in r.text
    secret = _secret(r.text)
    token = session.scalars(select(ApiToken)).one()
    assert token.kind == "service" and token.created_by_id == w.admin.id
    assert token.user.role == Role.SERVICE and [t.id for t in token.user.teams] == [w.t2.id]

    listed = api.get("/citizens", secret)
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json["items"]] == [w.c2.id]

    page = client.get("/admin").text
    assert secret not in page
    assert "Nexus" in page and f"{token.prefix}…" in page and "Team Syd" in page
    r = client.post(f"{SERVICE}/{token.id}/tilbagekald")
    assert r.status_code == 302 and r.headers["Location"].endswith("/admin#integrationer")
    assert api.get("/citizens", secret).status_code == 401
    assert "Tilbagekaldt" in client.get("/admin").text


def test_the_admin_route_revokes_only_integrations(w, login_as, token_for, session):
    token_for(w.w1)
    personal = session.scalars(select(ApiToken)).one()
    client = login_as(w.admin)
    assert client.post(f"{SERVICE}/{personal.id}/tilbagekald").status_code == 404
    assert client.post(f"{SERVICE}/999999/tilbagekald").status_code == 404
    assert session.get(ApiToken, personal.id).revoked_at is None


@pytest.mark.parametrize("who", ["w1", "leader", "authority", "borger"])
def test_only_the_administrator_uses_the_admin_routes(who, w, login_as, service_token, session):
    service_token(w.admin, [w.t1], "read:citizens")
    token = session.scalars(select(ApiToken)).one()
    client = login_as(getattr(w, who))
    form = {
        "integration_name": "X",
        "scopes": ["read:citizens"],
        "teams": [str(w.t1.id)],
        "days": "30",
    }
    assert client.post(SERVICE, data=form).status_code == 403
    assert client.post(f"{SERVICE}/{token.id}/tilbagekald").status_code == 403
    assert _count(session) == 1 and session.get(ApiToken, token.id).revoked_at is None


GOOD = {"name": "Regneark", "scopes": ["read:citizens"], "days": "30"}
DAYS = f"Vælg en levetid mellem 1 og {tokens.MAX_DAYS} dage."


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "Giv nøglen et navn, så du kan kende den igen."),
        ({"name": "   "}, "Giv nøglen et navn, så du kan kende den igen."),
        ({"name": "x" * 121}, "Højst 120 tegn."),
        ({"scopes": []}, "Vælg mindst én adgang."),
        ({"scopes": ["admin:all"]}, "Ukendt adgang: admin:all."),
        ({"days": "0"}, DAYS),
        ({"days": "999"}, DAYS),
        ({"days": "-5"}, DAYS),
        ({"days": "tre"}, DAYS),
        ({"days": ""}, DAYS),
        ({"days": "9" * 40}, DAYS),
    ],
)
def test_bad_input_on_the_account_page(change, message, w, login_as, session):
    r = login_as(w.w1).post(PERSONAL, data={**GOOD, **change})
    assert r.status_code == 400
    assert message in r.text
    assert "Der er fejl i formularen" in r.text
    assert 'id="opret-api-noegle" open' in r.text  # the form stays open, with what she wrote
    assert _count(session) == 0


SERVICE_GOOD = {"integration_name": "Nexus", "scopes": ["read:citizens"], "days": "30"}
NO_TEAM = "Vælg mindst ét team, som integrationen må se."


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({}, NO_TEAM),
        ({"teams": ["abc"]}, NO_TEAM),
        ({"teams": ["999999"]}, NO_TEAM),
        ({"integration_name": ""}, "Giv nøglen et navn, så du kan kende den igen."),
        ({"integration_name": "x" * 121}, "Højst 120 tegn."),
        ({"scopes": []}, "Vælg mindst én adgang."),
        ({"days": "0"}, DAYS),
        ({"days": "999"}, DAYS),
    ],
)
def test_bad_input_on_the_admin_page(change, message, w, login_as, session):
    data = {**SERVICE_GOOD, "teams": [str(w.t1.id)], **change} if change else SERVICE_GOOD
    r = login_as(w.admin).post(SERVICE, data=data)
    assert r.status_code == 400
    assert message in r.text
    assert 'href="#f-' in r.text  # the error summary links to the field
    assert 'id="opret-integration" open' in r.text
    assert _count(session) == 0
    users = select(func.count()).select_from(User).where(User.role == Role.SERVICE)
    assert session.scalar(users) == 0


def test_an_expired_token_is_listed_as_expired_without_a_button(w, login_as, session):
    token, _ = tokens.create_personal(session, w.w1, "Gammel", ["read:citizens"], 1, utcnow())
    token.expires_at = utcnow().replace(year=2020)
    session.commit()
    page = login_as(w.w1).get("/konto").text
    assert "Udløbet" in page and f"{PERSONAL}/{token.id}/tilbagekald" not in page
