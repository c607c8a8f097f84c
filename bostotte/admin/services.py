from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bostotte.admin.models import AdminLog
from bostotte.api import tokens
from bostotte.api.models import ApiToken
from bostotte.audit.services import LogPage
from bostotte.auth import oidc, sessions
from bostotte.auth import services as auth_services
from bostotte.auth.models import Role, Team, User
from bostotte.auth.services import create_user
from bostotte.citizens.models import Citizen
from bostotte.common.db import Session
from bostotte.common.schema import DomainError
from bostotte.common.time import utcnow
from bostotte.goals import methods as goal_methods
from bostotte.goals.models import PedagogicalMethod
from bostotte.invitations import services as invitations
from bostotte.invitations.models import Invitation

# What an administrator did, as her log shows it.
ACTIONS = {
    "create_user": "Oprettede medarbejder",
    "password_link": "Lavede link til ny adgangskode",
    "activate": "Aktiverede",
    "deactivate": "Deaktiverede",
    "reset_totp": "Nulstillede to-faktor",
    "change_user": "Ændrede rolle eller teams",
    "create_team": "Oprettede team",
    "settings": "Ændrede indstillinger",
    "create_token": "Oprettede integration",
    "revoke_token": "Tilbagekaldte integration",
    "add_method": "Tilføjede pædagogisk metode",
    "rename_method": "Omdøbte pædagogisk metode",
    "hide_method": "Skjulte pædagogisk metode",
    "show_method": "Viste pædagogisk metode igen",
}
SETTING_LABELS = {
    "require_totp": "Kræv to-faktor-login for medarbejdere",
    "citizen_password_login": "Borgere kan logge ind med adgangskode",
    "leader_reads_records": "Ledere må læse borgernes journaler i egne teams",
}
DETAIL_MAX = AdminLog.__table__.c.detail.type.length or 300


def log_action(
    session: Session, actor: User, action: str, detail: str, target: User | None = None
) -> AdminLog:
    """One row of the administrator's log, as hers; flushed with the action it records, so
    the two are committed (or rolled back) together."""
    entry = AdminLog(
        actor_id=actor.id,
        actor_name=actor.name,
        action=action,
        target_user_id=target.id if target else None,
        detail=detail[:DETAIL_MAX],
        at=utcnow(),
    )
    session.add(entry)
    session.flush()
    return entry


def _who(user: User) -> str:
    teams = ", ".join(t.name for t in user.teams)
    return f"{user.name} ({user.email}), {user.role_label.lower()}" + (
        f"; teams: {teams}" if teams else ""
    )


def action_log(session: Session, page: int, per_page: int = 50) -> LogPage:
    """The administrators' log, newest first, a page at a time."""
    total = session.scalar(select(func.count()).select_from(AdminLog)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    entries = list(
        session.scalars(
            select(AdminLog)
            .order_by(AdminLog.at.desc(), AdminLog.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    return LogPage(entries, page, pages, total)  # type: ignore[arg-type]


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


def create_team(session: Session, actor: User, data: dict[str, Any]) -> Team:
    # Compared in Python: SQLite's lower() leaves æ, ø and å as they are.
    if data["name"].casefold() in {n.casefold() for n in session.scalars(select(Team.name))}:
        raise DomainError("Der findes allerede et team med det navn.", "name")
    team = Team(name=data["name"])
    session.add(team)
    session.flush()
    log_action(session, actor, "create_team", team.name)
    return team


def _teams(session: Session, role: str, team_ids: list[int]) -> list[Team]:
    teams = list(session.scalars(select(Team).where(Team.id.in_(team_ids)).order_by(Team.name)))
    if len(teams) != len(set(team_ids)):
        raise DomainError("Vælg blandt de eksisterende teams.", "team_ids")
    if role in (Role.WORKER, Role.LEADER) and not teams:
        raise DomainError(
            "En mestringsvejleder eller leder skal høre til mindst ét team.", "team_ids"
        )
    return teams


def update_staff_user(
    session: Session, actor: User, user: User, data: dict[str, Any], now: datetime
) -> bool:
    """Her role and teams; logged as the administrator's, before and after. A new role is a
    new start: every session of hers ends. Returns whether anything changed."""
    if user.id == actor.id and data["role"] != user.role:
        raise DomainError("Du kan ikke ændre din egen rolle.", "role")
    teams = _teams(session, data["role"], data["team_ids"])
    before = _who(user)
    role_changed = data["role"] != user.role
    if not role_changed and {t.id for t in teams} == user.team_ids:
        return False
    user.role = data["role"]
    user.teams = teams
    if role_changed:
        sessions.end_all(session, user, now)
    session.flush()
    log_action(session, actor, "change_user", f"{before} → {_who(user)}", user)
    return True


def create_staff_user(
    session: Session, actor: User, data: dict[str, Any], now: datetime
) -> tuple[User, tuple[Invitation, str] | None]:
    """A staff login. The administrator never chooses its password (issue 24): she gets a
    single-use "vælg din adgangskode" link to hand over, or the login is bound to its
    single sign-on subject and needs none. Returns the user and the link's invitation and
    token (None with single sign-on)."""
    teams = _teams(session, data["role"], data["team_ids"])
    subject = data["sso_subject"].strip()
    issuer = oidc.staff_issuer() if subject else ""
    user = create_user(
        session,
        email=data["email"],
        name=data["name"],
        role=data["role"],
        password=None,
        teams=teams,
    )
    link = None
    if subject:
        oidc.link_staff_identity(session, user, subject, issuer, now)
    else:
        link = invitations.invite_staff(session, actor, user, now=now)
    log_action(
        session,
        actor,
        "create_user",
        _who(user) + ("; single sign-on" if subject else "; med link til adgangskode"),
        user,
    )
    return user, link


def password_link(
    session: Session, actor: User, user: User, now: datetime
) -> tuple[Invitation, str]:
    """The administrator's reset of a staff password: a new link, never a password she
    knows. The old password and every older link stop working, her sessions end."""
    link = invitations.invite_staff(session, actor, user, now=now)
    log_action(session, actor, "password_link", _who(user), user)
    return link


def reset_second_factor(session: Session, actor: User, user: User) -> None:
    auth_services.reset_second_factor(session, user, utcnow())
    log_action(session, actor, "reset_totp", _who(user), user)


def save_settings(session: Session, actor: User, data: dict[str, Any]) -> None:
    before = settings(session)
    for key in auth_services.SETTINGS:
        auth_services.set_setting(session, key, bool(data[key]))
    changed = [
        f"{SETTING_LABELS.get(key, key)}: {'til' if data[key] else 'fra'}"
        for key in auth_services.SETTINGS
        if bool(data[key]) != before[key]
    ]
    if changed:
        log_action(session, actor, "settings", "; ".join(changed))


def settings(session: Session) -> dict[str, bool]:
    return {
        key: auth_services.setting(session, key, current_app.config)
        for key in auth_services.SETTINGS
    }


def set_active(session: Session, actor: User, user: User, active: bool) -> User:
    if user.id == actor.id and not active:
        raise DomainError("Du kan ikke deaktivere dig selv.")
    if user.active != active:
        log_action(session, actor, "activate" if active else "deactivate", _who(user), user)
    user.active = active
    if not active:
        sessions.end_all(session, user, utcnow())  # out at once, on every device
    session.flush()
    return user


def create_service_token(
    session: Session, actor: User, data: dict[str, Any], now: datetime
) -> tuple[ApiToken, str]:
    """An integration's token (api.tokens), logged as the administrator's: it reads the
    citizens of its teams, so who gave it which access is on record."""
    token, secret = tokens.create_service(
        session, actor, data["name"], data["scopes"], data["teams"], data["days"], now
    )
    teams = ", ".join(t.name for t in token.user.teams)
    log_action(session, actor, "create_token", f"{token.name}: {token.scopes}; teams: {teams}")
    return token, secret


def revoke_service_token(session: Session, actor: User, token: ApiToken, now: datetime) -> None:
    if token.revoked_at is None:
        log_action(session, actor, "revoke_token", token.name)
    tokens.revoke(session, token, now)


# ------------------------------------------------------------------ pedagogical methods


def add_method(session: Session, actor: User, label: str) -> PedagogicalMethod:
    method = goal_methods.add(session, label)
    log_action(session, actor, "add_method", method.label)
    return method


def rename_method(session: Session, actor: User, code: str, label: str) -> PedagogicalMethod:
    before = goal_methods.method_label(code)
    method = goal_methods.rename(session, code, label)
    log_action(session, actor, "rename_method", f"{before} → {method.label}")
    return method


def hide_method(session: Session, actor: User, code: str, hidden: bool) -> PedagogicalMethod:
    method = goal_methods.set_hidden(session, code, hidden)
    log_action(session, actor, "hide_method" if hidden else "show_method", method.label)
    return method
