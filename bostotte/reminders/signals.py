"""Signals: a decline or a risk worth a look, each explained in one Danish sentence.

The rules are pure functions over a citizen's few relevant scores (first, previous and
latest ORS, the start of the ORS's unbroken run under the cut-off, latest two SRS, FKO
baseline and latest status per goal); `load_facts` reads just those for many citizens in
one query (an index seek each). A goal past its date is no signal: it is the reminder
"Følg op på målets måldato", and one overdue goal is one item on Mine opgaver.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    bindparam,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased, selectinload

from bostotte import instruments
from bostotte.charts.fit import srs_words
from bostotte.citizens.models import Citizen
from bostotte.common.db import Session
from bostotte.common.formatting import dk_date, dk_number
from bostotte.common.time import add_months
from bostotte.goals.models import Goal
from bostotte.reminders.cadence import subject_key
from bostotte.reminders.models import SignalAck
from bostotte.scoring.cutoffs import ors_cutoff, ors_cutoff_sql
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
Where = Callable[[Any], ColumnElement[bool]]  # a condition on an alias of Scoring


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


def _scores(session: Session, fit_ids: list[int], goal_ids: list[int]) -> list[Row[Any]]:
    """The few scores the rules read, each found by an index seek rather than by ranking all
    of them (three years of a citizen are hundreds): per FIT citizen her first ORS, her
    latest two ORS and SRS and the ORS that starts the unbroken run under the cut-off ending
    with the latest (the one after the last at or over it); per goal its latest FKO baseline
    and latest FKO status. Targets never count, nor do an ORS or SRS marked as a baseline.
    Rows (what: a SignalFacts field or fko_baseline/fko_latest, owner: citizen or goal id,
    scored_on, total, created_at)."""
    params = {"fit_ids": fit_ids, "goal_ids": goal_ids}
    return list(session.execute(_scores_query(), params).all())


@cache
def _scores_query() -> Select[Any]:
    """`_scores`' statement, built once (building it costs as much as running it). Each
    seek picks a score's id per owner; the scores are joined once, by id, at the end (a
    join on a seek itself makes PostgreSQL hash every score, once per seek)."""
    fit = (
        select(Citizen.id, Citizen.birth_year)
        .where(Citizen.id.in_(bindparam("fit_ids", expanding=True)))
        .cte("fit")
    )
    goals = (
        select(Goal.id, Goal.citizen_id)
        .where(Goal.id.in_(bindparam("goal_ids", expanding=True)))
        .cte("fko_goals")
    )

    def hers(instrument: str, citizen_id: Any = fit.c.id) -> Where:
        return lambda x: and_(
            x.citizen_id == citizen_id,
            x.instrument == instrument,
            x.goal_id.is_(None),
            func.coalesce(x.occasion, "").not_in(("baseline", "target")),
        )

    def fko(baseline: bool) -> Where:
        return lambda x: and_(
            x.goal_id == goals.c.id,
            x.citizen_id == goals.c.citizen_id,
            x.instrument == "FKO",
            x.occasion == "baseline"
            if baseline
            else func.coalesce(x.occasion, "").not_in(("baseline", "target")),
        )

    def seek(where: Where, *, newest: bool, offset: int = 0, column: str = "id") -> Any:
        """`column` (the id) of the score at `offset` among `where`'s, newest or oldest
        first."""
        x = aliased(Scoring)
        order = (x.scored_on.desc(), x.id.desc()) if newest else (x.scored_on, x.id)
        query = select(getattr(x, column)).where(where(x)).order_by(*order)
        return query.limit(1).offset(offset).scalar_subquery()

    def pick(what: str, owners: Any, score_id: Any) -> Select[Any]:
        return select(
            literal(what).label("what"), owners.c.id.label("owner"), score_id.label("score_id")
        ).select_from(owners)

    ors = hers("ORS")
    # The run: the first ORS after her last one at or over the cut-off (from her first if
    # none is); none when the latest is at or over it.
    last_ok = select(
        fit.c.id,
        seek(
            lambda x: and_(ors(x), x.total >= ors_cutoff_sql(x.scored_on, fit.c.birth_year)),
            newest=True,
        ).label("ok_id"),
    ).subquery("last_ok")
    ok = aliased(Scoring)
    run_start = seek(
        lambda x: and_(
            hers("ORS", last_ok.c.id)(x),
            or_(
                ok.id.is_(None),
                x.scored_on > ok.scored_on,
                and_(x.scored_on == ok.scored_on, x.id > ok.id),
            ),
        ),
        newest=False,
    )
    picks = union_all(
        pick("ors_first", fit, seek(ors, newest=False)),
        pick("ors_latest", fit, seek(ors, newest=True)),
        pick("ors_previous", fit, seek(ors, newest=True, offset=1)),
        pick("ors_low_since", last_ok, run_start).outerjoin(ok, ok.id == last_ok.c.ok_id),
        pick("srs_latest", fit, seek(hers("SRS"), newest=True)),
        pick("srs_previous", fit, seek(hers("SRS"), newest=True, offset=1)),
        pick("fko_baseline", goals, seek(fko(True), newest=True)),
        pick("fko_latest", goals, seek(fko(False), newest=True)),
    ).subquery("picks")
    s = aliased(Scoring)
    return select(picks.c.what, picks.c.owner, s.scored_on, s.total, s.created_at).join(
        s, s.id == picks.c.score_id
    )


def load_facts(session: Session, citizens: Iterable[Citizen]) -> list[SignalFacts]:
    """Signal facts for citizens whose plans and goals are loaded: one query."""
    citizens = list(citizens)
    goals = {
        c.id: c.active_plan.active_goals if c.uses_fko and c.active_plan else [] for c in citizens
    }
    fit_ids = [c.id for c in citizens if c.uses_fit]
    goal_ids = [g.id for gs in goals.values() for g in gs]
    rows = _scores(session, fit_ids, goal_ids) if fit_ids or goal_ids else []
    scores = {(r.what, r.owner): Score(r.scored_on, r.total, r.created_at) for r in rows}
    facts = []
    for c in citizens:
        facts.append(
            SignalFacts(
                c.id,
                c.birth_year,
                ors_first=scores.get(("ors_first", c.id)),
                ors_previous=scores.get(("ors_previous", c.id)),
                ors_latest=scores.get(("ors_latest", c.id)),
                ors_low_since=scores.get(("ors_low_since", c.id)),
                srs_latest=scores.get(("srs_latest", c.id)),
                srs_previous=scores.get(("srs_previous", c.id)),
                fko=tuple(
                    (
                        g.id,
                        g.specific,
                        scores.get(("fko_baseline", g.id)),
                        scores.get(("fko_latest", g.id)),
                    )
                    for g in goals[c.id]
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
