"""Reminders, the digest log and signals marked as seen.

Exactly-once lives in the database: a reminder is unique per (citizen, rule, subject,
due date) and a digest per (person, kind, day), so any number of processes may run the
daily job at the same time.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bostotte.common.time import UTCDateTime, utcnow
from bostotte.extensions import db, in_values

if TYPE_CHECKING:
    from bostotte.auth.models import User
    from bostotte.citizens.models import Citizen
    from bostotte.goals.models import Goal, SubGoal

REMINDER_STATUSES = ("open", "resolved")
DIGEST_KINDS = ("daily", "weekly")


class Reminder(db.Model):
    """One thing falling due for one citizen: created once, resolved when done."""

    __tablename__ = "reminders"
    __table_args__ = (
        # `subject` is '' for the citizen herself, 'goal:12' or 'subgoal:5': never NULL,
        # because NULLs are distinct in a unique constraint.
        UniqueConstraint("citizen_id", "rule", "subject", "due_date", name="uq_reminders_once"),
        CheckConstraint(in_values("status", REMINDER_STATUSES), name="status"),
        Index("ix_reminders_status_due_date", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(
        ForeignKey("citizens.id", ondelete="CASCADE"), index=True
    )
    rule: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(40), default="")
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"))
    subgoal_id: Mapped[int | None] = mapped_column(ForeignKey("subgoals.id", ondelete="CASCADE"))
    due_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    citizen: Mapped[Citizen] = relationship()
    goal: Mapped[Goal | None] = relationship()
    subgoal: Mapped[SubGoal | None] = relationship()


class DigestLog(db.Model):
    """A digest claimed for one person and day. Inserted before sending: whoever inserts
    the row sends the mail, so it goes out once however many processes try."""

    __tablename__ = "digest_log"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "day", name="uq_digest_log_once"),
        CheckConstraint(in_values("kind", DIGEST_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    day: Mapped[date]  # the local day (weekly: the Monday of the week)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SignalAck(db.Model):
    """A worker has seen a signal (as it stood on `basis`, the date of its evidence)."""

    __tablename__ = "signal_acks"
    __table_args__ = (
        UniqueConstraint("citizen_id", "kind", "subject", "basis", name="uq_signal_acks_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(
        ForeignKey("citizens.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(40), default="")
    basis: Mapped[date]
    note: Mapped[str] = mapped_column(String(300))
    seen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    seen_by: Mapped[User | None] = relationship()
