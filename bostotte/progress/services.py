"""Expected progress read from the database: every earlier course in one query, kept per
data version; a citizen's curves (her own course left out); the citizens not on track.

The history is one aggregate over every citizen, so it is read once per *data version* and
kept in the process: the day and the number of citizens (a new day, an import, a new or a
deleted citizen reads it again). A scoring saved today joins the curves tomorrow: they are
months of other citizens' courses, and one more session changes them little, while reading
them costs seconds at 5,000 citizens. A citizen page asks one small query for the version
and reads the kept norms; her own course is left out as the kept norms hold it. The courses
come from one windowed SELECT (session index and first score by citizen, or baseline and
quarter by goal) and are sorted into bands in one pass.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select, true

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
        self,
        session: Session,
        instrument: str,
        today: date,
        version: tuple[Any, ...] | None = None,
    ) -> Norms:
        """The instrument's norms at `version` (asked now when not given)."""
        key = (str(session.get_bind().engine.url), instrument)
        version = version if version is not None else data_version(session, today)
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


def data_version(session: Session, today: date) -> tuple[Any, ...]:
    """The day and the number of citizens (one query, off the primary key)."""
    return (today, session.scalar(select(func.count()).select_from(Citizen)))


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
        (
            (cid, ors_band(first), scores)
            for cid, (first, _n, scores) in _courses(_ors_rows(session)).items()
        ),
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
        (
            (goal_id, fko_band(base), scores)
            for goal_id, (base, scores) in _fko_courses(_fko_rows(session)).items()
        ),
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


def ors_curve(norms: Norms, citizen_id: int, first: float | None) -> Curve | None:
    """Her band's curve (by her first ORS total), her own course left out."""
    return None if first is None else norms.curve(ors_band(first), leave_out=citizen_id)


def expected_for(
    session: Session, citizen: Citizen, scorings: Sequence[Scoring], today: date
) -> Expected:
    """Her curves from her scorings (as the page loaded them) and the kept history."""
    ors = sorted((s.scored_on, s.id, s.total) for s in scorings if s.instrument == ORS)
    goals = {s.goal_id for s in scorings if s.instrument == FKO and s.goal_id is not None}
    version = data_version(session, today) if ors or goals else None
    curve = (
        ors_curve(kept.get(session, ORS, today, version), citizen.id, ors[0][2]) if ors else None
    )
    fko: dict[int, Curve | None] = {}
    if goals:
        norms = kept.get(session, FKO, today, version)
        by_goal: dict[int, list[Scoring]] = {}
        for s in scorings:
            if s.instrument == FKO and s.goal_id is not None:
                by_goal.setdefault(s.goal_id, []).append(s)
        for goal_id, scores in by_goal.items():
            fko[goal_id] = fko_curve(norms, goal_id, scores)
    return Expected(curve, fko)


def fko_curve(norms: Norms, goal_id: int, scores: Sequence[Scoring]) -> Curve | None:
    """The curve of goals with her goal's baseline, her goal's own course left out."""
    bases = sorted((s.scored_on, s.total) for s in scores if s.occasion == "baseline")
    if not bases:
        return None
    return norms.curve(fko_band(bases[0][1]), leave_out=goal_id)


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


def assess(norms: Norms, citizen_id: int, first: float, sessions: int) -> Point | None:
    """Her band's point at her latest session (her course left out), when there is one to
    meet: MIN_SESSIONS or more sessions and a curve there (after the curve's last index, its
    last point: the counts only fall with the index, so the first point found going down)."""
    if sessions < MIN_SESSIONS:
        return None
    band = ors_band(first)
    for index in range(min(sessions, norms.last), 0, -1):
        point = norms.point(band, index, leave_out=citizen_id)
        if point is not None:
            return point
    return None


def on_track_rows(
    session: Session, scope: Any, today: date
) -> list[tuple[Citizen, str, Point, int, float]]:
    """Every citizen in `scope` (a WHERE on Citizen) whose support has not ended and who can
    be assessed: the citizen, her
    band's label, its point at her latest session, her sessions and latest total. Her
    courses in one query, the citizens in one more, and the version."""
    norms = kept.get(session, ORS, today)
    # today's citizens: one whose support has ended is history, not a caseload
    current = or_(Citizen.end_date.is_(None), Citizen.end_date >= today)
    ids = select(Citizen.id).where(scope, current)
    rows = session.execute(_ors_last(Scoring.citizen_id.in_(ids))).all()
    found = {}
    for cid, n, first, latest in rows:
        point = assess(norms, cid, first, n)
        if point is not None:
            found[cid] = (point, n, first, latest)
    # asked even when none is found: the page's number of queries stays the same
    citizens = session.scalars(select(Citizen).where(Citizen.id.in_(list(found))))
    out = []
    for c in citizens:
        point, n, first, latest = found[c.id]
        out.append((c, ORS_BAND_LABELS[ors_band(first)], point, n, latest))
    return out


def _ors_last(where: Any) -> Any:
    """Per citizen with MIN_SESSIONS ORS or more: (citizen, sessions, first, latest total)."""
    order = (Scoring.scored_on, Scoring.id)
    sub = (
        select(
            Scoring.citizen_id,
            func.row_number().over(partition_by=Scoring.citizen_id, order_by=order).label("k"),
            func.count().over(partition_by=Scoring.citizen_id).label("n"),
            func.first_value(Scoring.total)
            .over(partition_by=Scoring.citizen_id, order_by=order)
            .label("first"),
            Scoring.total,
        )
        .where(Scoring.instrument == ORS, where)
        .subquery()
    )
    return select(sub.c.citizen_id, sub.c.n, sub.c.first, sub.c.total).where(
        sub.c.n >= MIN_SESSIONS, sub.c.k == sub.c.n
    )


def off_track(session: Session, scope: Any, today: date) -> list[OffTrack]:
    """The citizens in `scope` whose latest ORS is below the 25th percentile of their band
    at that session, lowest against her band first."""
    rows = [
        OffTrack(c.id, c.display_name, label, n, latest, point)
        for c, label, point, n, latest in on_track_rows(session, scope, today)
        if round(latest, 1) < round(point.p25, 1)
    ]
    return sorted(rows, key=lambda r: (r.latest - r.point.p25, r.name))


def on_track_by_team(session: Session, scope: Any, today: date) -> dict[int, tuple[int, int]]:
    """Per team: (citizens assessed, of them on track: at or above their band's 25th
    percentile at their latest session)."""
    out: dict[int, tuple[int, int]] = {}
    for c, _label, point, _n, latest in on_track_rows(session, scope, today):
        n, ok = out.get(c.team_id, (0, 0))
        out[c.team_id] = (n + 1, ok + (round(latest, 1) >= round(point.p25, 1)))
    return out


def on_track_cells(
    session: Session, scope: Scope, min_cell: int, today: date
) -> dict[str, dict[str, Any]]:
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
    for team_id, (n, ok) in on_track_by_team(session, where, today).items():
        cells[names[team_id]] = (
            {"n": n, "on_track": ok, "share": ok / n} if n >= min_cell else suppressed(n)
        )
    protect_siblings(cells.values())
    return {name: {k: v for k, v in c.items() if k != "_n"} for name, c in cells.items()}
