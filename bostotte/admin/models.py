"""The administrator's own log: what she changed in logins, teams and settings (issue 24).
Her reading of citizens' logs goes to the access log; this records what she did."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bostotte.common.time import UTCDateTime, utcnow
from bostotte.extensions import db


class AdminLog(db.Model):
    """One action by an administrator: who, when, what, and on which user or team."""

    __tablename__ = "admin_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign keys: the log must outlive the users it names (as the access log does).
    actor_id: Mapped[int | None] = mapped_column(index=True)
    actor_name: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    target_user_id: Mapped[int | None] = mapped_column(index=True)
    detail: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
