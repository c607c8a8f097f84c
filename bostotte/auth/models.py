from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bostotte.common.time import UTCDateTime, utcnow
from bostotte.extensions import db

if TYPE_CHECKING:
    from bostotte.citizens.models import Citizen


class Role(StrEnum):
    ADMIN = "administrator"
    LEADER = "leder"
    WORKER = "mestringsvejleder"
    AUTHORITY = "myndighed"
    CITIZEN = "borger"


ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.LEADER: "Leder",
    Role.WORKER: "Mestringsvejleder",
    Role.AUTHORITY: "Myndighed",
    Role.CITIZEN: "Borger",
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

    members: Mapped[list[User]] = relationship(secondary=user_teams, back_populates="teams")


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
