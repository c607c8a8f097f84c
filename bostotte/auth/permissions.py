"""Who may see and change which citizen: the one place these rules live."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, request
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, false, select

from bostotte.audit.services import log_access
from bostotte.auth.models import Role, User, user_teams
from bostotte.citizens.models import Citizen
from bostotte.common.db import Session

F = TypeVar("F", bound=Callable[..., Any])

STAFF_ROLES = (Role.WORKER, Role.LEADER, Role.AUTHORITY)


def citizen_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause selecting the citizens `user` may read."""
    match user.role:
        case Role.WORKER | Role.LEADER:
            teams = select(user_teams.c.team_id).where(user_teams.c.user_id == user.id)
            return Citizen.team_id.in_(teams)
        case Role.AUTHORITY:
            return Citizen.caseworker_id == user.id
        case Role.CITIZEN if user.citizen_id is not None:
            return Citizen.id == user.citizen_id
        case _:
            # The administrator manages users and teams but reads no citizen record.
            return false()


def can_view(user: User, citizen: Citizen) -> bool:
    match user.role:
        case Role.WORKER | Role.LEADER:
            return citizen.team_id in user.team_ids
        case Role.AUTHORITY:
            return citizen.caseworker_id == user.id
        case Role.CITIZEN:
            return citizen.id == user.citizen_id
        case _:
            return False


def can_edit_plan(user: User, citizen: Citizen) -> bool:
    """Workers keep the plan (goals, delmål, notes, scorings); myndighed sets goals."""
    return user.role in (Role.WORKER, Role.AUTHORITY) and can_view(user, citizen)


def can_score(user: User, citizen: Citizen, instrument: Any, occasion: str | None) -> bool:
    return can_view(user, citizen) and instrument.may_record(user.role, occasion)


def load_citizen(session: Session, user: User, citizen_id: int, what: str) -> Citizen:
    """The citizen if `user` may read it, else 404 (never revealing that it exists).

    Every successful read is written to the access log.
    """
    citizen = session.get(Citizen, citizen_id)
    if citizen is None or not can_view(user, citizen):
        abort(404)
    log_access(session, user, citizen.id, what, request.path if request else None)
    session.commit()
    return citizen


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Login required, and one of `roles`; anyone else gets 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


__all__ = ["STAFF_ROLES", "can_edit_plan", "can_score", "can_view", "citizen_scope",
           "load_citizen", "roles_required"]
