""" "Fra borgeren": what the citizen wrote or declined on Mine mål, as items for her worker.

Her comments on her scorings (written later, `scoring_comments`), the comment she wrote on
a scoring she filled in herself, and her standing "nej tak" (`scoring_declines`) each become
an item on Mine opgaver until a worker marks it as read. Marking uses SignalAck, keyed like a
signal: (citizen, kind, subject, basis). Comments count for VOICE_DAYS; a "nej tak" counts
as long as it stands.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Row, func, literal, select, true, union_all

from bostotte.common.db import Session
from bostotte.common.formatting import dk_date
from bostotte.common.time import LOCAL_TZ
from bostotte.portal.models import ScoringComment, ScoringDecline
from bostotte.portal.services import decline_label, instrument_label
from bostotte.reminders.signals import VOICE_KINDS, Key
from bostotte.scoring.models import Scoring

VOICE_DAYS = 90  # how far back her comments count ("de seneste 3 måneder")
QUOTE_MAX = 240  # the page quotes this much; the scoring's page has all of it


@dataclass(frozen=True)
class VoiceItem:
    kind: str  # "citizen_comment" or "citizen_decline"
    citizen_id: int
    subject: str  # "comment:12" (a later comment), "scoring:7" (self-filled), "decline:3"
    basis: date  # the day she wrote it
    text: str  # what it is, in a sentence
    quote: str  # her own words (shortened), or ""
    since: datetime  # when it arrived (for "new since the last digest")
    scoring_id: int | None = None  # the scoring it is about

    @property
    def key(self) -> Key:
        return (self.citizen_id, self.kind, self.subject, self.basis)

    @property
    def label(self) -> str:
        return VOICE_KINDS[self.kind]

    @property
    def said(self) -> str:
        """The sentence and her words, for a line of its own."""
        return f"{self.text} »{self.quote}«" if self.quote else self.text

    @property
    def dom_id(self) -> str:
        return f"voice-{self.citizen_id}-{self.subject.replace(':', '-')}"


def _quote(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 1].rstrip() + "…"


def _local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()


def load_voice(session: Session, citizen_ids: Sequence[int] | None, today: date) -> list[VoiceItem]:
    """Her comments of the last VOICE_DAYS and her standing "nej tak"s, for these citizens
    (None: for every citizen; the daily digests), newest first. Two queries."""
    if citizen_ids is not None and not citizen_ids:
        return []
    ids = list(citizen_ids) if citizen_ids is not None else None

    def of(column: Any) -> Any:
        return column.in_(ids) if ids is not None else true()

    from_day = today - timedelta(days=VOICE_DAYS)
    from_moment = datetime.combine(from_day, time(0), LOCAL_TZ)
    later = (
        select(
            literal("comment").label("what"),
            ScoringComment.id,
            ScoringComment.citizen_id,
            ScoringComment.text,
            ScoringComment.created_at,
            Scoring.id.label("scoring_id"),
            Scoring.instrument,
            Scoring.scored_on,
        )
        .join(Scoring, Scoring.id == ScoringComment.scoring_id)
        .where(of(ScoringComment.citizen_id), ScoringComment.created_at >= from_moment)
    )
    self_filled = select(
        literal("scoring").label("what"),
        Scoring.id,
        Scoring.citizen_id,
        Scoring.citizen_comment.label("text"),
        Scoring.created_at,
        Scoring.id.label("scoring_id"),
        Scoring.instrument,
        Scoring.scored_on,
    ).where(
        of(Scoring.citizen_id),
        Scoring.participation == "citizen_self",
        Scoring.scored_on >= from_day,
        func.length(func.trim(func.coalesce(Scoring.citizen_comment, ""))) > 0,
    )
    items: list[VoiceItem] = []
    row: Row[Any]
    for row in session.execute(union_all(later, self_filled)):
        name = instrument_label(row.instrument)
        if row.what == "comment":
            text = f"Skrev om {name} fra {dk_date(row.scored_on)}:"
            day = _local_day(row.created_at)
        else:
            text = f"Udfyldte selv {name} den {dk_date(row.scored_on)} og skrev:"
            day = row.scored_on
        items.append(
            VoiceItem(
                "citizen_comment",
                row.citizen_id,
                f"{row.what}:{row.id}",
                day,
                text,
                _quote(row.text),
                row.created_at,
                row.scoring_id,
            )
        )
    for d in session.scalars(
        select(ScoringDecline).where(
            of(ScoringDecline.citizen_id), ScoringDecline.withdrawn_at.is_(None)
        )
    ):
        day = _local_day(d.created_at)
        items.append(
            VoiceItem(
                "citizen_decline",
                d.citizen_id,
                f"decline:{d.id}",
                day,
                f"Sagde nej tak til {decline_label(d)} den {dk_date(day)}"
                + (" og skrev:" if d.reason and d.reason.strip() else "."),
                _quote(d.reason),
                d.created_at,
            )
        )
    return sorted(items, key=lambda i: (i.since, i.subject), reverse=True)
