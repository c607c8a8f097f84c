"""Signals: a decline or a risk worth a look, each explained in one Danish sentence.

The rules are pure functions over a citizen's few relevant scores (first, previous and
latest ORS, the start of the ORS's unbroken run under the cut-off, latest two SRS, FKO
baseline and latest status per goal); `load_facts` reads those for many citizens in one
windowed query. A goal past its date is no signal: it is the reminder "Følg op på målets
måldato", and one overdue goal is one item on Mine opgaver.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Row, and_, case, extract, func, or_, select
from sqlalchemy.orm import selectinload

from bostotte import instruments
from bostotte.charts.fit import srs_words
from bostotte.citizens.models import Citizen
from bostotte.common.db import Session
from bostotte.common.formatting import dk_date, dk_number
from bostotte.common.time import add_months
from bostotte.reminders.cadence import subject_key
from bostotte.reminders.models import SignalAck
from bostotte.scoring.models import Scoring

ORS_STILL_LOW_MONTHS = 6
GOAL_TEXT_MAX = 60

SIGNAL_KINDS = {
    "ors_decline": "ORS faldet",
    "ors_still_low": "ORS stadig lav",
    "srs_alliance": "Samarbejdet",
    "fko_worse": "Støttebehov steget",
}
# What the citizen wrote or declined on Mine mål (voice.py): marked as seen the same way.
VOICE_KINDS = {"citizen_comment": "Kommentar", "citizen_decline": "Nej tak"}
# Everything a SignalAck can be about.
KINDS = SIGNAL_KINDS | VOICE_KINDS

Key = tuple[int, str, str, date]  # (citizen id, kind, subject, basis): a SignalAck's key


class Seeable(Protocol):
    """A signal or something from the citizen: what a worker marks as seen."""

    @property
    def citizen_id(self) -> int: ...

    @property
    def key(self) -> Key: ...


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
    ors_previous: Score | None = None  # the one before the latest
    ors_latest: Score | None = None
    # The first score of the unbroken run under the cut-off that ends with the latest
    # (None when the latest is not under it).
    ors_low_since: Score | None = None
    srs_latest: Score | None = None
    srs_previous: Score | None = None
    # Active goals: (goal id, goal text, FKO baseline, latest FKO status or final).
    fko: tuple[tuple[int, str, Score | None, Score | None], ...] = ()


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
    def key(self) -> Key:
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


def whole_months(start: date, end: date) -> int:
    """Whole months from `start` to `end` (add_months(start, n) <= end)."""
    n = (end.year - start.year) * 12 + end.month - start.month
    return n - 1 if add_months(start, n) > end else n


def _ors_decline(f: SignalFacts) -> list[Signal]:
    """A reliable fall since the previous session, or since the first score, or both."""
    first, previous, latest = f.ors_first, f.ors_previous, f.ors_latest
    if first is None or latest is None or latest.on <= first.on:
        return []
    reliable = instruments.get("ORS").reliable_change or 0
    falls = []
    if previous is not None and previous != first and previous.on < latest.on:
        fall = round(previous.total - latest.total, 1)
        if fall >= reliable:
            falls.append(
                f"{dk_number(fall)} point siden forrige måling "
                f"({dk_number(previous.total)} den {dk_date(previous.on)})"
            )
    fall = round(first.total - latest.total, 1)
    if fall >= reliable:
        falls.append(
            f"{dk_number(fall)} point fra første måling "
            f"({dk_number(first.total)} den {dk_date(first.on)})"
        )
    if not falls:
        return []
    return [
        Signal(
            "ors_decline",
            f.citizen_id,
            latest.on,
            f"ORS er faldet {' og '.join(falls)} til {dk_number(latest.total)} "
            f"den {dk_date(latest.on)} – et pålideligt fald.",
            latest.recorded_at,
        )
    ]


def _ors_still_low(f: SignalFacts) -> list[Signal]:
    """Under the cut-off at every score for at least six months, said with how long."""
    start, latest = f.ors_low_since, f.ors_latest
    if start is None or latest is None:
        return []
    if latest.on < add_months(start.on, ORS_STILL_LOW_MONTHS):
        return []
    cutoff = ors_cutoff(f.birth_year, latest.on)
    return [
        Signal(
            "ors_still_low",
            f.citizen_id,
            latest.on,
            f"ORS har været under den kliniske grænse på {dk_number(cutoff)} ved hver måling "
            f"i {whole_months(start.on, latest.on)} måneder, siden {dk_date(start.on)} "
            f"(seneste {dk_number(latest.total)} den {dk_date(latest.on)}).",
            latest.recorded_at,
        )
    ]


def _srs_signal(f: SignalFacts) -> list[Signal]:
    latest, previous = f.srs_latest, f.srs_previous
    if latest is None:
        return []
    alert, words = srs_words(
        latest.total,
        previous.total if previous is not None else None,
        instruments.get("SRS").cutoffs.get("alliance"),
    )
    if not alert:
        return []
    text = f"Samtalen den {dk_date(latest.on)}: {words}. Samarbejdet kan være udfordret."
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


def signals_for(facts: SignalFacts) -> list[Signal]:
    return _ors_decline(facts) + _ors_still_low(facts) + _srs_signal(facts) + _fko_signals(facts)


# --- Loading ---------------------------------------------------------------------------


def _ors_cutoff_on(on: Any, birth_year: Any) -> ColumnElement[float]:
    """`ors_cutoff` in SQL: the cut-off for the citizen's age (year − birth year) at `on`."""
    ors = instruments.get("ORS")
    age = extract("year", on) - birth_year
    return case(
        *[(age <= high, value) for _low, high, value in ors.age_cutoffs],
        else_=ors.cutoffs["adult"],
    )


def _ranked_scores(session: Session, citizen_ids: list[int]) -> list[Row[Any]]:
    """Per citizen, instrument, goal (and baseline apart): the first and latest two scores,
    and the ORS that starts the unbroken run under the cut-off ending with the latest
    (`run_start`: the score after the last one at or over the cut-off)."""
    is_baseline = case((Scoring.occasion == "baseline", 1), else_=0)
    part = (Scoring.citizen_id, Scoring.instrument, Scoring.goal_id, is_baseline)
    low = and_(
        Scoring.instrument == "ORS",
        Scoring.total < _ors_cutoff_on(Scoring.scored_on, Citizen.birth_year),
    )
    ranked = (
        select(
            Scoring.citizen_id,
            Scoring.instrument,
            Scoring.goal_id,
            is_baseline.label("baseline"),
            Scoring.scored_on,
            Scoring.total,
            Scoring.created_at,
            case((low, 1), else_=0).label("low"),
            func.row_number()
            .over(partition_by=part, order_by=(Scoring.scored_on, Scoring.id))
            .label("rn_first"),
            func.row_number()
            .over(partition_by=part, order_by=(Scoring.scored_on.desc(), Scoring.id.desc()))
            .label("rn_last"),
        )
        .join(Citizen, Citizen.id == Scoring.citizen_id)
        .where(
            Scoring.citizen_id.in_(citizen_ids),
            Scoring.instrument.in_(("ORS", "SRS", "FKO")),
            func.coalesce(Scoring.occasion, "") != "target",
        )
        .subquery()
    )
    r = ranked.c
    last_ok = (
        func.max(case((r.low == 0, r.rn_first)))
        .over(partition_by=(r.citizen_id, r.instrument, r.goal_id, r.baseline))
        .label("last_ok")
    )
    runs = select(ranked, last_ok).subquery()
    c = runs.c
    run_start = c.rn_first == func.coalesce(c.last_ok, 0) + 1
    return list(
        session.execute(
            select(
                c.citizen_id,
                c.instrument,
                c.goal_id,
                c.baseline,
                c.scored_on,
                c.total,
                c.created_at,
                c.rn_first,
                c.rn_last,
                case((run_start, 1), else_=0).label("run_start"),
            ).where(or_(c.rn_first == 1, c.rn_last <= 2, run_start))
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
        if row.run_start == 1:
            scores[(*key, "run")] = score
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
                ors_previous=fit.get((c.id, "ORS", None, 0, "last2")),
                ors_latest=fit.get((c.id, "ORS", None, 0, "last1")),
                ors_low_since=fit.get((c.id, "ORS", None, 0, "run")),
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
            )
        )
    return facts


def current_signals(session: Session, citizens: Sequence[Citizen]) -> list[Signal]:
    """Signals of citizens whose plans and goals are loaded (one query). Pass only citizens
    whose indsats is still running."""
    return [s for f in load_facts(session, citizens) for s in signals_for(f)]


def acks_for(session: Session, items: Sequence[Seeable]) -> dict[Key, SignalAck]:
    """The acks of these items' citizens, by key (one query, and one for who saw them)."""
    if not items:
        return {}
    acks = session.scalars(
        select(SignalAck)
        .options(selectinload(SignalAck.seen_by))
        .where(SignalAck.citizen_id.in_({i.citizen_id for i in items}))
    )
    return {(a.citizen_id, a.kind, a.subject, a.basis): a for a in acks}


def unseen(session: Session, signals: Sequence[Signal]) -> list[Signal]:
    """The signals nobody has marked as seen."""
    acks = acks_for(session, signals)
    return [s for s in signals if s.key not in acks]


def unseen_counts(session: Session, citizens: Sequence[Citizen]) -> dict[int, int]:
    """Per citizen, the signals nobody has marked as seen (for Mine borgere: 2 queries)."""
    return Counter(s.citizen_id for s in unseen(session, current_signals(session, citizens)))
