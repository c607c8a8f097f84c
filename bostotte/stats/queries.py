"""The statistics of domain.md ("Statistics: exact definitions") as SQL.

Every count, sum and mean is computed by the database, in the same statements on SQLite
and PostgreSQL: one CTE builds the units (a goal for FKO, a citizen for ORS, a citizen and
indicator for REM), a membership table puts each unit in its breakdown groups, and one
GROUP BY per measure does the counting. Python only divides and shapes the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Float,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.selectable import CTE

from bostotte import instruments
from bostotte.auth.models import Team
from bostotte.citizens.models import Citizen, Plan
from bostotte.common.db import Session
from bostotte.goals.models import Goal
from bostotte.scoring.models import Scoring, ScoringItem
from bostotte.stats.sqldates import add_days, add_months, days_between, year_quarter

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


def _age(period: Period) -> ColumnElement[int]:
    """Age at P.to as domain.md defines it: P.to year − birth year."""
    return literal(period.end.year) - Citizen.birth_year


def _age_band(period: Period) -> ColumnElement[str]:
    age = _age(period)
    return case(*[(age.between(lo, hi), label) for label, lo, hi in AGE_BANDS],
                else_="65+")


def _citizen_groups(dimension: str | None, period: Period) -> Select[Any]:
    """(citizen_id, grp): which breakdown group(s) each citizen belongs to."""
    c = Citizen
    match dimension:
        case None:
            return select(c.id.label("citizen_id"), literal("all").label("grp"))
        case "team":
            return (select(c.id.label("citizen_id"), Team.name.label("grp"))
                    .join(Team, Team.id == c.team_id))
        case "gender":
            return select(c.id.label("citizen_id"), c.gender.label("grp"))
        case "age":
            return select(c.id.label("citizen_id"), _age_band(period).label("grp"))
        case "legal_basis":
            return select(c.id.label("citizen_id"), c.legal_basis.label("grp"))
        case "method":
            # A citizen may use several methods: she counts in each of their groups. The
            # citizens table stays a plain join (not a union of three scans), so the planner
            # can reach it by primary key from the units.
            flags = (("FKO", c.uses_fko), ("FIT", c.uses_fit), ("REM", c.uses_rem))
            methods = union_all(*[select(literal(name).label("grp"))
                                  for name, _flag in flags]).subquery("methods")
            return (select(c.id.label("citizen_id"), methods.c.grp)
                    .join(methods, or_(*[and_(methods.c.grp == name, flag)
                                         for name, flag in flags])))
        case "theme":
            # Citizen measures by theme: the themes of the citizen's goals.
            return (select(Goal.citizen_id.label("citizen_id"), Goal.theme.label("grp"))
                    .distinct())
        case "worker":
            # The contact person (documentation per worker; not a public dimension).
            return select(c.id.label("citizen_id"), c.primary_worker_id.label("grp"))
    raise ValueError(f"unknown dimension {dimension!r}")


def _order(newest_first: bool, s: Any = Scoring) -> list[Any]:
    """Scorings (or an alias `s`) in time order; the id breaks ties on the same day."""
    if newest_first:
        return [s.scored_on.desc(), s.id.desc()]
    return [s.scored_on.asc(), s.id.asc()]


def _grouped(units: Any, dimension: str | None, period: Period) -> tuple[Any, list[Any]]:
    """(FROM clause, group columns) putting each unit (which has citizen_id) in its groups."""
    if dimension is None:
        return units, [literal("all").label("grp")]
    groups = _citizen_groups(dimension, period).subquery()
    return units.join(groups, groups.c.citizen_id == units.c.citizen_id), [groups.c.grp]


# ---------------------------------------------------------------------------------- FKO

def fko_units(period: Period, scope: Scope = EVERYONE, quarterly: bool = False) -> Any:
    """One row per goal counted in P, with baseline, target and outcome.

    quarterly: one row per goal and calendar quarter of P instead (column `bucket`,
    year * 10 + quarter), each quarter read as a period of its own.
    """
    s = Scoring
    quarter = [year_quarter(s.scored_on)] if quarterly else []

    # Each goal's latest baseline and target, in one pass over those scorings (correlated
    # lookups get repeated by PostgreSQL for every use of the column and every quarter).
    bt_ranked = (
        select(s.goal_id, s.occasion, s.total,
               func.row_number().over(partition_by=[s.goal_id, s.occasion],
                                      order_by=_order(newest_first=True)).label("rn"))
        .where(s.instrument == "FKO", s.occasion.in_(("baseline", "target")))
        .subquery()
    )
    r = bt_ranked.c
    latest_bt = (
        select(r.goal_id,
               func.max(case((r.occasion == "baseline", r.total))).label("baseline"),
               func.max(case((r.occasion == "target", r.total))).label("target"))
        .where(r.rn == 1).group_by(r.goal_id)
        .subquery()
    )

    # The outcome: the final inside P if there is one, else the latest status inside P.
    ranked = (
        select(s.goal_id, s.total, *(q.label("bucket") for q in quarter),
               func.row_number().over(
                   partition_by=[s.goal_id, *quarter],
                   order_by=[case((s.occasion == "final", 0), else_=1),
                             *_order(newest_first=True)]).label("rn"))
        .where(s.instrument == "FKO", s.occasion.in_(("status", "final")),
               s.scored_on.between(period.start, period.end))
        .subquery()
    )
    follow = select(ranked).where(ranked.c.rn == 1).subquery()
    # The scope applies to the goals, outside the window functions: inside, SQLite turns
    # the team filter into a scan per row.
    in_scope = [Goal.theme == scope.theme] if scope.theme is not None else []
    in_scope += _in_teams(scope, Goal.citizen_id)
    goals = (
        select(Goal.id.label("goal_id"), Goal.citizen_id, Goal.theme, latest_bt.c.baseline,
               latest_bt.c.target, follow.c.total.label("outcome"),
               *([follow.c.bucket] if quarterly else []))
        .join(follow, follow.c.goal_id == Goal.id)
        .join(latest_bt, latest_bt.c.goal_id == Goal.id)
        .where(*in_scope)
        .subquery()
    )
    return select(goals).where(goals.c.baseline.is_not(None)).subquery("fko_units")


def fko_counts(session: Session, period: Period, dimension: str | None,
               scope: Scope = EVERYONE, quarterly: bool = False) -> list[dict[str, Any]]:
    """Rows (grp, theme, n, maintained_or_improved, improved, target_reached), and `bucket`
    (the quarter) when quarterly.

    theme is None on the rows that total all themes of a group (and quarter).
    """
    units = fko_units(period, scope, quarterly)
    buckets = [units.c.bucket] if quarterly else []
    if dimension == "theme":
        joined, grp = units, [units.c.theme.label("grp")]
    else:
        joined, grp = _grouped(units, dimension, period)
    measures = [
        func.count().label("n"),
        func.sum(case((units.c.outcome <= units.c.baseline, 1), else_=0))
        .label("maintained_or_improved"),
        func.sum(case((units.c.outcome < units.c.baseline, 1), else_=0)).label("improved"),
        func.sum(case((and_(units.c.target.is_not(None), units.c.outcome <= units.c.target),
                       1), else_=0)).label("target_reached"),
    ]
    rows = session.execute(select(*grp, *buckets, units.c.theme, *measures)
                           .select_from(joined).group_by(*grp, *buckets, units.c.theme))
    by_theme = [dict(r._mapping) for r in rows]
    # Each goal has one theme, so a group's total is the sum of its theme rows.
    totals: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in by_theme:
        keys = {k: row[k] for k in ("grp", "bucket") if k in row}
        total = totals.setdefault(tuple(keys.values()), {
            **keys, "theme": None, "n": 0, "maintained_or_improved": 0, "improved": 0,
            "target_reached": 0})
        for key in ("n", "maintained_or_improved", "improved", "target_reached"):
            total[key] += row[key]
    return by_theme + list(totals.values())


# ---------------------------------------------------------------------------------- ORS

def _ors_cutoff(period: Period) -> ColumnElement[float]:
    ors = instruments.get("ORS")
    age = _age(period)
    return case(*[(age <= high, value) for _low, high, value in ors.age_cutoffs],
                else_=ors.cutoffs["adult"])


def _citizen_pick(column: str, instrument: str, newest_first: bool, *where: Any) -> Any:
    """A column of a citizen's first (or latest) scoring of an instrument: one index seek per
    citizen on (citizen_id, instrument, scored_on), correlated to the outer Citizen."""
    s = aliased(Scoring)
    return (select(getattr(s, column)).where(s.citizen_id == Citizen.id,
                                             s.instrument == instrument,
                                             *(w(s) for w in where))
            .order_by(*_order(newest_first, s)).limit(1).scalar_subquery())


def _citizen_ends(instrument: str, column: str, period: Period, scope: Scope,
                  *extra: Any) -> CTE:
    """Per citizen in scope: `column` and the date of her first scoring of `instrument` up
    to P.to (first, first_on) and of her latest in P (latest, latest_on), by index seeks.
    Materialised, so each seek runs once however often its column is used afterwards."""
    def up_to_end(s: Any) -> Any:
        return s.scored_on <= period.end

    def in_period(s: Any) -> Any:
        return s.scored_on.between(period.start, period.end)

    def pick(col: str, newest_first: bool) -> Any:
        return _citizen_pick(col, instrument, newest_first,
                             in_period if newest_first else up_to_end)

    return (select(Citizen.id.label("citizen_id"), pick(column, False).label("first"),
                   pick("scored_on", False).label("first_on"),
                   pick(column, True).label("latest"),
                   pick("scored_on", True).label("latest_on"), *extra)
            .where(*_in_scope(scope, Citizen.id))
            .cte(f"{instrument.lower()}_ends").prefix_with("MATERIALIZED"))


def ors_counts(session: Session, period: Period, dimension: str | None,
               scope: Scope = EVERYONE) -> list[dict[str, Any]]:
    """Rows per group: n, sums of first/latest/change, sum of first², the three counts."""
    ends = _citizen_ends("ORS", "total", period, scope, _ors_cutoff(period).label("cutoff"))
    e = ends.c
    reliable = instruments.get("ORS").reliable_change or 0
    units = (
        select(e.citizen_id, e.first, e.latest, (e.latest - e.first).label("change"), e.cutoff)
        .where(e.latest_on > e.first_on)
        .subquery("ors_units")
    )
    joined, grp = _grouped(units, dimension, period)
    u = units.c
    rows = session.execute(
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
    return [dict(r._mapping) for r in rows]


# ---------------------------------------------------------------------------------- REM

def rem_counts(session: Session, period: Period, dimension: str | None,
               scope: Scope = EVERYONE) -> list[dict[str, Any]]:
    """Rows per group and indicator: n, sums of first and latest, the three counts."""
    # Every REM holds all nine indicators (the validator refuses a missing one), so each
    # indicator's first and latest are those of the citizen's first and latest REM.
    ends = _citizen_ends("REM", "id", period, scope)
    e = ends.c
    first_item, latest_item = aliased(ScoringItem), aliased(ScoringItem)
    units = (
        select(e.citizen_id, first_item.item, first_item.value.label("first"),
               latest_item.value.label("latest"))
        .join(first_item, first_item.scoring_id == e.first)
        .join(latest_item, and_(latest_item.scoring_id == e.latest,
                                latest_item.item == first_item.item))
        .where(e.latest_on > e.first_on)
        .subquery("rem_units")
    )
    joined, grp = _grouped(units, dimension, period)
    u = units.c
    rows = session.execute(
        select(*grp, u.item, func.count().label("n"),
               func.sum(u.first).label("sum_first"), func.sum(u.latest).label("sum_latest"),
               func.sum(case((u.latest < u.first, 1), else_=0)).label("improved"),
               func.sum(case((u.latest == u.first, 1), else_=0)).label("unchanged"),
               func.sum(case((u.latest > u.first, 1), else_=0)).label("worsened"))
        .select_from(joined).group_by(*grp, u.item)
    )
    return [dict(r._mapping) for r in rows]


# ------------------------------------------------------------------ documentation on time

GRACE_DAYS = 14          # done no later than 14 days after due (domain.md)
MAX_QUARTERS = 40        # ten years of quarterly FKO statuses per plan


def _quarters() -> CTE:
    """The numbers 1..MAX_QUARTERS (a recursive CTE: the same on SQLite and PostgreSQL)."""
    k = select(literal(1).label("k")).cte("quarters", recursive=True)
    return k.union_all(select((k.c.k + 1).label("k")).where(k.c.k < MAX_QUARTERS))


def _due_scorings(period: Period) -> CTE:
    """Every scoring due in P by the cadences (domain.md), with whether it was done by
    14 days after its due date: FKO status every 3 months of a plan and the final status at
    plan end for each goal still open then; REM within 3 months of a §85 start (not pakke 1)
    and 12 months after each REM."""
    s, c, g, p = Scoring, Citizen, Goal, Plan
    k = _quarters()
    # The quarterly marks of the plans overlapping P, computed once per plan (not per
    # goal): quarters are first picked by integer day offsets (3 months are 89 to 92 days),
    # so the exact month arithmetic runs only for the few near P.
    offsets = (select(p.id.label("plan_id"), p.start_date, p.end_date,
                      days_between(p.start_date, p.end_date).label("d_plan"),
                      days_between(p.start_date, literal(period.start)).label("d_from"),
                      days_between(p.start_date, literal(period.end)).label("d_to"))
               .where(p.start_date <= period.end, p.end_date >= period.start)
               .cte("plan_offsets").prefix_with("MATERIALIZED"))
    o = offsets.c
    near = (select(o.plan_id, o.start_date, o.end_date, k.c.k)
            .join(k, and_(k.c.k * 89 <= o.d_plan, k.c.k * 92 >= o.d_from,
                          k.c.k * 89 <= o.d_to))
            .subquery())
    mark_of = add_months(near.c.start_date, near.c.k * 3)
    # Each status counts for one quarter: the one in whose window, shifted by the grace
    # days, it falls (a status 9 days after its due date is not also next quarter's).
    marks = (select(near.c.plan_id, mark_of.label("due"),
                    case((near.c.k == 1, near.c.start_date),
                         else_=add_days(add_months(near.c.start_date, (near.c.k - 1) * 3),
                                        GRACE_DAYS)).label("previous"),
                    add_days(mark_of, GRACE_DAYS).label("deadline"))
             .where(mark_of < near.c.end_date, mark_of.between(period.start, period.end))
             .cte("plan_marks").prefix_with("MATERIALIZED"))
    m = marks.c

    def done(goal_id: Any, occasions: tuple[str, ...], after: Any, deadline: Any) -> Any:
        return select(s.id).where(s.goal_id == goal_id, s.instrument == "FKO",
                                  s.occasion.in_(occasions), s.scored_on > after,
                                  s.scored_on <= deadline).exists()

    fko_status = (
        select(g.citizen_id, literal("fko_status").label("kind"), m.due,
               case((done(g.id, ("status", "final"), m.previous, m.deadline), 1), else_=0)
               .label("on_time"))
        .select_from(marks).join(g, g.plan_id == m.plan_id).join(c, c.id == g.citizen_id)
        .where(c.uses_fko, g.created_on <= m.due,
               (g.closed_on.is_(None)) | (g.closed_on >= m.due))
    )
    fko_final = (
        select(g.citizen_id, literal("fko_final").label("kind"), p.end_date.label("due"),
               case((done(g.id, ("final",), p.start_date, add_days(p.end_date, GRACE_DAYS)), 1),
                    else_=0)
               .label("on_time"))
        .select_from(g).join(p, p.id == g.plan_id).join(c, c.id == g.citizen_id)
        .where(c.uses_fko, p.end_date.between(period.start, period.end),
               g.created_on <= p.end_date,
               (g.closed_on.is_(None)) | (g.closed_on >= p.end_date))
    )
    rem_due = add_months(c.start_date, 3)
    rem_first = (
        select(c.id.label("citizen_id"), literal("rem_first").label("kind"),
               rem_due.label("due"),
               case((select(s.id).where(s.citizen_id == c.id, s.instrument == "REM",
                                        s.scored_on <= add_days(rem_due, GRACE_DAYS))
                     .exists(), 1), else_=0).label("on_time"))
        .where(c.uses_rem, ~c.pakke1, c.legal_basis == "§85",
               rem_due.between(period.start, period.end))
    )
    rem_series = (
        select(s.citizen_id, s.scored_on,
               func.lead(s.scored_on).over(partition_by=s.citizen_id,
                                           order_by=_order(newest_first=False))
               .label("next_on"))
        .where(s.instrument == "REM").cte("rem_series")
    )
    follow_due = add_months(rem_series.c.scored_on, 12)
    rem_follow = (
        select(rem_series.c.citizen_id, literal("rem_follow_up").label("kind"),
               follow_due.label("due"),
               case((rem_series.c.next_on <= add_days(follow_due, GRACE_DAYS), 1), else_=0)
               .label("on_time"))
        .join(c, c.id == rem_series.c.citizen_id)
        .where(c.uses_rem, ~c.pakke1, follow_due.between(period.start, period.end),
               (c.end_date.is_(None)) | (c.end_date >= follow_due))
    )
    # Materialised: each row's on_time (an EXISTS) is read twice below; computed once.
    return (union_all(fko_status, fko_final, rem_first, rem_follow)
            .cte("due_scorings").prefix_with("MATERIALIZED"))


def documentation_counts(session: Session, period: Period, dimension: str | None,
                         today: date, scope: Scope = EVERYONE, by_kind: bool = False
                         ) -> list[dict[str, Any]]:
    """Rows (grp, n, on_time): due scorings in P that are done, or late by `today`.

    by_kind: one row per group and kind of scoring (fko_status, fko_final, rem_first,
    rem_follow_up: the reminder rules' names), column `kind`.
    """
    due = _due_scorings(period)
    joined, grp = _grouped(due, dimension, period)
    kinds = [due.c.kind] if by_kind else []
    settled = (due.c.on_time == 1) | (add_days(due.c.due, GRACE_DAYS) < today)
    rows = session.execute(
        select(*grp, *kinds, func.count().label("n"), func.sum(due.c.on_time).label("on_time"))
        .select_from(joined).where(settled, *_in_scope(scope, due.c.citizen_id))
        .group_by(*grp, *kinds)
    )
    return [dict(r._mapping) for r in rows]
