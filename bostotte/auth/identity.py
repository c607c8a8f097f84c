"""The one seam between proving who someone is and being logged in.

A person proves it with a password (`/login`, then a TOTP code where required), with an
invitation link (a citizen's first time, `bostotte/invitations`), with the municipality's
single sign-on (`/login/sso`) or with MitID through a broker (`/login/mitid`). Every way
ends in `complete_login`, which starts a server-side session (`auth/sessions.py`): nothing
after that point depends on how she proved it.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask import session as cookie
from flask_login import login_user, logout_user

from bostotte.auth import sessions
from bostotte.auth.models import User, UserSession
from bostotte.common.db import Session
from bostotte.common.time import utcnow

# The ways a person can prove who she is.
METHODS = ("password", "password+totp", "invitation", "sso", "mitid")
SESSION_KEY = "sid"  # the session token in the (signed) cookie


def complete_login(
    session: Session, user: User, method: str, *, id_token: str | None = None
) -> bool:
    """Log `user` in after `method` proved who she is: a new server-side session and a new
    cookie (nothing carried over from before the login). False, and no login, if the
    account is switched off."""
    if method not in METHODS:
        raise ValueError(f"unknown login method {method!r}")
    if not user.is_active:
        return False
    now = utcnow()
    user.last_login_at = now
    sessions.end(session, cookie.get(SESSION_KEY), now)  # whoever was logged in here before
    token = sessions.start(session, user, method, now, id_token)
    cookie.clear()
    cookie[SESSION_KEY] = token
    login_user(user)
    return True


def session_user(session: Session, user_id: int) -> User | None:
    """Flask-Login's user loader: the user only while her session row is running."""
    config = current_app.config
    found = sessions.current(
        session,
        cookie.get(SESSION_KEY),
        user_id,
        utcnow(),
        idle_staff=timedelta(minutes=config["BOSTOTTE_IDLE_MINUTES_STAFF"]),
        idle_citizen=timedelta(minutes=config["BOSTOTTE_IDLE_MINUTES_CITIZEN"]),
        absolute=timedelta(hours=config["BOSTOTTE_SESSION_HOURS"]),
    )
    return found[0] if found else None


def end_login(session: Session) -> UserSession | None:
    """Log out: this session's row ends (every copy of the cookie with it)."""
    ended = sessions.end(session, cookie.get(SESSION_KEY), utcnow())
    logout_user()
    cookie.clear()
    return ended
