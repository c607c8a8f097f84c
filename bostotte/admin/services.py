from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bostotte.auth import oidc, sessions
from bostotte.auth import services as auth_services
from bostotte.auth.models import Role, Team, User
from bostotte.auth.services import create_user
from bostotte.citizens.models import Citizen
from bostotte.common.db import Session
from bostotte.common.schema import DomainError
from bostotte.common.time import utcnow


def teams_with_counts(session: Session) -> list[tuple[Team, int]]:
    counts: dict[int, int] = dict(
        session.execute(select(Citizen.team_id, func.count()).group_by(Citizen.team_id))
        .tuples()
        .all()
    )
    return [(t, counts.get(t.id, 0)) for t in session.scalars(select(Team).order_by(Team.name))]


def staff_users(session: Session) -> list[User]:
    return list(
        session.scalars(
            select(User)
            # Integrations are listed with their tokens, not as staff.
            .where(User.role.not_in((Role.CITIZEN, Role.SERVICE)))
            .options(selectinload(User.teams))
            .order_by(User.active.desc(), User.name)
        )
    )


def create_team(session: Session, data: dict[str, Any]) -> Team:
    # Compared in Python: SQLite's lower() leaves æ, ø and å as they are.
    if data["name"].casefold() in {n.casefold() for n in session.scalars(select(Team.name))}:
        raise DomainError("Der findes allerede et team med det navn.", "name")
    team = Team(name=data["name"])
    session.add(team)
    session.flush()
    return team


def create_staff_user(session: Session, data: dict[str, Any]) -> User:
    teams = list(session.scalars(select(Team).where(Team.id.in_(data["team_ids"]))))
    if len(teams) != len(set(data["team_ids"])):
        raise DomainError("Vælg blandt de eksisterende teams.", "team_ids")
    if data["role"] in (Role.WORKER, Role.LEADER) and not teams:
        raise DomainError(
            "En mestringsvejleder eller leder skal høre til mindst ét team.", "team_ids"
        )
    subject = data["sso_subject"].strip()
    if not subject and not data["password"]:
        raise DomainError("Giv en første adgangskode eller et single sign-on-id.", "password")
    issuer = oidc.staff_issuer() if subject else ""
    user = create_user(
        session,
        email=data["email"],
        name=data["name"],
        role=data["role"],
        password=data["password"] or None,
        teams=teams,
    )
    if subject:
        oidc.link_staff_identity(session, user, subject, issuer, utcnow())
    return user


def reset_second_factor(session: Session, user: User) -> None:
    auth_services.reset_second_factor(session, user, utcnow())


def save_settings(session: Session, data: dict[str, Any]) -> None:
    for key in auth_services.SETTINGS:
        auth_services.set_setting(session, key, bool(data[key]))


def settings(session: Session) -> dict[str, bool]:
    return {
        key: auth_services.setting(session, key, current_app.config)
        for key in auth_services.SETTINGS
    }


def set_active(session: Session, actor: User, user: User, active: bool) -> User:
    if user.id == actor.id and not active:
        raise DomainError("Du kan ikke deaktivere dig selv.")
    user.active = active
    if not active:
        sessions.end_all(session, user, utcnow())  # out at once, on every device
    session.flush()
    return user
