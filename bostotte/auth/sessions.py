"""Server-side sessions: one row per login, so that a logout, a new password, a new second
factor, a changed role or a disabled user ends every copy of a session cookie at once.

The browser's (signed) session cookie holds a random token; the row holds its SHA-256, when
it began, when it was last used and when it ended. A session ends after an idle time (30
minutes for staff, 15 for citizens by default) and after 12 hours in any case.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from bostotte.auth.models import Role, User, UserSession
from bostotte.common.db import Session

# last_seen_at is written at most this often: a page view is not a write each time.
TOUCH_EVERY = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(
    session: Session, user: User, method: str, now: datetime, id_token: str | None = None
) -> str:
    """A new session for `user`; the returned token goes into the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            token_hash=_hash(token),
            user_id=user.id,
            method=method,
            created_at=now,
            last_seen_at=now,
            id_token=id_token,
        )
    )
    session.flush()
    return token


def idle_limit(user: User, idle_staff: timedelta, idle_citizen: timedelta) -> timedelta:
    return idle_citizen if user.role == Role.CITIZEN else idle_staff


def current(
    session: Session,
    token: str | None,
    user_id: int,
    now: datetime,
    *,
    idle_staff: timedelta,
    idle_citizen: timedelta,
    absolute: timedelta,
) -> tuple[User, UserSession] | None:
    """The user and session the cookie's token stands for, if it is still running; an
    expired session is ended on the way (one query when nothing is written)."""
    if not token:
        return None
    row = session.execute(
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.token_hash == _hash(token),
            UserSession.user_id == user_id,
            UserSession.ended_at.is_(None),
        )
    ).first()
    if row is None:
        return None
    user, user_session = row
    idle = idle_limit(user, idle_staff, idle_citizen)
    if (
        not user.active
        or now - user_session.last_seen_at > idle
        or now - user_session.created_at > absolute
    ):
        user_session.ended_at = now
        session.flush()
        return None
    if now - user_session.last_seen_at > TOUCH_EVERY:
        user_session.last_seen_at = now
        session.flush()
    return user, user_session


def end(session: Session, token: str | None, now: datetime) -> UserSession | None:
    """Log out this session (every copy of its cookie)."""
    if not token:
        return None
    user_session = session.scalar(
        select(UserSession).where(
            UserSession.token_hash == _hash(token), UserSession.ended_at.is_(None)
        )
    )
    if user_session is not None:
        user_session.ended_at = now
        session.flush()
    return user_session


def end_all(session: Session, user: User, now: datetime) -> int:
    """Log the user out everywhere: a new password or second factor, a changed role, or
    an administrator disabling her. Returns how many sessions ended."""
    result = session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def open_sessions(session: Session, user: User) -> list[UserSession]:
    return list(
        session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
            .order_by(UserSession.created_at.desc())
        )
    )
