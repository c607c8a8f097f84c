from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bostotte.common.time import UTCDateTime, utcnow
from bostotte.extensions import db


class AccessLog(db.Model):
    """Who read which citizen's record, when and through which page."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_citizen_at", "citizen_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign keys: the log must outlive users and citizens that are deleted.
    actor_id: Mapped[int | None] = mapped_column(index=True)
    actor_role: Mapped[str] = mapped_column(String(20))
    citizen_id: Mapped[int]
    what: Mapped[str] = mapped_column(String(80))
    path: Mapped[str | None] = mapped_column(String(300))
    # Set when the read came through the API: the token's name.
    via: Mapped[str | None] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
