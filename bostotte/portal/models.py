from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bostotte.common.time import UTCDateTime, utcnow
from bostotte.extensions import db

if TYPE_CHECKING:
    from bostotte.auth.models import User
    from bostotte.scoring.models import Scoring


class ScoringComment(db.Model):
    """The citizen's own comment on a scoring, written after it was recorded.

    Kept beside the scoring (not in `scorings.citizen_comment`, which is what was said at
    the scoring itself): a later comment is not an edit and makes no new version.
    """

    __tablename__ = "scoring_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    scoring_id: Mapped[int] = mapped_column(
        ForeignKey("scorings.id", ondelete="CASCADE"), index=True
    )
    # Denormalised so her comments can be read (and exported) without a join.
    citizen_id: Mapped[int] = mapped_column(
        ForeignKey("citizens.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    scoring: Mapped[Scoring] = relationship()
    author: Mapped[User | None] = relationship()


class ScoringDecline(db.Model):
    """The citizen says she does not want to be scored (seed 004, l. 5474-5479): on one
    instrument or on all (`instrument` NULL), until she withdraws it."""

    __tablename__ = "scoring_declines"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(
        ForeignKey("citizens.id", ondelete="CASCADE"), index=True
    )
    instrument: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User | None] = relationship()
