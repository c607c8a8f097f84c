from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bostotte.common.time import UTCDateTime, utcnow
from bostotte.extensions import db, in_values

if TYPE_CHECKING:
    from bostotte.auth.models import User
    from bostotte.goals.models import Goal

# How the citizen took part (domain.md, "Scoring"; seed 004, l. 5469-5479).
PARTICIPATION = {
    "together": "Sammen med borgeren",
    "citizen_self": "Borgeren udfyldte selv",
    "worker_draft": "Borgeren ønskede ikke at deltage – medarbejderen lavede et udkast",
    "disagreed": (
        "Uenighed – medarbejderens score gælder, borgerens egen score er gemt ved siden af"
    ),
}


class Scoring(db.Model):
    """One filled-in instrument at one date: for a citizen (ORS, SRS, REM) or a goal (FKO)."""

    __tablename__ = "scorings"
    __table_args__ = (
        CheckConstraint(in_values("participation", PARTICIPATION), name="participation"),
        # The statistics read scorings by citizen/goal, instrument and date, in date order
        # with the id as tie-break. They read a citizen's first and latest date and total
        # off the citizen index without visiting the table.
        Index(
            "ix_scorings_citizen_instrument_date_id_total",
            "citizen_id",
            "instrument",
            "scored_on",
            "id",
            "total",
        ),
        # instrument in the goal index too: with (goal, instrument, occasion) all equal, no
        # planner (SQLite without ANALYZE) prefers the instrument index and scans every goal.
        # The total last: a goal's latest baseline and target come off the index alone.
        Index(
            "ix_scorings_goal_instrument_occasion_date_id_total",
            "goal_id",
            "instrument",
            "occasion",
            "scored_on",
            "id",
            "total",
        ),
        # The goal, id and total last: documentation on time reads the FKO statuses near a
        # period (which goal, which day), and FKO mastery every goal's outcome in a period
        # and its baselines and targets, off this index alone (migration n3statfacts01).
        Index(
            "ix_scorings_instrument_occasion_date_goal_id_total",
            "instrument",
            "occasion",
            "scored_on",
            "goal_id",
            "id",
            "total",
        ),
        # An integration's sync: what changed since its last visit.
        Index("ix_scorings_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id", ondelete="CASCADE"))
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"))
    instrument: Mapped[str] = mapped_column(String(20))
    instrument_version: Mapped[str] = mapped_column(String(20))
    occasion: Mapped[str | None] = mapped_column(String(20))
    scored_on: Mapped[date]
    participation: Mapped[str] = mapped_column(String(20), default="together")
    citizen_comment: Mapped[str | None] = mapped_column(Text)
    worker_note: Mapped[str | None] = mapped_column(Text)
    # The instrument's total (sum, or the single FKO value), kept for the statistics.
    total: Mapped[float] = mapped_column(Float)
    version: Mapped[int] = mapped_column(default=1)
    scored_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The version names an edit (its revisions carry it); edit_scoring sets it, and the
    # UPDATE names the version it read, so a concurrent save fails instead of overwriting.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    goal: Mapped[Goal | None] = relationship()
    scored_by: Mapped[User | None] = relationship()
    items: Mapped[list[ScoringItem]] = relationship(
        back_populates="scoring", cascade="all, delete-orphan", order_by="ScoringItem.position"
    )
    revisions: Mapped[list[ScoringRevision]] = relationship(
        back_populates="scoring",
        cascade="all, delete-orphan",
        order_by="ScoringRevision.version.desc()",
    )

    @property
    def values(self) -> dict[str, float]:
        return {i.item: i.value for i in self.items}

    @property
    def citizen_values(self) -> dict[str, float]:
        return {i.item: i.citizen_value for i in self.items if i.citizen_value is not None}

    @property
    def participation_label(self) -> str:
        return PARTICIPATION[self.participation]

    def snapshot(self) -> dict[str, Any]:
        """The state an edit supersedes, kept as a revision."""
        return {
            "scored_on": self.scored_on.isoformat(),
            "occasion": self.occasion,
            "participation": self.participation,
            "citizen_comment": self.citizen_comment,
            "worker_note": self.worker_note,
            "total": self.total,
            "values": self.values,
            "citizen_values": self.citizen_values,
            "scored_by_id": self.scored_by_id,
        }


class ScoringItem(db.Model):
    __tablename__ = "scoring_items"

    scoring_id: Mapped[int] = mapped_column(
        ForeignKey("scorings.id", ondelete="CASCADE"), primary_key=True
    )
    item: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    value: Mapped[float] = mapped_column(Float)
    # Set when the citizen disagreed: her own value, stored beside the worker's.
    citizen_value: Mapped[float | None] = mapped_column(Float)

    scoring: Mapped[Scoring] = relationship(back_populates="items")


class ScoringRevision(db.Model):
    """An earlier version of a scoring: edits never overwrite silently."""

    __tablename__ = "scoring_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    scoring_id: Mapped[int] = mapped_column(
        ForeignKey("scorings.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    scoring: Mapped[Scoring] = relationship(back_populates="revisions")
    replaced_by: Mapped[User | None] = relationship()
