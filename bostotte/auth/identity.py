"""The one seam between proving who someone is and being logged in.

Today a person proves it with a password (`/login`) or, for a citizen the first time or
after a forgotten password, with an invitation link (`bostotte/invitations`). Both end in
`complete_login`. A municipality that lets citizens use MitID adds one blueprint for its
identity broker (OpenID Connect, authorization code flow): it redirects to the broker,
verifies the returned ID token, finds the `User` the verified identity belongs to, and calls
`complete_login(session, user, method="mitid")`. Nothing after that point changes: the
session, the roles, the permissions and the access log are the same for every method.
"""

from __future__ import annotations

from flask_login import login_user

from bostotte.auth.models import User
from bostotte.common.db import Session
from bostotte.common.time import utcnow

# The ways a person can prove who she is; a broker login adds its name here.
METHODS = ("password", "invitation")


def complete_login(session: Session, user: User, method: str) -> bool:
    """Log `user` in after `method` proved who she is. False (and no login) if the
    account is switched off."""
    if method not in METHODS:
        raise ValueError(f"unknown login method {method!r}")
    if not user.is_active:
        return False
    user.last_login_at = utcnow()
    session.flush()  # the request's edge commits
    login_user(user)
    return True
