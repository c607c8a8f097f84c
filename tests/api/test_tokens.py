"""Tokens: stored hashed, scoped to what the role may, dead when expired, revoked or their
user disabled; limited per token; made on the command line for scripts."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from bostotte import create_app
from bostotte.api import tokens
from bostotte.api.models import ApiToken
from bostotte.auth.models import Role, User
from bostotte.common.schema import DomainError
from bostotte.common.time import utcnow
from bostotte.extensions import limiter
from tests.api.conftest import Api


def test_only_the_hash_is_stored(w, session, token_for):
    secret = token_for(w.w1)
    stored = session.scalar(select(ApiToken))
    assert secret.startswith("bst_") and len(secret) > 40
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {stored.token_hash, stored.prefix, stored.name}
    assert stored.prefix == secret[:10]


@pytest.mark.parametrize(
    ("who", "scopes"),
    [
        ("w1", ["read:citizens", "write:citizens", "write:goals", "write:scorings"]),
        (
            "authority",
            ["read:citizens", "write:citizens", "write:goals", "write:scorings", "read:stats"],
        ),
        # a leader reads records only when the municipality allows it (off by default:
        # tests/auth/test_leader_access.py)
        ("leader", ["read:stats"]),
    ],
)
def test_a_token_carries_only_what_the_role_may(w, who, scopes):
    assert [s.id for s in tokens.scopes_for(getattr(w, who))] == scopes


@pytest.mark.parametrize("who", ["admin", "borger"])
def test_administrators_and_citizens_have_no_personal_token(w, session, who):
    with pytest.raises(DomainError, match="kan ikke bruge API"):
        tokens.create_personal(session, getattr(w, who), "x", ["read:citizens"], 30, utcnow())


@pytest.mark.parametrize(
    ("name", "scopes", "days", "field"),
    [
        ("", ["read:citizens"], 30, "name"),
        ("x" * 121, ["read:citizens"], 30, "name"),
        ("x", [], 30, "scopes"),
        ("x", ["read:everything"], 30, "scopes"),
        ("x", ["read:stats"], 30, "scopes"),  # a worker
        ("x", ["read:citizens"], 0, "days"),
        ("x", ["read:citizens"], 367, "days"),
    ],
)
def test_bad_token_requests_are_refused(w, session, name, scopes, days, field):
    with pytest.raises(DomainError) as refused:
        tokens.create_personal(session, w.w1, name, scopes, days, utcnow())
    assert refused.value.field == field


def test_expired_revoked_and_disabled_tokens_get_401(w, session, api, token_for):
    expired, revoked, disabled = token_for(w.w1), token_for(w.w1), token_for(w.authority)
    rows = session.scalars(select(ApiToken).order_by(ApiToken.id)).all()
    assert all(api.get("/citizens", t).status_code == 200 for t in (expired, revoked, disabled))
    rows[0].expires_at = utcnow() - timedelta(seconds=1)
    tokens.revoke(session, rows[1], utcnow())
    w.authority.active = False
    session.commit()
    for secret in (expired, revoked, disabled):
        response = api.get("/citizens", secret)
        assert (
            response.status_code == 401
            and response.json["title"] == "Log ind med en gyldig API-nøgle."
        )


def test_revoking_a_service_token_disables_its_user(w, session, service_token):
    service_token(w.admin, [w.t1], "read:citizens")
    token = session.scalar(select(ApiToken))
    assert token.user.role == Role.SERVICE and token.user.password_hash is None
    tokens.revoke(session, token, utcnow())
    assert token.user.active is False


def test_a_service_user_cannot_log_in_on_the_pages(w, session, service_token, client):
    service_token(w.admin, [w.t1], "read:citizens")
    user = session.scalar(select(User).where(User.role == Role.SERVICE))
    response = client.post("/login", data={"email": user.email, "password": "et-hemmeligt-kodeord"})
    assert response.status_code == 400


def test_the_rate_limit_is_per_token_with_retry_after(app, w, token_for):
    limited = create_app(
        {**app.config, "RATELIMIT_ENABLED": True, "BOSTOTTE_API_RATE_LIMIT": "3/minute"}
    )
    api = Api(limited.test_client())
    one, two = token_for(w.w1), token_for(w.w1)
    try:
        assert [api.get("/teams", one).status_code for _ in range(4)] == [200, 200, 200, 429]
        refused = api.get("/teams", one)
        assert refused.mimetype == "application/problem+json"
        assert int(refused.headers["Retry-After"]) > 0
        assert api.get("/teams", two).status_code == 200  # another token has its own count
    finally:
        limiter.reset()
        limiter.enabled = False


def test_the_command_line_makes_lists_and_revokes_service_tokens(app, w, session):
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=[
            "bostotte",
            "token",
            "create",
            "--name",
            "Nexus",
            "--scope",
            "read:citizens",
            "--team",
            w.t1.name,
        ]
    )
    assert made.exit_code == 0, made.output
    secret = made.output.strip().splitlines()[-1]
    api = Api(app.test_client())
    assert [c["id"] for c in api.get("/citizens", secret).json["items"]] == [w.c1.id]
    listed = runner.invoke(args=["bostotte", "token", "list"])
    assert "Nexus" in listed.output and secret not in listed.output
    prefix = listed.output.split("…")[0].strip()
    assert runner.invoke(args=["bostotte", "token", "revoke", prefix]).exit_code == 0
    assert api.get("/citizens", secret).status_code == 401


def test_the_command_line_refuses_an_unknown_team_in_danish(app, w):
    result = app.test_cli_runner().invoke(
        args=[
            "bostotte",
            "token",
            "create",
            "--name",
            "X",
            "--scope",
            "read:stats",
            "--team",
            "Ingen",
        ]
    )
    assert result.exit_code == 1 and "Ukendt team: Ingen" in result.output
