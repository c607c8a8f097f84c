from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bostotte.common.time import UTCDateTime
from bostotte.extensions import db


class Heartbeat(db.Model):
    """When a background process last did its work (the scheduler's daily job), so that
    /readyz can tell a monitor that it stopped."""

    __tablename__ = "heartbeats"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
