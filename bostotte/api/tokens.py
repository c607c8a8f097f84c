"""API tokens: created, checked and revoked here (the account page, the admin page and
`flask bostotte token create` all call these)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from bostotte.api.models import ApiToken
from bostotte.auth.models import Role, Team, User
from bostotte.auth.permissions import Action, may
from bostotte.common.db import Session
from bostotte.common.schema import DomainError

PREFIX = "bst_"
MAX_DAYS = 366
DEFAULT_DAYS = 90
NAME_MAX = ApiToken.__table__.c.name.type.length or 120
# A token's last use is written at most this often: not a write per request.
LAST_USED_GRAIN = timedelta(minutes=5)


@dataclass(frozen=True)
class Scope:
    id: str
    action: Action  # what the token's user must also be allowed to do (auth.permissions)
    label: str


SCOPES = {
    s.id: s
    for s in (
        Scope(
            "read:citizens",
            Action.READ,
            "Læse borgere, planer, mål, delmål, scoringer, påmindelser og adgangslog",
        ),
        Scope("write:citizens", Action.CREATE, "Oprette borgere og planer"),
        Scope("write:goals", Action.EDIT, "Oprette og rette mål, delmål og noter"),
        Scope("write:scorings", Action.SCORE, "Registrere og rette scoringer"),
        Scope("read:stats", Action.STATS, "Læse statistik: kun tal for grupper, aldrig en borger"),
    )
}
KINDS = {"personal": "Personlig", "service": "Integration"}


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def scopes_for(user: User) -> list[Scope]:
    """The scopes a token acting as `user` may carry: those her role allows."""
    return [s for s in SCOPES.values() if may(user, s.action)]


def _check(user: User, name: str, scopes: list[str], days: int) -> None:
    if not name.strip():
        raise DomainError("Giv nøglen et navn, så du kan kende den igen.", "name")
    if len(name.strip()) > NAME_MAX:
        raise DomainError(f"Navnet må højst være {NAME_MAX} tegn.", "name")
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(f"Vælg en levetid mellem 1 og {MAX_DAYS} dage.", "days")
    if not scopes:
        raise DomainError("Vælg mindst én adgang.", "scopes")
    allowed = {s.id for s in scopes_for(user)}
    if unknown := [s for s in scopes if s not in SCOPES]:
        raise DomainError(f"Ukendt adgang: {', '.join(unknown)}.", "scopes")
    if refused := [s for s in scopes if s not in allowed]:
        raise DomainError(f"Din rolle giver ikke adgangen {', '.join(refused)}.", "scopes")


def _issue(
    session: Session,
    user: User,
    name: str,
    kind: str,
    scopes: list[str],
    days: int,
    created_by: User | None,
    now: datetime,
) -> tuple[ApiToken, str]:
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        token_hash=_hash(secret),
        prefix=secret[: len(PREFIX) + 6],
        name=name.strip(),
        kind=kind,
        user=user,
        scopes=" ".join(sorted(set(scopes))),
        expires_at=now + timedelta(days=days),
        created_at=now,
        created_by_id=created_by.id if created_by else None,
    )
    session.add(token)
    session.flush()
    return token, secret


def create_personal(
    session: Session, user: User, name: str, scopes: list[str], days: int, now: datetime
) -> tuple[ApiToken, str]:
    """A token that acts as `user`, within `scopes`. Returns the secret: shown once."""
    if user.role in (Role.CITIZEN, Role.ADMIN, Role.SERVICE):
        raise DomainError("Din rolle kan ikke bruge API'et.")
    _check(user, name, scopes, days)
    return _issue(session, user, name, "personal", scopes, days, user, now)


def create_service(
    session: Session,
    admin: User | None,
    name: str,
    scopes: list[str],
    team_ids: list[int],
    days: int,
    now: datetime,
) -> tuple[ApiToken, str]:
    """A token for a case system or data warehouse: its own user of role integration, in
    the named teams (at least one: it sees those teams' citizens and statistics). `admin`
    is None when made on the command line."""
    teams = list(session.scalars(select(Team).where(Team.id.in_(team_ids)).order_by(Team.id)))
    if not teams or len(teams) != len(set(team_ids)):
        raise DomainError("Vælg mindst ét team, som integrationen må se.", "teams")
    service_user = User(
        # No mailbox: the reserved .invalid domain (RFC 2606). There is no password either,
        # so the user cannot log in; it exists to be named in logs and on scorings.
        email=f"integration-{secrets.token_hex(8)}@bostotte.invalid",
        name=name.strip(),
        role=Role.SERVICE,
        active=True,
        password_hash=None,
        teams=teams,
    )
    _check(service_user, name, scopes, days)
    session.add(service_user)
    return _issue(session, service_user, name, "service", scopes, days, admin, now)


def authenticate(session: Session, secret: str, now: datetime) -> ApiToken | None:
    """The valid token with this secret (not expired, not revoked, its user active)."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = session.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == _hash(secret))
        .options(joinedload(ApiToken.user))
    )
    if token is None or not token.is_valid(now):
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRAIN:
        token.last_used_at = now
    return token


def revoke(session: Session, token: ApiToken, now: datetime) -> None:
    if token.revoked_at is None:
        token.revoked_at = now
        if token.kind == "service":
            token.user.active = False  # its user exists only for this token
        session.flush()


def personal_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.kind == "personal")
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def service_tokens(session: Session) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.kind == "service")
            .options(joinedload(ApiToken.user).selectinload(User.teams))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )
