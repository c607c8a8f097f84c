from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bostotte.common.time import UTCDateTime, utcnow
from bostotte.extensions import db


class StatTarget(db.Model):
    """A target share for a theme in a period (seed 001: mestring 60 % → 63 %): a leader's
    for one of her teams, or, with no team, the municipality's (`flask bostotte target`),
    which a team without its own sees."""

    __tablename__ = "stat_targets"
    __table_args__ = (
        UniqueConstraint(
            "team_id", "theme", "period_from", "period_to", name="uq_stat_targets_period"
        ),
        CheckConstraint("share >= 0 AND share <= 1", name="share"),
        CheckConstraint("period_to >= period_from", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    theme: Mapped[str] = mapped_column(String(40))
    period_from: Mapped[date]
    period_to: Mapped[date]
    share: Mapped[float] = mapped_column(Float)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StatDataVersion(db.Model):
    """One row (id 1): a number every write that can change a statistic raises at its
    commit (stats.freshness). A snapshot computed at this number is still exact."""

    __tablename__ = "stat_data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StatSnapshot(db.Model):
    """The numbers of one view of /statistik (stats.snapshots): `view` is the canonical
    JSON of what was asked (scope, period, comparison, smallest cell), `key` its hash."""

    __tablename__ = "stat_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    view: Mapped[str] = mapped_column(Text)
    data_version: Mapped[int] = mapped_column(BigInteger)
    computed_on: Mapped[date]  # the local day: documentation on time depends on it
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seconds: Mapped[float] = mapped_column(Float)  # what computing it took
    last_read_on: Mapped[date] = mapped_column(index=True)
    payload: Mapped[str] = mapped_column(Text)
