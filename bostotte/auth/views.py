from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from bostotte.auth import services
from bostotte.auth.identity import complete_login
from bostotte.auth.models import User
from bostotte.auth.permissions import Action, home_endpoint, may
from bostotte.extensions import db, limiter, login_manager

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Log ind for at se siden."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


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


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])  # slows password guessing
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
            user = services.authenticate(db.session, email, password)
            if user is not None and complete_login(db.session, user, "password"):
                return redirect(_safe_next(request.args.get("next")) or home_for(user))
            errors["_form"] = ["E-mail eller adgangskode er forkert."]
    status = 400 if errors else 200
    return render_template("auth/login.html", email=email, errors=errors), status


@bp.post("/logout")
def logout() -> Response:
    logout_user()
    flash("Du er logget ud.", "success")
    return redirect(url_for("auth.login"))


@bp.get("/konto")
@login_required
def account() -> str:
    return render_template("auth/account.html", administers=may(current_user, Action.ADMIN))
