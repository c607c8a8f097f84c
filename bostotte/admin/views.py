"""Administration: teams and staff logins. The administrator reads no citizen record."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from bostotte.admin import services
from bostotte.admin.schemas import (
    STAFF_ROLE_LABELS,
    MethodSchema,
    SettingsSchema,
    StaffEditSchema,
    TeamSchema,
    UserSchema,
)
from bostotte.api import tokens
from bostotte.auth.models import Role, User
from bostotte.auth.permissions import Action, requires
from bostotte.common.mail import MailSettings, outbox_entries
from bostotte.common.paging import page_number
from bostotte.common.schema import Errors, FormSchema
from bostotte.common.time import utcnow
from bostotte.common.views import flash_outcome, status_for, submit
from bostotte.extensions import db
from bostotte.goals import methods as goal_methods
from bostotte.invitations.models import Invitation

bp = Blueprint("admin", __name__, url_prefix="/admin")


def admin_page(
    team_errors: Errors | None = None,
    user_errors: Errors | None = None,
    token_errors: Errors | None = None,
) -> tuple[str, int]:
    """The page; shown again with one form's errors (the token form's from api/views.py)."""
    errors = {**(team_errors or {}), **(user_errors or {}), **(token_errors or {})}
    return render_template(
        "admin/index.html",
        teams=services.teams_with_counts(db.session),
        users=services.staff_users(db.session),
        settings=services.settings(db.session),
        sso=bool(current_app.config["BOSTOTTE_OIDC_ISSUER"]),
        roles=STAFF_ROLE_LABELS,
        form=request.form,
        team_errors=team_errors or {},
        user_errors=user_errors or {},
        token_errors=token_errors or {},
        service_tokens=tokens.service_tokens(db.session),
        scopes=tokens.SCOPES,
        max_days=tokens.MAX_DAYS,
        default_days=tokens.DEFAULT_DAYS,
        now=utcnow(),
    ), status_for(errors)


@bp.get("")
@requires(Action.ADMIN)
def index() -> tuple[str, int]:
    return admin_page()


@bp.post("/teams")
@requires(Action.ADMIN)
def create_team() -> tuple[str, int] | Response:
    team, errors = submit(
        TeamSchema(),
        request.form,
        lambda data: services.create_team(db.session, current_user, data),
    )
    if team is None:
        return admin_page(team_errors=errors)
    flash(f"Teamet {team.name} er oprettet.", "success")
    return redirect(url_for("admin.index"))


@bp.post("/brugere")
@requires(Action.ADMIN)
def create_user() -> tuple[str, int] | Response:
    created, errors = submit(
        UserSchema(),
        request.form,
        lambda data: services.create_staff_user(db.session, current_user, data, utcnow()),
    )
    if created is None:
        return admin_page(user_errors=errors)
    user, link = created
    if link is None:  # single sign-on: nothing to hand over
        flash(f"{user.name} er oprettet som {user.role_label.lower()}.", "success")
        return redirect(url_for("admin.index"))
    return _link_page(user, *link, created=True)


@bp.post("/brugere/<int:user_id>/nyt-link")
@requires(Action.ADMIN)
def password_link(user_id: int) -> tuple[str, int] | Response:
    """A forgotten or unknown password: a new link for her to choose one, never a password
    the administrator knows."""
    user = _staff(user_id)
    link, errors = submit(
        FormSchema(),
        request.form,
        lambda _data: services.password_link(db.session, current_user, user, utcnow()),
    )
    if link is None:
        flash_outcome(errors, "")
        return redirect(url_for("admin.index", _anchor="users"))
    return _link_page(user, *link, created=False)


def _link_page(user: User, invitation: Invitation, token: str, *, created: bool) -> tuple[str, int]:
    """The link is shown this once: only its hash is stored."""
    settings = MailSettings.from_config(current_app.config)
    link = settings.base_url.rstrip("/") + url_for("invitations.accept", token=token)
    return render_template(
        "admin/password_link.html", user=user, invitation=invitation, link=link, created=created
    ), 200


def _staff(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.role in (Role.CITIZEN, Role.SERVICE):
        abort(404)
    return user


@bp.route("/brugere/<int:user_id>/rediger", methods=["GET", "POST"])
@requires(Action.ADMIN)
def edit_user(user_id: int) -> tuple[str, int] | Response:
    """Her role and teams (logged as the administrator's)."""
    user = _staff(user_id)
    errors: Errors = {}
    form: Any = {"role": user.role, "team_ids": [str(i) for i in user.team_ids]}
    if request.method == "POST":
        changed, errors = submit(
            StaffEditSchema(),
            request.form,
            lambda data: services.update_staff_user(db.session, current_user, user, data, utcnow()),
        )
        if not errors:
            flash(
                f"{user.name} er nu {user.role_label.lower()}"
                + (f" i {', '.join(t.name for t in user.teams)}." if user.teams else ".")
                if changed
                else "Intet er ændret.",
                "success",
            )
            return redirect(url_for("admin.index", _anchor="users"))
        form = {"role": request.form.get("role"), "team_ids": request.form.getlist("team_ids")}
    return render_template(
        "admin/edit_user.html",
        user=user,
        roles=STAFF_ROLE_LABELS,
        teams=services.teams_with_counts(db.session),
        form=form,
        errors=errors,
    ), status_for(errors)


@bp.get("/handlinger")
@requires(Action.ADMIN)
def actions() -> str:
    """What the administrators did (logins, teams, settings), newest first."""
    return render_template(
        "admin/actions.html",
        log=services.action_log(db.session, page_number(request.args.get("side"))),
        labels=services.ACTIONS,
    )


@bp.post("/brugere/<int:user_id>/<any(aktiver, deaktiver):action>")
@requires(Action.ADMIN)
def toggle_user(user_id: int, action: str) -> Response:
    user = _staff(user_id)
    _, errors = submit(
        FormSchema(),
        request.form,
        lambda _data: services.set_active(db.session, current_user, user, action == "aktiver"),
    )
    flash_outcome(errors, f"{user.name} er {'aktiveret' if user.active else 'deaktiveret'}.")
    return redirect(url_for("admin.index"))


@bp.post("/brugere/<int:user_id>/nulstil-tofaktor")
@requires(Action.ADMIN)
def reset_second_factor(user_id: int) -> Response:
    """A lost phone: she sets up two factors again at her next login."""
    user = _staff(user_id)
    _, errors = submit(
        FormSchema(),
        request.form,
        lambda _data: services.reset_second_factor(db.session, current_user, user),
    )
    flash_outcome(
        errors,
        f"To-faktor-login for {user.name} er nulstillet. Hun er logget ud "
        "overalt og sætter det op igen ved næste login.",
    )
    return redirect(url_for("admin.index"))


@bp.post("/indstillinger")
@requires(Action.ADMIN)
def save_settings() -> Response:
    _, errors = submit(
        SettingsSchema(),
        request.form,
        lambda data: services.save_settings(db.session, current_user, data),
    )
    flash_outcome(errors, "Indstillingerne er gemt.")
    return redirect(url_for("admin.index", _anchor="login"))


@bp.route("/metoder", methods=["GET", "POST"])
@requires(Action.ADMIN)
def methods_page() -> tuple[str, int] | Response:
    """The pedagogical methods the delmål are worked with (goals.methods): add one."""
    errors: Errors = {}
    if request.method == "POST":
        method, errors = submit(
            MethodSchema(),
            request.form,
            lambda data: services.add_method(db.session, current_user, data["label"]),
        )
        if method is not None:
            flash(f"Metoden {method.label} kan nu vælges på delmål.", "success")
            return redirect(url_for("admin.methods_page"))
    return _methods(errors)


def _methods(errors: Errors) -> tuple[str, int]:
    return render_template(
        "admin/methods.html",
        methods=goal_methods.listing(db.session),
        form=request.form if request.method == "POST" else {},
        errors=errors,
    ), status_for(errors)


def _known_method(code: str) -> None:
    if code not in goal_methods.methods(db.session, hidden=True):
        abort(404)


@bp.route("/metoder/<code>/navn", methods=["GET", "POST"])
@requires(Action.ADMIN)
def rename_method(code: str) -> tuple[str, int] | Response:
    _known_method(code)
    errors: Errors = {}
    if request.method == "POST":
        method, errors = submit(
            MethodSchema(),
            request.form,
            lambda data: services.rename_method(db.session, current_user, code, data["label"]),
        )
        if method is not None:
            flash(f"Metoden hedder nu {method.label}.", "success")
            return redirect(url_for("admin.methods_page"))
    label = goal_methods.method_label(code)
    form = request.form if request.method == "POST" else {"label": label}
    return render_template(
        "admin/method_form.html", code=code, label=label, form=form, errors=errors
    ), status_for(errors)


@bp.post("/metoder/<code>/<any(skjul, vis):action>")
@requires(Action.ADMIN)
def hide_method(code: str, action: str) -> Response:
    _known_method(code)
    hidden = action == "skjul"
    label = goal_methods.method_label(code)
    _, errors = submit(
        FormSchema(),
        request.form,
        lambda _data: services.hide_method(db.session, current_user, code, hidden),
    )
    flash_outcome(
        errors,
        f"{label} tilbydes ikke længere på nye delmål; de delmål, der har den, beholder den."
        if hidden
        else f"{label} kan vælges igen.",
    )
    return redirect(url_for("admin.methods_page"))


@bp.get("/udbakke")
@requires(Action.ADMIN)
def outbox() -> str:
    """Mails written to the outbox folder when no SMTP server is set (development)."""
    settings = MailSettings.from_config(current_app.config)
    return render_template(
        "admin/outbox.html", settings=settings, entries=outbox_entries(settings.outbox)
    )
