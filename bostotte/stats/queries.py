"""The statistics of domain.md ("Statistics: exact definitions") as SQL.

Every count, sum and mean is computed by the database, in the same statements on SQLite
and PostgreSQL: one CTE builds the units (a goal for FKO, a citizen for ORS, a citizen and
indicator for REM), a membership table puts each unit in its breakdown groups, and one
GROUP BY per measure does the counting. Python only divides and shapes the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    Float,
    Integer,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.selectable import CTE

from bostotte import instruments
from bostotte.auth.models import Team
from bostotte.citizens.models import Citizen, Plan
from bostotte.common.db import Session
from bostotte.goals.models import Goal
from bostotte.scoring.models import Scoring, ScoringItem
from bostotte.stats.sqldates import (
    add_days,
    add_months,
    days_between,
    greatest,
    year_quarter,
)

# Totals carry one decimal; differences of floats are compared with this tolerance.
EPS = 1e-6

DIMENSIONS = ("team", "theme", "method", "gender", "age", "legal_basis")
AGE_BANDS = (("under_18", 0, 17), ("18-29", 18, 29), ("30-49", 30, 49), ("50-64", 50, 64),
             ("65+", 65, 200))


@dataclass(frozen=True)
class Period:
    start: date
    end: date


@dataclass(frozen=True)
class Scope:
    """Whose numbers: the citizens of some teams (None: every team) and, with a theme, the
    goals of that theme (FKO) or the citizens who have such a goal (ORS, REM, documentation),
    exactly as the theme breakdown counts them."""

    team_ids: tuple[int, ...] | None = None
    theme: str | None = None


EVERYONE = Scope()

# A breakdown: None (everyone in one group "all"), one dimension (rows by column grp), or
# several of CROSSED (rows by their cross table).
Dimension = str | tuple[str, ...] | None

GRACE_DAYS = 14          # done no later than 14 days after due (domain.md)

# The dates the statements depend on, as bound parameters: each statement is built once per
# shape (measure, breakdown, scope) and run with a period's dates (building one costs more
# than PostgreSQL takes to run it on a small municipality's data).
P_START, P_END = bindparam("p_start", type_=Date), bindparam("p_end", type_=Date)
P_AFTER = bindparam("p_after", type_=Date)            # the day after P
P_YEAR = bindparam("p_year", type_=Integer)           # P.to's year (ages)
TODAY = bindparam("today", type_=Date)
# Only FKO statuses near P can meet one of its quarterly marks (a window opens at most 92
# days before its mark), and only REMs made at most 366 days before P fall due in it.
NEAR_FROM, NEAR_TO = bindparam("near_from", type_=Date), bindparam("near_to", type_=Date)
REM_FROM = bindparam("rem_from", type_=Date)


def _values(period: Period, today: date = date.max) -> dict[str, Any]:
    return {"p_start": period.start, "p_end": period.end,
            "p_after": period.end + timedelta(days=1), "p_year": period.end.year,
            "today": today, "near_from": period.start - timedelta(days=92),
            "near_to": period.end + timedelta(days=GRACE_DAYS),
            "rem_from": period.start - timedelta(days=366)}


def _fetch(session: Session, statement: Select[Any], period: Period,
           today: date = date.max) -> list[dict[str, Any]]:
    """Run a statement built once per shape with the period's dates, as plain rows."""
    return [dict(r._mapping) for r in session.execute(statement, _values(period, today))]


def _in_teams(scope: Scope, citizen_id: Any) -> list[ColumnElement[bool]]:
    if scope.team_ids is None:
        return []
    return [citizen_id.in_(select(Citizen.id).where(Citizen.team_id.in_(scope.team_ids)))]


def _in_scope(scope: Scope, citizen_id: Any) -> list[ColumnElement[bool]]:
    """Conditions on a citizen id column for a citizen measure (ORS, REM, documentation)."""
    conditions = _in_teams(scope, citizen_id)
    if scope.theme is not None:
        conditions.append(citizen_id.in_(select(Goal.citizen_id)
                                         .where(Goal.theme == scope.theme)))
    return conditions


def _age() -> ColumnElement[int]:
    """Age at P.to as domain.md defines it: P.to year − birth year."""
    return P_YEAR - Citizen.birth_year


def _age_band() -> ColumnElement[str]:
    age = _age()
    return case(*[(age.between(lo, hi), label) for label, lo, hi in AGE_BANDS],
                else_="65+")


def _method_flags() -> tuple[tuple[str, Any], ...]:
    c = Citizen
    return (("FKO", c.uses_fko), ("FIT", c.uses_fit), ("REM", c.uses_rem))


def _one_group(dimension: str) -> Any:
    """A citizen's one group in a dimension where she has exactly one (over citizens, and
    teams for "team")."""
    c = Citizen
    match dimension:
        case "team":
            return Team.name
        case "gender":
            return c.gender
        case "age":
            return _age_band()
        case "legal_basis":
            return c.legal_basis
        case "worker":
            # The contact person (documentation per worker; not a public dimension).
            return c.primary_worker_id
    raise ValueError(f"unknown dimension {dimension!r}")


def _citizen_groups(dimension: str | None) -> Select[Any]:
    """(citizen_id, grp): which breakdown group(s) each citizen belongs to."""
    c = Citizen
    match dimension:
        case None:
            return select(c.id.label("citizen_id"), literal("all").label("grp"))
        case "method":
            # A citizen may use several methods: she counts in each of their groups. The
            # citizens table stays a plain join (not a union of three scans), so the planner
            # can reach it by primary key from the units.
            flags = _method_flags()
            methods = union_all(*[select(literal(name).label("grp"))
                                  for name, _flag in flags]).subquery("methods")
            return (select(c.id.label("citizen_id"), methods.c.grp)
                    .join(methods, or_(*[and_(methods.c.grp == name, flag)
                                         for name, flag in flags])))
        case "theme":
            # Citizen measures by theme: the themes of the citizen's goals.
            return (select(Goal.citizen_id.label("citizen_id"), Goal.theme.label("grp"))
                    .distinct())
    groups = select(c.id.label("citizen_id"), _one_group(dimension).label("grp"))
    return groups.join(Team, Team.id == c.team_id) if dimension == "team" else groups


def _alias(model: Any) -> Any:
    """A Core alias of a model's table (columns under `.c`): much cheaper to build than an
    ORM alias, which the statistics would otherwise rebuild at every call."""
    return model.__table__.alias()


def _order(newest_first: bool, s: Any = Scoring) -> list[Any]:
    """Scorings (or an alias `s`) in time order; the id breaks ties on the same day."""
    if newest_first:
        return [s.scored_on.desc(), s.id.desc()]
    return [s.scored_on.asc(), s.id.asc()]


# The dimensions counted together as one cross table: those in which each citizen has one
# group (a column grp_<d> each), and the methods (a column grp_method_<name> each, 1 for a
# method she uses). Each group of each dimension is then a sum of the table's cells.
CROSSED = ("team", "gender", "age", "legal_basis", "method")


def _citizen_cells(dimensions: tuple[str, ...]) -> Select[Any]:
    """(citizen_id, then the columns of each dimension): each citizen's cell."""
    c = Citizen
    columns = [c.id.label("citizen_id")]
    for d in dimensions:
        if d == "method":
            columns += [case((flag, 1), else_=0).label(f"grp_method_{name}")
                        for name, flag in _method_flags()]
        else:
            columns.append(_one_group(d).label(f"grp_{d}"))
    cells = select(*columns)
    return cells.join(Team, Team.id == c.team_id) if "team" in dimensions else cells


def _grouped(units: Any, dimension: Dimension) -> tuple[Any, list[Any]]:
    """(FROM clause, group columns) putting each unit (which has citizen_id) in its groups:
    one dimension (column grp), or the cross table of several of CROSSED."""
    if dimension is None:
        return units, [literal("all").label("grp")]
    if isinstance(dimension, tuple):
        assert set(dimension) <= set(CROSSED), dimension
        cells = _citizen_cells(dimension).subquery("cells")
        return (units.join(cells, cells.c.citizen_id == units.c.citizen_id),
                [col for col in cells.c if col.name != "citizen_id"])
    groups = _citizen_groups(dimension).subquery()
    return units.join(groups, groups.c.citizen_id == units.c.citizen_id), [groups.c.grp]


# ---------------------------------------------------------------------------------- FKO

def fko_units(scope: Scope = EVERYONE, quarterly: bool = False) -> Any:
    """One row per goal counted in P, with baseline, target and outcome.

    quarterly: one row per goal and calendar quarter of P instead (column `bucket`,
    year * 10 + quarter), each quarter read as a period of its own.
    """
    s = Scoring
    quarter = [year_quarter(s.scored_on)] if quarterly else []

    # The outcome: the final inside P if there is one, else the latest status inside P.
    ranked = (
        select(s.goal_id, s.total, *(q.label("bucket") for q in quarter),
               func.row_number().over(
                   partition_by=[s.goal_id, *quarter],
                   order_by=[case((s.occasion == "final", 0), else_=1),
                             *_order(newest_first=True)]).label("rn"))
        .where(s.instrument == "FKO", s.occasion.in_(("status", "final")),
               s.scored_on.between(P_START, P_END))
        .subquery()
    )
    follow = (select(ranked).where(ranked.c.rn == 1)
              .cte("fko_follow").prefix_with("MATERIALIZED"))
    f = follow.c

    def latest(occasion: str) -> Any:
        """The goal's latest baseline (or target) total: one index seek per goal."""
        b = _alias(Scoring).c
        return (select(b.total).where(b.goal_id == Goal.id, b.instrument == "FKO",
                                      b.occasion == occasion)
                .order_by(*_order(True, b)).limit(1).scalar_subquery())

    # The scope applies to the goals, outside the window function: inside, SQLite turns
    # the team filter into a scan per row.
    in_scope = [Goal.theme == scope.theme] if scope.theme is not None else []
    in_scope += _in_teams(scope, Goal.citizen_id)
    # The seeks go in goal order (the window's output order; by quarter, the goals sorted
    # once), so they walk the index and the table in order where a hash of the goals would
    # jump about a table larger than the cache. Materialised: PostgreSQL would otherwise
    # repeat a seek for every use of its column.
    counted = (select(f.goal_id).distinct().order_by(f.goal_id)
               .cte("fko_counted").prefix_with("MATERIALIZED")) if quarterly else follow
    outcome = [] if quarterly else [f.total.label("outcome")]
    goals = (
        select(Goal.id.label("goal_id"), Goal.citizen_id, Goal.theme, *outcome,
               latest("baseline").label("baseline"), latest("target").label("target"))
        .select_from(counted).join(Goal, Goal.id == counted.c.goal_id)
        .where(*in_scope)
        .cte("fko_goals").prefix_with("MATERIALIZED")
    )
    g = goals.c
    if quarterly:
        # An outer join (the same rows: goals without a baseline go below): SQLite then
        # reads the quarters and looks each goal up in an index it builds; as an inner join
        # it chose to scan one CTE for every row of the other (70 s at 5,000 citizens).
        units = (select(g.goal_id, g.citizen_id, g.theme, g.baseline, g.target,
                        f.total.label("outcome"), f.bucket)
                 .select_from(follow).join(goals, g.goal_id == f.goal_id, isouter=True))
    else:
        units = select(goals)
    units = units.where(g.baseline.is_not(None))
    return units.subquery("fko_units")


def fko_counts(session: Session, period: Period, dimension: Dimension,
               scope: Scope = EVERYONE, quarterly: bool = False) -> list[dict[str, Any]]:
    """Rows (grp, theme, n, maintained_or_improved, improved, target_reached), and `bucket`
    (the quarter) when quarterly.

    theme is None on the rows that total all themes of a group (and quarter).
    """
    by_theme = _fetch(session, _fko_statement(dimension, scope, quarterly), period)
    # Each goal has one theme, so a group's total is the sum of its theme rows.
    totals: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in by_theme:
        keys = {k: v for k, v in row.items() if k.startswith("grp") or k == "bucket"}
        total = totals.setdefault(tuple(keys.values()), {
            **keys, "theme": None, "n": 0, "maintained_or_improved": 0, "improved": 0,
            "target_reached": 0})
        for key in ("n", "maintained_or_improved", "improved", "target_reached"):
            total[key] += row[key]
    return by_theme + list(totals.values())


@lru_cache(maxsize=256)
def _fko_statement(dimension: Dimension, scope: Scope, quarterly: bool) -> Select[Any]:
    units = fko_units(scope, quarterly)
    buckets = [units.c.bucket] if quarterly else []
    if dimension == "theme":
        joined, grp = units, [units.c.theme.label("grp")]
    else:
        joined, grp = _grouped(units, dimension)
    measures = [
        func.count().label("n"),
        func.sum(case((units.c.outcome <= units.c.baseline, 1), else_=0))
        .label("maintained_or_improved"),
        func.sum(case((units.c.outcome < units.c.baseline, 1), else_=0)).label("improved"),
        func.sum(case((and_(units.c.target.is_not(None), units.c.outcome <= units.c.target),
                       1), else_=0)).label("target_reached"),
    ]
    return (select(*grp, *buckets, units.c.theme, *measures)
            .select_from(joined).group_by(*grp, *buckets, units.c.theme))


# ---------------------------------------------------------------------------------- ORS

def _ors_cutoff() -> ColumnElement[float]:
    ors = instruments.get("ORS")
    age = _age()
    return case(*[(age <= high, value) for _low, high, value in ors.age_cutoffs],
                else_=ors.cutoffs["adult"])


def _citizen_pick(citizen_id: Any, instrument: str, newest_first: bool, selected: Any,
                  *where: Any) -> Any:
    """`selected(s)` of a citizen's first (or latest) scoring of an instrument: one
    index-only seek on (citizen_id, instrument, scored_on, id, total), correlated to
    `citizen_id`."""
    s = _alias(Scoring).c
    return (select(selected(s)).where(s.citizen_id == citizen_id, s.instrument == instrument,
                                      *(w(s) for w in where))
            .order_by(*_order(newest_first, s)).limit(1).scalar_subquery())


# A scoring's date and one value in one integer (day number * width + value), so that one
# seek reads both: totals carry one decimal (ORS at most 40.0), ids stay below 10^10, and
# day numbers count from year 1, so every date gives a positive number.
PACK_EPOCH = date.min
# column: (width, value packed from a scoring, value unpacked from the remainder)
PACKINGS = {"total": (10**4, lambda s: cast(func.round(s.total * 10), BigInteger),
                      lambda v: cast(v, Float) / literal(10.0, Float)),
            "id": (10**10, lambda s: s.id, lambda v: v)}


def _citizen_ends(instrument: str, scope: Scope, *extra: Any, column: str = "total") -> Any:
    """Per citizen in scope who counts for `instrument` in P (domain.md: her latest scoring
    in P is dated after her first up to P.to): `column` (total, or id) of that first
    (`first`) and of that latest (`latest`). Asking for the latest in P dated after the
    first finds the same scoring, or none when the citizen does not count.

    Two index-only seeks per citizen who has a scoring, one for the others: the first's
    date and value come packed in one (materialised: inlined, PostgreSQL would repeat a
    seek for every use of its column)."""
    width, value, unpack = PACKINGS[column]
    epoch = literal(PACK_EPOCH, Date)

    def packed(s: Any) -> Any:
        return cast(days_between(epoch, s.scored_on), BigInteger) * width + value(s)

    def up_to_end(s: Any) -> Any:
        return s.scored_on <= P_END

    def in_period(s: Any) -> Any:
        return s.scored_on.between(P_START, P_END)

    name = instrument.lower()
    firsts = (select(Citizen.id.label("citizen_id"),
                     _citizen_pick(Citizen.id, instrument, False, packed, up_to_end)
                     .label("first_packed"), *extra)
              .where(*_in_scope(scope, Citizen.id))
              .cte(f"{name}_firsts").prefix_with("MATERIALIZED"))
    f = firsts.c
    first_on = add_days(epoch, f.first_packed // width)
    first = unpack(f.first_packed % width)
    latest = _citizen_pick(f.citizen_id, instrument, True, lambda s: s[column], in_period,
                           lambda s: s.scored_on > first_on)
    ends = (select(f.citizen_id, *(f[e.name] for e in extra), first.label("first"),
                   latest.label("latest"))
            .where(f.first_packed.is_not(None))
            .cte(f"{name}_ends").prefix_with("MATERIALIZED"))
    return select(ends).where(ends.c.latest.is_not(None)).subquery(f"{name}_units")


def ors_counts(session: Session, period: Period, dimension: Dimension,
               scope: Scope = EVERYONE) -> list[dict[str, Any]]:
    """Rows per group: n, sums of first/latest/change, sum of first², the three counts."""
    return _fetch(session, _ors_statement(dimension, scope), period)


@lru_cache(maxsize=256)
def _ors_statement(dimension: Dimension, scope: Scope) -> Select[Any]:
    e = _citizen_ends("ORS", scope, _ors_cutoff().label("cutoff")).c
    reliable = instruments.get("ORS").reliable_change or 0
    units = (
        select(e.citizen_id, e.first, e.latest, (e.latest - e.first).label("change"),
               e.cutoff)
        .subquery("ors_units")
    )
    joined, grp = _grouped(units, dimension)
    u = units.c
    return (
        select(*grp, func.count().label("n"),
               func.sum(u.first).label("sum_first"), func.sum(u.latest).label("sum_latest"),
               func.sum(u.change).label("sum_change"),
               func.sum(cast(u.first, Float) * u.first).label("sum_first_sq"),
               func.sum(case((u.change >= reliable - EPS, 1), else_=0))
               .label("reliably_improved"),
               func.sum(case((u.change <= -reliable + EPS, 1), else_=0))
               .label("reliably_deteriorated"),
               func.sum(case((and_(u.first < u.cutoff, u.latest >= u.cutoff,
                                   u.change >= reliable - EPS), 1), else_=0))
               .label("clinically_significant"))
        .select_from(joined).group_by(*grp)
    )


# ---------------------------------------------------------------------------------- REM

def rem_counts(session: Session, period: Period, dimension: Dimension,
               scope: Scope = EVERYONE) -> list[dict[str, Any]]:
    """Rows per group and indicator: n, sums of first and latest, the three counts."""
    return _fetch(session, _rem_statement(dimension, scope), period)


@lru_cache(maxsize=256)
def _rem_statement(dimension: Dimension, scope: Scope) -> Select[Any]:
    # Every REM holds all nine indicators (the validator refuses a missing one), so each
    # indicator's first and latest are those of the citizen's first and latest REM.
    ends = _citizen_ends("REM", scope, column="id")
    e = ends.c
    items = union_all(*[select(literal(item).label("item"))
                        for item in instruments.get("REM").item_ids]).subquery("rem_items")

    def value(scoring_id: Any) -> Any:
        # By primary key, whatever the estimates: joined, PostgreSQL hashed every item of
        # every scoring when it guessed many citizens with a REM.
        si = _alias(ScoringItem).c
        return (select(si.value).where(si.scoring_id == scoring_id, si.item == items.c.item)
                .scalar_subquery())

    values = (select(e.citizen_id, items.c.item, value(e.first).label("first"),
                     value(e.latest).label("latest"))
              .select_from(ends).join(items, true())
              .cte("rem_values").prefix_with("MATERIALIZED"))
    units = (select(values).where(values.c.first.is_not(None), values.c.latest.is_not(None))
             .subquery("rem_units"))
    joined, grp = _grouped(units, dimension)
    u = units.c
    return (
        select(*grp, u.item, func.count().label("n"),
               func.sum(u.first).label("sum_first"), func.sum(u.latest).label("sum_latest"),
               func.sum(case((u.latest < u.first, 1), else_=0)).label("improved"),
               func.sum(case((u.latest == u.first, 1), else_=0)).label("unchanged"),
               func.sum(case((u.latest > u.first, 1), else_=0)).label("worsened"))
        .select_from(joined).group_by(*grp, u.item)
    )


# ------------------------------------------------------------------ documentation on time

def _lesser(a: Any, b: Any) -> Any:
    return case((a < b, a), else_=b)


def _mark_index(start: Any, day: Any, days: Any) -> Any:
    """The first quarterly mark of a plan begun on `start` that falls on or after `day`
    (`days` after start): the smallest k >= 1 with add_months(start, 3k) >= day, in integer
    arithmetic and one date addition. 3k months never differ from k * 91.3125 days by
    4 days or more (for dates from 1901 to 2199), so the estimate is k or k - 1, and one
    comparison settles which."""
    estimate = greatest(literal(1), ((days - 4) * 16 + 1460) // 1461)
    return estimate + case((add_months(start, estimate * 3) < day, 1), else_=0)


def _quarters(up_to: Any) -> CTE:
    """The numbers 1..up_to (a recursive CTE: the same on SQLite and PostgreSQL)."""
    k = select(literal(1).label("k")).cte("quarters", recursive=True)
    return k.union_all(select((k.c.k + 1).label("k")).where(k.c.k < up_to))


def _fko_status_due() -> list[Select[Any]]:
    """Per goal and quarterly mark in P: whether the FKO status was settled (done, or late by
    `today`: n) and done on time (on_time).

    Mark k of a plan is add_months(start, 3k), before the plan's end, for each goal open
    then. A status counts for the first mark whose deadline (14 days after it) it meets, so
    the windows (previous deadline, deadline] never overlap. The marks are computed per plan,
    then joined to the goals and to their statuses in one pass (each step's size is known to
    the planner, so PostgreSQL hashes where SQLite looks each goal up by index)."""
    s, c, g, p = Scoring, Citizen, Goal, Plan
    closes = _lesser(P_AFTER, p.end_date)

    def index(day: Any) -> Any:
        return _mark_index(p.start_date, day, days_between(p.start_date, day))

    plans = (select(p.id.label("plan_id"), p.start_date.label("start"),
                    index(P_START).label("first_k"),
                    (index(closes) - 1).label("last_k"))
             .where(p.start_date <= P_END, p.end_date >= P_START,
                    # A goal's citizen is its plan's: filtered here, before the marks.
                    p.citizen_id.in_(select(c.id).where(c.uses_fko)))
             .cte("plan_span").prefix_with("MATERIALIZED"))
    ps = plans.c
    k = _quarters(select(func.max(ps.last_k)).scalar_subquery())
    due = add_months(ps.start, k.c.k * 3)
    marks = (select(ps.plan_id, due.label("due"),
                    add_days(due, GRACE_DAYS).label("deadline"),
                    case((k.c.k == 1, ps.start),
                         else_=add_days(add_months(ps.start, (k.c.k - 1) * 3), GRACE_DAYS))
                    .label("previous"))
             .join(k, and_(k.c.k >= ps.first_k, k.c.k <= ps.last_k))
             # In plan order, so the goal marks come out a plan's goals at a time and each
             # goal's statuses, looked up mark by mark, stay in the cache: PostgreSQL
             # otherwise made the marks quarter by quarter and probed its hash of the
             # statuses all over (17 % slower at 50,000 citizens).
             .order_by(ps.plan_id, k.c.k)
             .cte("plan_marks").prefix_with("MATERIALIZED"))
    m = marks.c
    goal_marks = (
        select(g.id.label("goal_id"), g.citizen_id, m.previous, m.deadline,
               case((m.deadline < TODAY, 1), else_=0).label("late"))
        .select_from(marks).join(g, g.plan_id == m.plan_id)
        .where(g.created_on <= m.due, (g.closed_on.is_(None)) | (g.closed_on >= m.due))
        .cte("goal_marks").prefix_with("MATERIALIZED")
    )
    gm = goal_marks.c
    # Only statuses near P can meet one of its marks: a range PostgreSQL can hash at once,
    # where SQLite seeks per mark.
    done = select(s.id).where(
        s.goal_id == gm.goal_id, s.instrument == "FKO", s.occasion.in_(("status", "final")),
        s.scored_on > NEAR_FROM, s.scored_on <= NEAR_TO,
        s.scored_on > gm.previous, s.scored_on <= gm.deadline).exists()
    kind = literal("fko_status").label("kind")
    # A mark counts when done (on time) or late: the done ones, plus the late ones less
    # those late ones that were done, so each mark's EXISTS runs once (a semi-join).
    return [
        select(gm.citizen_id, kind, (1 - gm.late).label("n"), literal(1).label("on_time"))
        .where(done),
        select(gm.citizen_id, kind, literal(1).label("n"), literal(0).label("on_time"))
        .where(gm.late == 1),
    ]


def _due_scorings() -> CTE:
    """Every scoring due in P by the cadences (domain.md) that is settled by `today` (done,
    or more than 14 days past due): rows (citizen_id, kind, n, on_time). FKO status every 3
    months of a plan and the final status at plan end for each goal still open then; REM
    within 3 months of a §85 start (not pakke 1) and 12 months after each REM."""
    s, c, g, p = Scoring, Citizen, Goal, Plan

    def row(citizen_id: Any, kind: str, due: Any, done: Any) -> list[Any]:
        return [citizen_id.label("citizen_id"), literal(kind).label("kind"), due.label("due"),
                case((done, 1), else_=0).label("on_time")]

    final_done = select(s.id).where(
        s.goal_id == g.id, s.instrument == "FKO", s.occasion == "final",
        s.scored_on > p.start_date, s.scored_on <= add_days(p.end_date, GRACE_DAYS)).exists()
    fko_final = (
        select(*row(g.citizen_id, "fko_final", p.end_date, final_done))
        .select_from(g).join(p, p.id == g.plan_id).join(c, c.id == g.citizen_id)
        .where(c.uses_fko, p.end_date.between(P_START, P_END),
               g.created_on <= p.end_date,
               (g.closed_on.is_(None)) | (g.closed_on >= p.end_date))
    )
    rem_due = add_months(c.start_date, 3)
    rem_done = select(s.id).where(s.citizen_id == c.id, s.instrument == "REM",
                                  s.scored_on <= add_days(rem_due, GRACE_DAYS)).exists()
    rem_first = (
        select(*row(c.id, "rem_first", rem_due, rem_done))
        .where(c.uses_rem, ~c.pakke1, c.legal_basis == "§85",
               rem_due.between(P_START, P_END))
    )
    # Each REM whose follow-up may fall due in P and the date of the citizen's next REM (by
    # date, then id), looked up in her own index.
    later = _alias(Scoring).c
    next_on = (select(func.min(later.scored_on))
               .where(later.citizen_id == s.citizen_id, later.instrument == "REM",
                      or_(later.scored_on > s.scored_on,
                          and_(later.scored_on == s.scored_on, later.id > s.id)))
               .scalar_subquery())
    rem_series = (
        select(s.citizen_id, s.scored_on, next_on.label("next_on"))
        .where(s.instrument == "REM", s.scored_on >= REM_FROM)
        .cte("rem_series")
    )
    follow_due = add_months(rem_series.c.scored_on, 12)
    rem_follow = (
        select(*row(rem_series.c.citizen_id, "rem_follow_up", follow_due,
                    rem_series.c.next_on <= add_days(follow_due, GRACE_DAYS)))
        .join(c, c.id == rem_series.c.citizen_id)
        .where(c.uses_rem, ~c.pakke1, follow_due.between(P_START, P_END),
               (c.end_date.is_(None)) | (c.end_date >= follow_due))
    )
    # Materialised: each row's on_time (an EXISTS) is read twice below; computed once.
    others = (union_all(fko_final, rem_first, rem_follow)
              .cte("other_due").prefix_with("MATERIALIZED"))
    o = others.c
    settled = case((or_(o.on_time == 1, add_days(o.due, GRACE_DAYS) < TODAY), 1), else_=0)
    return union_all(*_fko_status_due(),
                     select(o.citizen_id, o.kind, settled.label("n"), o.on_time)
                     ).cte("due_scorings")


def documentation_counts(session: Session, period: Period, dimension: Dimension,
                         today: date, scope: Scope = EVERYONE, by_kind: bool = False
                         ) -> list[dict[str, Any]]:
    """Rows (grp, n, on_time): due scorings in P that are done, or late by `today`.

    by_kind: one row per group and kind of scoring (fko_status, fko_final, rem_first,
    rem_follow_up: the reminder rules' names), column `kind`.
    """
    return _fetch(session, _documentation_statement(dimension, scope, by_kind), period, today)


@lru_cache(maxsize=256)
def _documentation_statement(dimension: Dimension, scope: Scope, by_kind: bool
                             ) -> Select[Any]:
    due = _due_scorings()
    joined, grp = _grouped(due, dimension)
    kinds = [due.c.kind] if by_kind else []
    return (select(*grp, *kinds, func.sum(due.c.n).label("n"),
                   func.sum(due.c.on_time).label("on_time"))
            .select_from(joined).where(*_in_scope(scope, due.c.citizen_id))
            .group_by(*grp, *kinds).having(func.sum(due.c.n) > 0))
