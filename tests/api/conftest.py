"""An API client with a bearer token, and tokens made through the service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from bostotte.api import tokens
from bostotte.auth.models import User
from bostotte.common.time import utcnow

API = "/api/v1"


class Api:
    """`api.get("/citizens", token)`: JSON in, the test client's response out."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def call(self, method: str, path: str, token: str | None, **kw: Any) -> Any:
        headers = dict(kw.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.client.open(API + path, method=method, headers=headers, **kw)

    def get(self, path: str, token: str | None, **kw: Any) -> Any:
        return self.call("GET", path, token, **kw)

    def post(self, path: str, token: str | None, json: Any = None, **kw: Any) -> Any:
        return self.call("POST", path, token, json=json, **kw)

    def put(self, path: str, token: str | None, json: Any = None, **kw: Any) -> Any:
        return self.call("PUT", path, token, json=json, **kw)


@pytest.fixture()
def api(client: FlaskClient) -> Api:
    return Api(client)


@pytest.fixture()
def token_for(session: Session) -> Callable[..., str]:
    """token_for(user, *scopes) -> the secret of a new personal token (all her scopes when
    none are named)."""

    def make(user: User, *scopes: str, days: int = 30) -> str:
        wanted = list(scopes) or [s.id for s in tokens.scopes_for(user)]
        _, secret = tokens.create_personal(session, user, "Test", wanted, days, utcnow())
        session.commit()
        return secret

    return make


@pytest.fixture()
def service_token(session: Session) -> Callable[..., str]:
    """service_token(admin, teams, *scopes) -> the secret of a new service token."""

    def make(admin: User, teams: list[Any], *scopes: str, name: str = "Nexus") -> str:
        _, secret = tokens.create_service(
            session, admin, name, list(scopes), [t.id for t in teams], 30, utcnow()
        )
        session.commit()
        return secret

    return make
