"""The pages that make and revoke API tokens: her personal tokens on Min konto, the
integrations' tokens on the admin page. A new token's secret is shown once, on the page
that answers the form (never flashed: the session cookie would carry it)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from bostotte.admin import services as admin_services
from bostotte.admin.views import admin_page
from bostotte.api import PREFIX, tokens
from bostotte.api.forms import PersonalTokenForm, ServiceTokenForm, form_keys, personal_scopes
from bostotte.api.models import ApiToken
from bostotte.auth.permissions import Action, Forbidden, requires
from bostotte.auth.views import account_page
from bostotte.common.schema import FormSchema
from bostotte.common.time import utcnow
from bostotte.common.views import flash_outcome, submit
from bostotte.extensions import db

bp = Blueprint("tokens", __name__)

F = TypeVar("F", bound=Callable[..., Any])


def personal(view: F) -> F:
    """Logged in, in a role that may hold a personal token (else 403)."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not personal_scopes(current_user):
            raise Forbidden
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def _created(token: ApiToken, secret: str, back: str) -> tuple[str, int]:
    return render_template(
        "api/token_created.html",
        token=token,
        secret=secret,
        scope_labels=[tokens.SCOPES[s].label for s in token.scopes.split() if s in tokens.SCOPES],
        back=back,
        api_url=request.url_root.rstrip("/") + PREFIX,
    ), 200


# ------------------------------------------------------------------ her personal tokens


@bp.post("/konto/api-noegler")
@personal
def create_personal() -> tuple[str, int]:
    made, errors = submit(
        PersonalTokenForm(),
        request.form,
        lambda data: tokens.create_personal(
            db.session, current_user, data["name"], data["scopes"], data["days"], utcnow()
        ),
    )
    if made is None:
        return account_page(api_errors=errors)
    return _created(*made, back=url_for("auth.account", _anchor="api-noegler"))


@bp.post("/konto/api-noegler/<int:token_id>/tilbagekald")
@personal
def revoke_personal(token_id: int) -> Response:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.kind != "personal" or token.user_id != current_user.id:
        abort(404)
    _, errors = submit(
        FormSchema(),
        request.form,
        lambda _d: admin_services.revoke_service_token(db.session, current_user, token, utcnow()),
    )
    flash_outcome(errors, f"Nøglen »{token.name}« er tilbagekaldt. Den virker ikke mere.")
    return redirect(url_for("auth.account", _anchor="api-noegler"))


# ------------------------------------------------------------- the integrations' tokens


@bp.post("/admin/integrationer")
@requires(Action.ADMIN)
def create_service() -> tuple[str, int]:
    schema = ServiceTokenForm()
    made, errors = submit(
        schema,
        request.form,
        # logged as the administrator's action (admin_log)
        lambda data: admin_services.create_service_token(db.session, current_user, data, utcnow()),
    )
    if made is None:
        return admin_page(token_errors=form_keys(schema, errors))
    return _created(*made, back=url_for("admin.index", _anchor="integrationer"))


@bp.post("/admin/integrationer/<int:token_id>/tilbagekald")
@requires(Action.ADMIN)
def revoke_service(token_id: int) -> Response:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.kind != "service":
        abort(404)
    _, errors = submit(
        FormSchema(),
        request.form,
        lambda _d: admin_services.revoke_service_token(db.session, current_user, token, utcnow()),
    )
    flash_outcome(
        errors, f"Integrationens nøgle »{token.name}« er tilbagekaldt. Den virker ikke mere."
    )
    return redirect(url_for("admin.index", _anchor="integrationer"))
