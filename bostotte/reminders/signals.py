"""Signals: a decline or a risk worth a look, each explained in one Danish sentence.

The rules are pure functions over a citizen's few relevant scores (first and latest ORS,
latest two SRS, FKO baseline and latest status per goal, open goals); `load_facts` reads
those scores for many citizens in one windowed query.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Row, case, func, select
from sqlalchemy.orm import selectinload

from bostotte import instruments
from bostotte.citizens.models import Citizen
from bostotte.common.db import Session
from bostotte.common.formatting import dk_date, dk_number
from bostotte.common.time import LOCAL_TZ, add_months
from bostotte.reminders.cadence import subject_key
from bostotte.reminders.models import SignalAck
from bostotte.scoring.models import Scoring

ORS_STILL_LOW_MONTHS = 6
SRS_DROP = 1.0  # a fall of one point from the previous session (FIT practice)
GOAL_TEXT_MAX = 60

KINDS = {
    "ors_decline": "ORS faldet",
    "ors_still_low": "ORS stadig lav",
    "srs_alliance": "Samarbejdet",
    "fko_worse": "Støttebehov steget",
    "goal_overdue": "Mål over måldato",
}


@dataclass(frozen=True)
class Score:
    on: date
    total: float
    recorded_at: datetime


@dataclass(frozen=True)
class SignalFacts:
    citizen_id: int
    birth_year: int
    ors_first: Score | None = None
    ors_latest: Score | None = None
    srs_latest: Score | None = None
    srs_previous: Score | None = None
    # Active goals: (goal id, goal text, FKO baseline, latest FKO status or final).
    fko: tuple[tuple[int, str, Score | None, Score | None], ...] = ()
    # Active goals with a target date: (goal id, goal text, target date).
    open_goals: tuple[tuple[int, str, date], ...] = ()


@dataclass(frozen=True)
class Signal:
    kind: str
    citizen_id: int
    basis: date  # the date of the evidence; a newer score makes a new signal
    text: str
    since: datetime  # when the evidence arrived (for "new since the last digest")
    goal_id: int | None = None

    @property
    def subject(self) -> str:
        return subject_key(self.goal_id, None)

    @property
    def key(self) -> tuple[int, str, str, date]:
        return (self.citizen_id, self.kind, self.subject, self.basis)

    @property
    def label(self) -> str:
        return KINDS[self.kind]

    @property
    def dom_id(self) -> str:
        return f"signal-{self.citizen_id}-{self.kind}-{self.goal_id or 0}-{self.basis:%Y%m%d}"

    @property
    def anchor(self) -> str:
        """Where the graph behind the signal is on the citizen's page."""
        if self.goal_id is not None:
            return f"goal-{self.goal_id}"
        return "instrument-SRS" if self.kind == "srs_alliance" else "instrument-ORS"


def ors_cutoff(birth_year: int, on: date) -> float:
    """The clinical cut-off for the citizen's age at `on` (age = year − birth year)."""
    return instruments.get("ORS").cutoff_for_age(on.year - birth_year)


def _short(text: str) -> str:
    """A goal's text for a sentence: one line, without its full stop, at most 60 chars."""
    text = " ".join(text.split()).rstrip(".")
    return text if len(text) <= GOAL_TEXT_MAX else text[: GOAL_TEXT_MAX - 1].rstrip() + "…"


def _fko_label(value: float) -> str:
    label = instruments.get("FKO").scale_label(value)
    return f"{dk_number(value)} ({label})" if label else dk_number(value)


def _ors_signals(f: SignalFacts) -> list[Signal]:
    first, latest = f.ors_first, f.ors_latest
    if first is None or latest is None or latest.on <= first.on:
        return []
    out = []
    change = round(latest.total - first.total, 1)
    reliable = instruments.get("ORS").reliable_change or 0
    if change <= -reliable:
        out.append(
            Signal(
                "ors_decline",
                f.citizen_id,
                latest.on,
                f"ORS er faldet {dk_number(-change)} point fra første måling "
                f"({dk_number(first.total)} den {dk_date(first.on)}) til {dk_number(latest.total)} "
                f"den {dk_date(latest.on)} – et pålideligt fald.",
                latest.recorded_at,
            )
        )
    cutoff = ors_cutoff(f.birth_year, latest.on)
    if (
        first.total < ors_cutoff(f.birth_year, first.on)
        and latest.total < cutoff
        and latest.on >= add_months(first.on, ORS_STILL_LOW_MONTHS)
    ):
        out.append(
            Signal(
                "ors_still_low",
                f.citizen_id,
                latest.on,
                f"ORS er stadig under grænsen på {dk_number(cutoff)} efter mindst "
                f"{ORS_STILL_LOW_MONTHS} måneder (seneste {dk_number(latest.total)} den "
                f"{dk_date(latest.on)}).",
                latest.recorded_at,
            )
        )
    return out


def _srs_signal(f: SignalFacts) -> list[Signal]:
    latest, previous = f.srs_latest, f.srs_previous
    if latest is None:
        return []
    alliance = instruments.get("SRS").cutoffs["alliance"]
    if latest.total < alliance:
        text = (
            f"SRS var {dk_number(latest.total)} ved samtalen den {dk_date(latest.on)}, "
            f"under {dk_number(alliance)}: samarbejdet kan være udfordret."
        )
    elif previous is not None and round(latest.total - previous.total, 1) <= -SRS_DROP:
        text = (
            f"SRS faldt fra {dk_number(previous.total)} til {dk_number(latest.total)} "
            f"ved samtalen den {dk_date(latest.on)}: samarbejdet kan være udfordret."
        )
    else:
        return []
    return [Signal("srs_alliance", f.citizen_id, latest.on, text, latest.recorded_at)]


def _worse(instrument_id: str, latest: float, earlier: float) -> bool:
    """Worse in the instrument's own direction (FKO: lower is better)."""
    if instruments.get(instrument_id).higher_is_better:
        return latest < earlier
    return latest > earlier


def _fko_signals(f: SignalFacts) -> list[Signal]:
    return [
        Signal(
            "fko_worse",
            f.citizen_id,
            latest.on,
            f"Støttebehovet for målet »{_short(text)}« er {_fko_label(latest.total)} ved "
            f"seneste status, højere end udgangspunktet {_fko_label(baseline.total)}.",
            latest.recorded_at,
            goal_id,
        )
        for goal_id, text, baseline, latest in f.fko
        if baseline is not None
        and latest is not None
        and latest.on >= baseline.on
        and _worse("FKO", latest.total, baseline.total)
    ]


def _goal_signals(f: SignalFacts, today: date) -> list[Signal]:
    return [
        Signal(
            "goal_overdue",
            f.citizen_id,
            target,
            f"Målet »{_short(text)}« havde måldato {dk_date(target)} og er stadig åbent.",
            # it became overdue at the start of the day after the target date
            datetime.combine(target + timedelta(days=1), time(0), LOCAL_TZ),
            goal_id,
        )
        for goal_id, text, target in f.open_goals
        if target < today
    ]


def signals_for(facts: SignalFacts, today: date) -> list[Signal]:
    return (
        _ors_signals(facts) + _srs_signal(facts) + _fko_signals(facts) + _goal_signals(facts, today)
    )


# --- Loading ---------------------------------------------------------------------------


def _ranked_scores(session: Session, citizen_ids: list[int]) -> list[Row[Any]]:
    """Per citizen, instrument, goal (and baseline apart): first and latest two scores."""
    is_baseline = case((Scoring.occasion == "baseline", 1), else_=0)
    part = (Scoring.citizen_id, Scoring.instrument, Scoring.goal_id, is_baseline)
    ranked = (
        select(
            Scoring.citizen_id,
            Scoring.instrument,
            Scoring.goal_id,
            is_baseline.label("baseline"),
            Scoring.scored_on,
            Scoring.total,
            Scoring.created_at,
            func.row_number()
            .over(partition_by=part, order_by=(Scoring.scored_on, Scoring.id))
            .label("rn_first"),
            func.row_number()
            .over(partition_by=part, order_by=(Scoring.scored_on.desc(), Scoring.id.desc()))
            .label("rn_last"),
        )
        .where(
            Scoring.citizen_id.in_(citizen_ids),
            Scoring.instrument.in_(("ORS", "SRS", "FKO")),
            func.coalesce(Scoring.occasion, "") != "target",
        )
        .subquery()
    )
    return list(
        session.execute(
            select(ranked).where((ranked.c.rn_first == 1) | (ranked.c.rn_last <= 2))
        ).all()
    )


def load_facts(session: Session, citizens: Iterable[Citizen]) -> list[SignalFacts]:
    """Signal facts for citizens whose plans and goals are loaded: one query."""
    citizens = list(citizens)
    rows = _ranked_scores(session, [c.id for c in citizens]) if citizens else []
    scores: dict[tuple[int, str, int | None, int, str], Score] = {}
    for row in rows:
        key = (row.citizen_id, row.instrument, row.goal_id, row.baseline)
        score = Score(row.scored_on, row.total, row.created_at)
        if row.rn_first == 1:
            scores[(*key, "first")] = score
        if row.rn_last <= 2:
            scores[(*key, f"last{row.rn_last}")] = score
    facts = []
    for c in citizens:
        plan = c.active_plan
        goals = plan.active_goals if plan else []
        fit = scores if c.uses_fit else {}
        facts.append(
            SignalFacts(
                c.id,
                c.birth_year,
                ors_first=fit.get((c.id, "ORS", None, 0, "first")),
                ors_latest=fit.get((c.id, "ORS", None, 0, "last1")),
                srs_latest=fit.get((c.id, "SRS", None, 0, "last1")),
                srs_previous=fit.get((c.id, "SRS", None, 0, "last2")),
                fko=tuple(
                    (
                        g.id,
                        g.specific,
                        scores.get((c.id, "FKO", g.id, 1, "last1")),
                        scores.get((c.id, "FKO", g.id, 0, "last1")),
                    )
                    for g in goals
                    if c.uses_fko
                ),
                open_goals=tuple(
                    (g.id, g.specific, g.target_date) for g in goals if g.target_date is not None
                ),
            )
        )
    return facts


def current_signals(session: Session, citizens: Sequence[Citizen], today: date) -> list[Signal]:
    """Signals of citizens whose plans and goals are loaded (one query). Pass only citizens
    whose indsats is still running."""
    return [s for f in load_facts(session, citizens) for s in signals_for(f, today)]


def acks_for(
    session: Session, signals: Sequence[Signal]
) -> dict[tuple[int, str, str, date], SignalAck]:
    if not signals:
        return {}
    acks = session.scalars(
        select(SignalAck)
        .options(selectinload(SignalAck.seen_by))
        .where(SignalAck.citizen_id.in_({s.citizen_id for s in signals}))
    )
    return {(a.citizen_id, a.kind, a.subject, a.basis): a for a in acks}


def unseen(session: Session, signals: Sequence[Signal]) -> list[Signal]:
    """The signals nobody has marked as seen."""
    acks = acks_for(session, signals)
    return [s for s in signals if s.key not in acks]


def unseen_counts(session: Session, citizens: Sequence[Citizen], today: date) -> dict[int, int]:
    """Per citizen, the signals nobody has marked as seen (for Mine borgere: 2 queries)."""
    return Counter(s.citizen_id for s in unseen(session, current_signals(session, citizens, today)))
