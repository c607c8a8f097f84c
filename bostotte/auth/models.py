from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bostotte.common.time import UTCDateTime, utcnow
from bostotte.extensions import db
from bostotte.reminders.cadence import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from bostotte.citizens.models import Citizen


class Role(StrEnum):
    ADMIN = "administrator"
    LEADER = "leder"
    WORKER = "mestringsvejleder"
    AUTHORITY = "myndighed"
    CITIZEN = "borger"
    # A case system or data warehouse, through a service token (bostotte/api): records what a
    # worker records, in its teams, within its token's scopes. It has no login.
    SERVICE = "integration"


ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.LEADER: "Leder",
    Role.WORKER: "Mestringsvejleder",
    Role.AUTHORITY: "Myndighed",
    Role.CITIZEN: "Borger",
    Role.SERVICE: "Integration",
}

user_teams = Table(
    "user_teams",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
)


class Team(db.Model):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    is_demo: Mapped[bool] = mapped_column(default=False)
    # The leader's limits for her citizens' rhythm (months, weeks); empty: the instruments'.
    fko_months_min: Mapped[int | None]
    fko_months_max: Mapped[int | None]
    ors_weeks_min: Mapped[int | None]
    ors_weeks_max: Mapped[int | None]

    members: Mapped[list[User]] = relationship(secondary=user_teams, back_populates="teams")

    @property
    def rhythm_limits(self) -> Limits:
        fko, ors = DEFAULT_LIMITS.fko_months, DEFAULT_LIMITS.ors_weeks
        return Limits(
            (self.fko_months_min or fko[0], self.fko_months_max or fko[1]),
            (self.ors_weeks_min or ors[0], self.ors_weeks_max or ors[1]),
        )


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Set for role borger: the one citizen record this login belongs to.
    citizen_id: Mapped[int | None] = mapped_column(
        ForeignKey("citizens.id", ondelete="CASCADE", use_alter=True), unique=True
    )
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Wrong passwords since the last good one, counted in the database so that every
    # process sees the same count; at LOCK_AFTER the account is locked for a while.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # TOTP (RFC 6238) for local logins: the shared secret and the last time step used, so
    # a code is accepted once.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None]
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    teams: Mapped[list[Team]] = relationship(secondary=user_teams, back_populates="members")
    citizen: Mapped[Citizen | None] = relationship(foreign_keys=[citizen_id])

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[Role(self.role)]

    @property
    def team_ids(self) -> set[int]:
        return {t.id for t in self.teams}


class UserSession(db.Model):
    """One login on one device. The browser's cookie carries a random token; only its
    SHA-256 is stored. Ending the row ends every copy of that cookie at once."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(String(20))  # identity.METHODS
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # For RP-initiated logout at the identity provider (its id_token_hint).
    id_token: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship()


class Identity(db.Model):
    """A login at an identity provider (staff single sign-on, MitID through a broker) bound
    to a user. The provider's subject is stored hashed with its issuer: never in clear."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("provider", "subject_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(10))  # "staff" or "mitid"
    subject_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """One-time codes for a lost authenticator; only their SHA-256 is stored."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SiteSetting(db.Model):
    """Settings an administrator changes on the admin page (defaults from the config)."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
