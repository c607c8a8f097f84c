from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bostotte.common.time import UTCDateTime, utcnow
from bostotte.extensions import db


class StatTarget(db.Model):
    """A leader's target share for a theme in a period (seed 001: mestring 60 % → 63 %)."""

    __tablename__ = "stat_targets"
    __table_args__ = (
        UniqueConstraint("theme", "period_from", "period_to", name="uq_stat_targets_period"),
        CheckConstraint("share >= 0 AND share <= 1", name="share"),
        CheckConstraint("period_to >= period_from", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    theme: Mapped[str] = mapped_column(String(40))
    period_from: Mapped[date]
    period_to: Mapped[date]
    share: Mapped[float] = mapped_column(Float)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
