from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as cookie
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from requests import RequestException
from werkzeug.wrappers import Response

from bostotte.api import tokens
from bostotte.api.forms import personal_scopes
from bostotte.auth import oidc, services, sessions, totp
from bostotte.auth.identity import complete_login, end_login, session_user
from bostotte.auth.models import Role, User
from bostotte.auth.permissions import Action, home_endpoint, may
from bostotte.common.schema import DomainError, Errors
from bostotte.common.time import utcnow
from bostotte.common.views import status_for
from bostotte.extensions import db, limiter, login_manager
from bostotte.invitations import services as invitations

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Log ind for at se siden."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return session_user(db.session, int(user_id))


def home_for(user: User) -> str:
    return url_for(home_endpoint(user))


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths, so the login page can't be used as an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.get("/")
def root() -> Response:
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return redirect(url_for("auth.login"))


def _failed_only(response: Response) -> bool:
    """Only failures count against an address: a municipality's staff share one proxy
    address, and 60 colleagues logging in within the hour must all get in."""
    return response.status_code >= 400


# The second step of a password login waits this long for the code.
PENDING_FOR = timedelta(minutes=5)
PENDING_KEY = "pending_login"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per minute; 100 per hour", methods=["POST"], deduct_when=_failed_only)
def login() -> tuple[str, int] | Response:
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(home_for(current_user))
    email = request.form.get("email", "")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        password = request.form.get("password", "")
        if not email.strip():
            errors["email"] = ["Skriv din e-mail."]
        if not password:
            errors["password"] = ["Skriv din adgangskode."]
        if not errors:
            now = utcnow()
            user = services.authenticate(db.session, email, password, now)
            if user is not None and _password_login_allowed(user):
                return _after_password(user, now)
            errors["_form"] = ["E-mail eller adgangskode er forkert."]
    status = 400 if errors else 200
    return render_template(
        "auth/login.html", email=email, errors=errors, sso=sso_enabled(), mitid=mitid_enabled()
    ), status


def _password_login_allowed(user: User) -> bool:
    return user.role != Role.CITIZEN or services.setting(
        db.session, "citizen_password_login", current_app.config
    )


def _after_password(user: User, now: datetime) -> Response:
    """Straight in, or on to the second factor (enrolment first when it is required)."""
    target = _safe_next(request.args.get("next"))
    required = services.setting(db.session, "require_totp", current_app.config)
    if not services.needs_second_factor(user, required):
        if complete_login(db.session, user, "password"):
            return redirect(target or home_for(user))
        return redirect(url_for("auth.login"))
    cookie.clear()
    cookie[PENDING_KEY] = {"user_id": user.id, "at": now.timestamp(), "next": target}
    return redirect(url_for("auth.code" if user.totp_enabled_at else "auth.enrol"))


def _pending(now: datetime) -> tuple[User | None, str | None]:
    """The user whose password was right a moment ago, waiting for her second factor."""
    pending = cookie.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None, None
    if now.timestamp() - float(pending.get("at", 0)) > PENDING_FOR.total_seconds():
        return None, None
    user = db.session.get(User, int(pending.get("user_id", 0)))
    if user is None or not user.active or services.is_locked(user, now):
        return None, None
    return user, pending.get("next")


def _start_again() -> Response:
    cookie.pop(PENDING_KEY, None)
    flash("Log ind igen: der gik for lang tid, eller kontoen er låst et øjeblik.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/login/kode", methods=["GET", "POST"])
@limiter.limit("20 per minute; 100 per hour", methods=["POST"], deduct_when=_failed_only)
def code() -> tuple[str, int] | Response:
    now = utcnow()
    user, target = _pending(now)
    if user is None or user.totp_enabled_at is None:
        return _start_again()
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        entered = request.form.get("code", "")
        if not entered.strip():
            errors["code"] = ["Skriv koden fra din godkendelses-app."]
        elif services.check_second_factor(db.session, user, entered, now):
            if complete_login(db.session, user, "password+totp"):
                return redirect(target or home_for(user))
            return _start_again()
        else:
            errors["code"] = ["Koden er forkert eller allerede brugt. Vent på den næste kode."]
    return render_template("auth/code.html", errors=errors), 400 if errors else 200


@bp.route("/login/tofaktor", methods=["GET", "POST"])
@limiter.limit("20 per minute; 100 per hour", methods=["POST"], deduct_when=_failed_only)
def enrol() -> tuple[str, int] | Response:
    """The first login after two factors became required (or after a reset)."""
    now = utcnow()
    user, target = _pending(now)
    if user is None or user.totp_enabled_at is not None:
        return _start_again()
    secret = cookie.setdefault("totp_secret", totp.new_secret())
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            codes = services.enable_totp(
                db.session, user, secret, request.form.get("code", ""), now
            )
        except DomainError as error:
            errors["code"] = [error.message]
        else:
            if not complete_login(db.session, user, "password+totp"):
                return _start_again()
            return render_template(
                "auth/recovery_codes.html", codes=codes, next=target or home_for(user)
            ), 200
    uri = totp.provisioning_uri(secret, user.email)
    return render_template(
        "auth/enrol.html", qr=totp.qr_svg(uri), secret=secret, errors=errors
    ), 400 if errors else 200


# --- single sign-on and MitID (auth/oidc.py) ---------------------------------------------


def sso_enabled() -> bool:
    return oidc.enabled("staff")


def mitid_enabled() -> bool:
    return oidc.enabled("mitid")


def _refused(message: str) -> tuple[str, int]:
    db.session.rollback()  # nothing of a refused login is kept
    return render_template("auth/login_refused.html", message=message), 403


@bp.get("/login/sso")
def sso_start() -> Response:
    if not sso_enabled():
        abort(404)
    cookie["login_next"] = _safe_next(request.args.get("next"))
    redirect_uri = oidc.callback_url(url_for("auth.sso_callback"))
    return oidc.client("staff").authorize_redirect(redirect_uri)  # type: ignore[no-any-return]


@bp.get("/login/sso/callback")
def sso_callback() -> tuple[str, int] | Response:
    if not sso_enabled():
        abort(404)
    target = cookie.get("login_next")
    try:
        verified = oidc.verified("staff")
        user = oidc.staff_user(db.session, verified.claims, current_app.config, utcnow())
    except oidc.LoginRefused as refusal:
        return _refused(refusal.message)
    if not complete_login(db.session, user, "sso", id_token=verified.id_token):
        return _refused("Din bruger er slået fra i bostotte – kontakt din administrator.")
    return redirect(target or home_for(user))


@bp.get("/login/mitid")
def mitid_start() -> Response:
    if not mitid_enabled():
        abort(404)
    if invitation := request.args.get("invitation"):
        if current_user.is_authenticated:  # never claimed from someone else's session
            return redirect(url_for("invitations.accept", token=invitation))
        cookie["mitid_invitation"] = invitation  # the first time: binds MitID to her record
    redirect_uri = oidc.callback_url(url_for("auth.mitid_callback"))
    return oidc.client("mitid").authorize_redirect(redirect_uri)  # type: ignore[no-any-return]


@bp.get("/login/mitid/callback")
def mitid_callback() -> tuple[str, int] | Response:
    if not mitid_enabled():
        abort(404)
    invitation = cookie.pop("mitid_invitation", None)
    if invitation and current_user.is_authenticated:
        return _refused(invitations.LOGGED_IN.format(whom="borgeren", name=current_user.name))
    try:
        verified = oidc.verified("mitid")
        user = oidc.citizen_user(
            db.session, verified.claims, current_app.config, invitation, utcnow()
        )
    except oidc.LoginRefused as refusal:
        return _refused(refusal.message)
    if not complete_login(db.session, user, "mitid", id_token=verified.id_token):
        return _refused("Dit login er slået fra. Kontakt din mestringsvejleder.")
    return redirect(home_for(user))


# Which provider a session's login method came from, for the logout there.
PROVIDER_OF = {"sso": "staff", "mitid": "mitid"}


@bp.post("/logout")
def logout() -> Response:
    ended = end_login(db.session)
    flash("Du er logget ud.", "success")
    provider = PROVIDER_OF.get(ended.method) if ended else None
    if ended and provider and oidc.enabled(provider):
        # RP-initiated logout, where the provider offers it: out there too.
        try:
            return oidc.client(provider).logout_redirect(  # type: ignore[no-any-return]
                post_logout_redirect_uri=oidc.callback_url(url_for("auth.login")),
                id_token_hint=ended.id_token,
            )
        except (RuntimeError, RequestException):  # no end_session_endpoint, or unreachable
            pass
    return redirect(url_for("auth.login"))


@bp.get("/konto")
@login_required
def account() -> tuple[str, int]:
    return account_page()


def account_page(api_errors: Errors | None = None) -> tuple[str, int]:
    """Min konto; shown again with the API-token form's errors (api/views.py)."""
    api_scopes = personal_scopes(current_user)
    return render_template(
        "auth/account.html",
        administers=may(current_user, Action.ADMIN),
        sessions=sessions.open_sessions(db.session, current_user),
        recovery_left=services.unused_recovery_codes(db.session, current_user),
        api_scopes=api_scopes,
        api_tokens=tokens.personal_tokens(db.session, current_user) if api_scopes else [],
        api_errors=api_errors or {},
        scopes=tokens.SCOPES,
        max_days=tokens.MAX_DAYS,
        default_days=tokens.DEFAULT_DAYS,
        now=utcnow(),
    ), status_for(api_errors or {})


@bp.post("/konto/log-ud-overalt")
@login_required
def logout_everywhere() -> Response:
    """A lost phone or a shared computer: every session of hers ends, this one too."""
    sessions.end_all(db.session, current_user, utcnow())
    end_login(db.session)
    flash("Du er logget ud på alle enheder.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/konto/aktiv", methods=["GET", "POST"])
def keep_alive() -> tuple[Response, int, dict[str, str]]:
    """A long form's login kept alive while she types (static/js/keep-alive.js).

    Loading her user touches the session's idle timer (identity.session_user, at most once
    a minute), so a POST on her input is all it takes; no timer calls on its own, so an
    unattended screen still times out. Before a save the form asks (GET) whether she is
    still logged in and takes a fresh CSRF token: a login in another tab starts a new
    session, and the form's token belonged to the one that ended. JSON without personal
    data, about no citizen: not in the access log. Not logged in: 401 and where to log in
    (a redirect to the login page would look like an answer to the script)."""
    fresh = {"Cache-Control": "no-store"}
    if not current_user.is_authenticated:
        return jsonify(active=False, login_url=url_for("auth.login")), 401, fresh
    if not may(current_user, Action.KEEP_ALIVE):
        return jsonify(active=False), 403, fresh
    return jsonify(active=True, csrf_token=generate_csrf()), 200, fresh
