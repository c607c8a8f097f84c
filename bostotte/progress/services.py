"""Expected progress read from the database: every earlier course in one query, kept per
data version; a citizen's curves (her own course left out); the citizens not on track.

The history is one aggregate over every citizen, so it is read once per *data version* of
the scorings (their highest id, latest edit and number: a new, edited or deleted scoring
changes it) and kept in the process: a citizen page asks one small query for the version and
reads the kept norms. The courses come from one windowed SELECT (session index and first
score by citizen, or baseline and quarter by goal) and are sorted into bands in one pass.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, select, true

from bostotte.auth.models import Team
from bostotte.citizens.models import Citizen
from bostotte.common.db import Session
from bostotte.progress.bands import (
    FKO_BAND_LABELS,
    MAX_QUARTER,
    MAX_SESSION,
    MIN_SESSIONS,
    MIN_STATUSES,
    ORS_BAND_LABELS,
    Curve,
    Norms,
    Point,
    fko_band,
    ors_band,
    quarter_index,
)
from bostotte.scoring.models import Scoring
from bostotte.stats.queries import Scope
from bostotte.stats.services import protect_siblings, suppressed
from bostotte.stats.sqldates import days_between

ORS = "ORS"
FKO = "FKO"


# ------------------------------------------------------------------ the history, kept


class _Kept:
    """Norms per database and instrument, with the data version they were read at."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._norms: dict[tuple[str, str], tuple[tuple[Any, ...], Norms]] = {}
        self.reads = 0  # the history read from the database (tests, bench)

    def get(
        self, session: Session, instrument: str, version: tuple[Any, ...] | None = None
    ) -> Norms:
        """The instrument's norms at `version` (read now when not given)."""
        key = (str(session.get_bind().engine.url), instrument)
        version = version if version is not None else data_version(session)
        with self._lock:
            kept = self._norms.get(key)
        if kept is not None and kept[0] == version:
            return kept[1]
        norms = _read_ors(session) if instrument == ORS else _read_fko(session)
        with self._lock:
            self.reads += 1
            self._norms[key] = (version, norms)
        return norms

    def clear(self) -> None:
        with self._lock:
            self._norms.clear()


kept = _Kept()


def data_version(session: Session) -> tuple[Any, ...]:
    """What changes whenever the ORS or FKO scorings do, in one query: the newest id and
    edit over all scorings (read off the primary key and the updated_at index) and the
    number of each (off the instrument index), so a deleted scoring changes it too."""
    row = session.execute(
        select(
            select(func.max(Scoring.id)).scalar_subquery(),
            select(func.max(Scoring.updated_at)).scalar_subquery(),
            *(
                select(func.count()).where(Scoring.instrument == i).scalar_subquery()
                for i in (ORS, FKO)
            ),
        )
    ).one()
    return tuple(row)


def _ors_rows(session: Session, where: Any = None) -> Iterable[Any]:
    """Per ORS course of at least MIN_SESSIONS sessions: (citizen, session index, sessions,
    first total, total), the index 1, 2, … in date order (ties by id)."""
    order = (Scoring.scored_on, Scoring.id)
    inner = select(
        Scoring.citizen_id,
        func.row_number().over(partition_by=Scoring.citizen_id, order_by=order).label("k"),
        func.count().over(partition_by=Scoring.citizen_id).label("n"),
        func.first_value(Scoring.total)
        .over(partition_by=Scoring.citizen_id, order_by=order)
        .label("first"),
        Scoring.total,
    ).where(Scoring.instrument == ORS)
    if where is not None:
        inner = inner.where(where)
    sub = inner.subquery()
    return session.execute(
        select(sub.c.citizen_id, sub.c.k, sub.c.n, sub.c.first, sub.c.total)
        .where(sub.c.n >= MIN_SESSIONS, (sub.c.k <= MAX_SESSION) | (sub.c.k == sub.c.n))
        .order_by(sub.c.citizen_id, sub.c.k)
    )


def _courses(rows: Iterable[Any]) -> dict[int, tuple[float, int, dict[int, float]]]:
    """(first, sessions, {index: total}) per course id."""
    out: dict[int, tuple[float, int, dict[int, float]]] = {}
    for cid, k, n, first, total in rows:
        out.setdefault(cid, (first, n, {}))[2][k] = total
    return out


def _read_ors(session: Session) -> Norms:
    return Norms.build(
        ((ors_band(first), scores) for first, _n, scores in _courses(_ors_rows(session)).values()),
        ORS_BAND_LABELS,
        MAX_SESSION,
    )


def _fko_rows(session: Session, where: Any = None) -> Iterable[Any]:
    """Per goal with an FKO baseline: (goal, baseline, quarter's days from the baseline,
    score) for each status and final, in date order; the goal's first baseline counts."""
    base = (
        select(
            Scoring.goal_id,
            func.min(Scoring.scored_on).label("on"),
        )
        .where(Scoring.instrument == FKO, Scoring.occasion == "baseline")
        .group_by(Scoring.goal_id)
        .subquery()
    )
    baseline = (
        select(Scoring.goal_id, func.min(Scoring.total).label("value"), base.c.on)
        .join(base, and_(base.c.goal_id == Scoring.goal_id, base.c.on == Scoring.scored_on))
        .where(Scoring.instrument == FKO, Scoring.occasion == "baseline")
        .group_by(Scoring.goal_id, base.c.on)
        .subquery()
    )
    query = (
        select(
            Scoring.goal_id,
            baseline.c.value,
            days_between(baseline.c.on, Scoring.scored_on),
            Scoring.total,
        )
        .join(baseline, baseline.c.goal_id == Scoring.goal_id)
        .where(
            Scoring.instrument == FKO,
            Scoring.occasion.in_(("status", "final")),
            Scoring.scored_on > baseline.c.on,
        )
        .order_by(Scoring.goal_id, Scoring.scored_on, Scoring.id)
    )
    if where is not None:
        query = query.where(where)
    return session.execute(query)


def _fko_courses(rows: Iterable[Any]) -> dict[int, tuple[float, dict[int, float]]]:
    """(baseline, {quarter: score}) per goal with at least MIN_STATUSES scores after the
    baseline; of two scores in one quarter the later counts."""
    out: dict[int, tuple[float, dict[int, float]]] = {}
    counts: dict[int, int] = {}
    for goal_id, value, days, total in rows:
        counts[goal_id] = counts.get(goal_id, 0) + 1
        q = quarter_index(int(days))
        if q >= 1:
            out.setdefault(goal_id, (value, {}))[1][q] = total
    return {g: c for g, c in out.items() if counts[g] >= MIN_STATUSES}


def _read_fko(session: Session) -> Norms:
    return Norms.build(
        ((fko_band(base), scores) for base, scores in _fko_courses(_fko_rows(session)).values()),
        FKO_BAND_LABELS,
        MAX_QUARTER,
    )


# ------------------------------------------------------------------ one citizen's curves


@dataclass(frozen=True)
class Expected:
    """A citizen's expected curves: ORS by her starting band, FKO per goal by its baseline.
    None where she has no start yet (no ORS, a goal without a baseline)."""

    ors: Curve | None = None
    fko: dict[int, Curve | None] | None = None


def ors_curve(norms: Norms, totals: Sequence[float]) -> Curve | None:
    """Her band's curve from her ORS totals in session order, her course left out when it is
    one of the history's (MIN_SESSIONS or more)."""
    if not totals:
        return None
    own = dict(enumerate(totals[:MAX_SESSION], start=1)) if len(totals) >= MIN_SESSIONS else None
    return norms.curve(ors_band(totals[0]), own)


def expected_for(session: Session, citizen: Citizen, scorings: Sequence[Scoring]) -> Expected:
    """Her curves from her scorings (as the page loaded them) and the kept history."""
    ors = sorted((s.scored_on, s.id, s.total) for s in scorings if s.instrument == ORS)
    goals = {s.goal_id for s in scorings if s.instrument == FKO and s.goal_id is not None}
    version = data_version(session) if ors or goals else None
    curve = ors_curve(kept.get(session, ORS, version), [t for _d, _i, t in ors]) if ors else None
    fko: dict[int, Curve | None] = {}
    if goals:
        norms = kept.get(session, FKO, version)
        by_goal: dict[int, list[Scoring]] = {}
        for s in scorings:
            if s.instrument == FKO and s.goal_id is not None:
                by_goal.setdefault(s.goal_id, []).append(s)
        for goal_id, scores in by_goal.items():
            fko[goal_id] = fko_curve(norms, scores)
    return Expected(curve, fko)


def fko_curve(norms: Norms, scores: Sequence[Scoring]) -> Curve | None:
    bases = sorted((s.scored_on, s.total) for s in scores if s.occasion == "baseline")
    if not bases:
        return None
    on, value = bases[0]
    later = sorted(
        (s.scored_on, s.id, s.total)
        for s in scores
        if s.occasion in ("status", "final") and s.scored_on > on
    )
    own: dict[int, float] = {}
    for d, _i, total in later:
        q = quarter_index((d - on).days)
        if q >= 1:
            own[q] = total
    counted = len(later) >= MIN_STATUSES and bool(own)
    return norms.curve(fko_band(value), own if counted else None)


# ------------------------------------------------------------------ not on track


@dataclass(frozen=True)
class OffTrack:
    """A citizen below the 25th percentile of her band at her latest session."""

    citizen_id: int
    name: str
    band: str
    sessions: int
    latest: float
    point: Point  # her band at her latest session (hers left out)
    courses: int


def assess(norms: Norms, totals: Sequence[float], sessions: int) -> tuple[Curve, Point] | None:
    """Her band's curve and its point at her latest session, when there is one to meet:
    MIN_SESSIONS or more sessions and a shown curve (after its last index, its last point)."""
    if sessions < MIN_SESSIONS:
        return None
    curve = ors_curve(norms, totals)
    if curve is None or not curve.points:
        return None
    point = curve.at(sessions, curve.points[-1].index)
    return (curve, point) if point is not None else None


def on_track_rows(session: Session, scope: Any) -> list[tuple[Citizen, Curve, Point, int, float]]:
    """Every citizen in `scope` (a WHERE on Citizen) that can be assessed: the citizen, her
    curve, its point at her latest session, her sessions and latest total. Two queries plus
    the version: her courses, and the citizens."""
    norms = kept.get(session, ORS)
    ids = select(Citizen.id).where(scope)
    courses = _courses(_ors_rows(session, Scoring.citizen_id.in_(ids)))
    if not courses:
        return []
    citizens = {
        c.id: c for c in session.scalars(select(Citizen).where(Citizen.id.in_(list(courses))))
    }
    out = []
    for cid, (_first, n, scores) in courses.items():
        totals = [scores[k] for k in sorted(scores) if k <= MAX_SESSION]
        found = assess(norms, totals, n)
        if found is not None and cid in citizens:
            out.append((citizens[cid], found[0], found[1], n, scores[max(scores)]))
    return out


def off_track(session: Session, scope: Any) -> list[OffTrack]:
    """The citizens in `scope` whose latest ORS is below the 25th percentile of their band
    at that session, lowest against her band first."""
    rows = [
        OffTrack(c.id, c.display_name, curve.label, n, latest, point, curve.courses)
        for c, curve, point, n, latest in on_track_rows(session, scope)
        if round(latest, 1) < round(point.p25, 1)
    ]
    return sorted(rows, key=lambda r: (r.latest - r.point.p25, r.name))


def on_track_by_team(session: Session, scope: Any) -> dict[int, tuple[int, int]]:
    """Per team: (citizens assessed, of them on track: at or above their band's 25th
    percentile at their latest session)."""
    out: dict[int, tuple[int, int]] = {}
    for c, _curve, point, _n, latest in on_track_rows(session, scope):
        n, ok = out.get(c.team_id, (0, 0))
        out[c.team_id] = (n + 1, ok + (round(latest, 1) >= round(point.p25, 1)))
    return out


def on_track_cells(session: Session, scope: Scope, min_cell: int) -> dict[str, dict[str, Any]]:
    """The leader's statistics: per team name, the citizens assessed (`n`), of them on track
    (`on_track`) and the share, as the statistics' cells: fewer than `min_cell` hidden, and
    a second team hidden beside a lone hidden one (stats.services's one suppression rule).
    Within the statistics' scope (her teams, or the citizens myndighed referred); the theme
    filter does not apply (a course is the citizen's, not a goal's)."""
    if scope.referred_by is not None:
        where: Any = Citizen.caseworker_id == scope.referred_by
    elif scope.team_ids is not None:
        where = Citizen.team_id.in_(scope.team_ids)
    else:
        where = true()
    names = dict(session.execute(select(Team.id, Team.name)).tuples().all())
    cells: dict[str, dict[str, Any]] = {}
    for team_id, (n, ok) in on_track_by_team(session, where).items():
        cells[names[team_id]] = (
            {"n": n, "on_track": ok, "share": ok / n} if n >= min_cell else suppressed(n)
        )
    protect_siblings(cells.values())
    return {name: {k: v for k, v in c.items() if k != "_n"} for name, c in cells.items()}
