"""Who is calling: a bearer token, checked before every /api/v1 request. Views then ask for
a scope; what the token's user may do with which citizen is decided by auth.permissions,
exactly as for the pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, request

from bostotte.api import tokens
from bostotte.api.models import ApiToken
from bostotte.audit.services import VIA
from bostotte.auth.models import User
from bostotte.auth.permissions import Forbidden, may
from bostotte.common.time import utcnow
from bostotte.extensions import db

F = TypeVar("F", bound=Callable[..., Any])
TOKEN = "bostotte.api_token"  # the request's token, in its WSGI environ (per request)


def load_token() -> None:
    """before_request of the API: a valid token, or 401 (the same for a missing, unknown,
    expired or revoked one). The API never reads the login cookie, so no CSRF is needed.
    (The OpenAPI document and its page are served by other blueprints, without a token.)"""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    token = (
        tokens.authenticate(db.session, secret.strip(), utcnow())
        if scheme.lower() == "bearer"
        else None
    )
    if token is None:
        abort(401)
    request.environ[TOKEN] = token
    request.environ[VIA] = f"API: {token.name}"[:120]


def token() -> ApiToken:
    return request.environ[TOKEN]  # type: ignore[no-any-return]


def user() -> User:
    return token().user


def rate_limit_key() -> str:
    """Limits count per token (its prefix: no secret in the limiter's storage)."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return "api:" + secret.strip()[:12]
    return "api:" + (request.remote_addr or "")


def scoped(scope: str) -> Callable[[F], F]:
    """The token must carry `scope`, and its user's role must allow the scope's action."""
    action = tokens.SCOPES[scope].action

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if scope not in token().scope_set or not may(user(), action):
                raise Forbidden(f"API-nøglen har ikke adgangen {scope}.")
            return view(*args, **kwargs)

        wrapped.api_scope = scope  # type: ignore[attr-defined]  # for the document (api/openapi.py)
        return wrapped  # type: ignore[return-value]

    return decorator
