from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bostotte.common.time import UTCDateTime, utcnow
from bostotte.extensions import Versioned, db, in_values
from bostotte.reminders.cadence import Rhythm

if TYPE_CHECKING:
    from bostotte.auth.models import Team, User
    from bostotte.goals.models import Goal

GENDERS = {"k": "Kvinde", "m": "Mand", "a": "Andet"}
LEGAL_BASES = {
    "§85": "§ 85 Socialpædagogisk støtte",
    "§82b": "§ 82 b Tidsafgrænset støtte",
    "§82a": "§ 82 a Gruppebaseret hjælp",
    "§107": "§ 107 Midlertidigt botilbud",
    "§108": "§ 108 Længerevarende botilbud",
    "§110": "§ 110 Forsorgshjem",
}
METHODS = {"FKO": "FKO (støttebehov pr. mål)", "FIT": "FIT (ORS/SRS)", "REM": "REM (9 indikatorer)"}
PLAN_STATUSES = {"active": "Aktiv", "closed": "Afsluttet"}
# §82b: up to 10 sessions within 6 months, extendable once by 10 more (seed 004, l. 836-842).
SESSIONS_82B = 10
MONTHS_82B = 6


class Citizen(Versioned, db.Model):
    __tablename__ = "citizens"
    __table_args__ = (
        CheckConstraint(in_values("gender", GENDERS), name="gender"),
        CheckConstraint("birth_year BETWEEN 1900 AND 2100", name="birth_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    case_ref: Mapped[str | None] = mapped_column(String(64))
    birth_year: Mapped[int]
    gender: Mapped[str] = mapped_column(String(1))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    legal_basis: Mapped[str] = mapped_column(String(10))
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    uses_fko: Mapped[bool] = mapped_column(default=True)
    uses_fit: Mapped[bool] = mapped_column(default=False)
    uses_rem: Mapped[bool] = mapped_column(default=False)
    pakke1: Mapped[bool] = mapped_column(default=False)
    # The myndighed caseworker who referred the citizen, and the worker who holds the contact.
    caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    primary_worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Her rhythm as agreed with her worker (months, weeks); empty: the instruments' cadence.
    fko_status_months: Mapped[int | None]
    ors_weeks: Mapped[int | None]
    rhythm_reason: Mapped[str | None] = mapped_column(String(500))

    team: Mapped[Team] = relationship()
    caseworker: Mapped[User | None] = relationship(foreign_keys=[caseworker_id])
    primary_worker: Mapped[User | None] = relationship(foreign_keys=[primary_worker_id])
    plans: Mapped[list[Plan]] = relationship(
        back_populates="citizen", order_by="Plan.start_date.desc()"
    )

    @property
    def methods(self) -> list[str]:
        return [
            m
            for m, on in (("FKO", self.uses_fko), ("FIT", self.uses_fit), ("REM", self.uses_rem))
            if on
        ]

    @property
    def active_plan(self) -> Plan | None:
        return next((p for p in self.plans if p.status == "active"), None)

    @property
    def gender_label(self) -> str:
        return GENDERS.get(self.gender, self.gender)

    @property
    def rhythm(self) -> Rhythm:
        """The intervals her reminders follow: hers, within her team's limits."""
        return self.team.rhythm_limits.rhythm(self.fko_status_months, self.ors_weeks)

    @property
    def rhythm_text(self) -> str:
        """Her rhythm in Danish, for the methods she has ('' with neither FKO nor FIT)."""
        r = self.rhythm
        return ", ".join(
            ([f"FKO-status {r.fko_text}"] if self.uses_fko else [])
            + ([f"ORS mindst {r.ors_text}"] if self.uses_fit else [])
        )


class Plan(Versioned, db.Model):
    """Handleplan (§141) or a §82b borgerplan: the period the goals belong to."""

    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="period"),
        CheckConstraint(in_values("status", PLAN_STATUSES), name="status"),
        # At most one active plan per citizen, enforced by the database.
        Index(
            "uq_plans_one_active",
            "citizen_id",
            unique=True,
            sqlite_where=db.text("status = 'active'"),
            postgresql_where=db.text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(
        ForeignKey("citizens.id", ondelete="CASCADE"), index=True
    )
    legal_basis: Mapped[str] = mapped_column(String(10))
    start_date: Mapped[date]
    end_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default="active")
    sessions_used: Mapped[int | None]
    sessions_granted: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    citizen: Mapped[Citizen] = relationship(back_populates="plans")
    goals: Mapped[list[Goal]] = relationship(back_populates="plan", order_by="Goal.id")

    @property
    def status_label(self) -> str:
        return PLAN_STATUSES[self.status]

    @property
    def active_goals(self) -> list[Goal]:
        return [g for g in self.goals if g.status == "active"]
