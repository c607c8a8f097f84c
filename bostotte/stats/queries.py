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
    select,
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
from bostotte.stats.sqldates import add_days, add_months, days_between

# Totals carry one decimal; differences of floats are compared with this tolerance.
EPS = 1e-6

DIMENSIONS = ("team", "theme", "method", "gender", "age", "legal_basis")
AGE_BANDS = (("under_18", 0, 17), ("18-29", 18, 29), ("30-49", 30, 49), ("50-64", 50, 64),
             ("65+", 65, 200))


@dataclass(frozen=True)
class Period:
    start: date
    end: date


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
            # A citizen may use several methods: she counts in each of their groups.
            return union_all(*[
                select(c.id.label("citizen_id"), literal(name).label("grp")).where(flag)
                for name, flag in (("FKO", c.uses_fko), ("FIT", c.uses_fit),
                                   ("REM", c.uses_rem))
            ])  # type: ignore[return-value]
        case "theme":
            # Citizen measures by theme: the themes of the citizen's goals.
            return (select(Goal.citizen_id.label("citizen_id"), Goal.theme.label("grp"))
                    .distinct())
    raise ValueError(f"unknown dimension {dimension!r}")


def _order(newest_first: bool) -> list[Any]:
    """Scorings in time order; the id breaks ties between two on the same day."""
    if newest_first:
        return [Scoring.scored_on.desc(), Scoring.id.desc()]
    return [Scoring.scored_on.asc(), Scoring.id.asc()]


def _grouped(units: Any, dimension: str | None, period: Period) -> tuple[Any, Any]:
    """(FROM clause, group column) putting each unit (which has citizen_id) in its groups."""
    if dimension is None:
        return units, literal("all").label("grp")
    groups = _citizen_groups(dimension, period).subquery()
    return units.join(groups, groups.c.citizen_id == units.c.citizen_id), groups.c.grp


def _ranked(instrument: str, where: ColumnElement[bool], partition: list[Any],
            newest_first: bool, extra: list[Any] | None = None) -> Any:
    """The first (or latest) scoring of one instrument per partition."""
    ranked = (
        select(Scoring.citizen_id, Scoring.goal_id, Scoring.scored_on, Scoring.total,
               *(extra or []),
               func.row_number().over(partition_by=partition, order_by=_order(newest_first))
               .label("rn"))
        .where(Scoring.instrument == instrument, where)
        .subquery()
    )
    return select(ranked).where(ranked.c.rn == 1).subquery()


# ---------------------------------------------------------------------------------- FKO

def fko_units(period: Period) -> Any:
    """One row per goal counted in P, with baseline, target and outcome."""
    s = Scoring

    def latest_of(occasion: str) -> Any:
        # An index lookup per goal counted: (goal_id, occasion, scored_on).
        return (select(s.total).where(s.goal_id == Goal.id, s.instrument == "FKO",
                                      s.occasion == occasion)
                .order_by(*_order(newest_first=True)).limit(1).scalar_subquery())

    # The outcome: the final inside P if there is one, else the latest status inside P.
    ranked = (
        select(s.goal_id, s.total,
               func.row_number().over(
                   partition_by=s.goal_id,
                   order_by=[case((s.occasion == "final", 0), else_=1),
                             *_order(newest_first=True)]).label("rn"))
        .where(s.instrument == "FKO", s.occasion.in_(("status", "final")),
               s.scored_on.between(period.start, period.end))
        .subquery()
    )
    follow = select(ranked).where(ranked.c.rn == 1).subquery()
    goals = (
        select(Goal.id.label("goal_id"), Goal.citizen_id, Goal.theme,
               latest_of("baseline").label("baseline"), latest_of("target").label("target"),
               follow.c.total.label("outcome"))
        .join(follow, follow.c.goal_id == Goal.id)
        .subquery()
    )
    return select(goals).where(goals.c.baseline.is_not(None)).subquery("fko_units")


def fko_counts(session: Session, period: Period, dimension: str | None
               ) -> list[dict[str, Any]]:
    """Rows (grp, theme, n, maintained_or_improved, improved, target_reached).

    theme is None on the rows that total all themes of a group.
    """
    units = fko_units(period)
    if dimension == "theme":
        joined, grp = units, units.c.theme.label("grp")
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
    rows = session.execute(select(grp, units.c.theme, *measures).select_from(joined)
                           .group_by(grp, units.c.theme))
    by_theme = [dict(r._mapping) for r in rows]
    # Each goal has one theme, so a group's total is the sum of its theme rows.
    totals: dict[str, dict[str, Any]] = {}
    for row in by_theme:
        total = totals.setdefault(row["grp"], {"grp": row["grp"], "theme": None, "n": 0,
                                               "maintained_or_improved": 0, "improved": 0,
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


def ors_counts(session: Session, period: Period, dimension: str | None
               ) -> list[dict[str, Any]]:
    """Rows per group: n, sums of first/latest/change, sum of first², the three counts."""
    s = Scoring
    first = _ranked("ORS", s.scored_on <= period.end, [s.citizen_id], newest_first=False)
    latest = _ranked("ORS", s.scored_on.between(period.start, period.end), [s.citizen_id],
                     newest_first=True)
    reliable = instruments.get("ORS").reliable_change or 0
    units = (
        select(first.c.citizen_id, first.c.total.label("first"),
               latest.c.total.label("latest"),
               (latest.c.total - first.c.total).label("change"),
               _ors_cutoff(period).label("cutoff"))
        .join(latest, latest.c.citizen_id == first.c.citizen_id)
        .join(Citizen, Citizen.id == first.c.citizen_id)
        .where(latest.c.scored_on > first.c.scored_on)
        .subquery("ors_units")
    )
    joined, grp = _grouped(units, dimension, period)
    u = units.c
    rows = session.execute(
        select(grp, func.count().label("n"),
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
        .select_from(joined).group_by(grp)
    )
    return [dict(r._mapping) for r in rows]


# ---------------------------------------------------------------------------------- REM

def rem_counts(session: Session, period: Period, dimension: str | None
               ) -> list[dict[str, Any]]:
    """Rows per group and indicator: n, sums of first and latest, the three counts."""
    s, i = Scoring, ScoringItem
    part = [s.citizen_id, i.item]

    def ranked(where: ColumnElement[bool], newest_first: bool) -> Any:
        all_ranks = (select(s.citizen_id, i.item, i.value, s.scored_on,
                            func.row_number().over(partition_by=part,
                                                   order_by=_order(newest_first)).label("rn"))
                     .join(i, i.scoring_id == s.id)
                     .where(s.instrument == "REM", where).subquery())
        return select(all_ranks).where(all_ranks.c.rn == 1).subquery()

    first = ranked(s.scored_on <= period.end, newest_first=False)
    latest = ranked(s.scored_on.between(period.start, period.end), newest_first=True)
    units = (
        select(first.c.citizen_id, first.c.item, first.c.value.label("first"),
               latest.c.value.label("latest"))
        .join(latest, and_(latest.c.citizen_id == first.c.citizen_id,
                           latest.c.item == first.c.item))
        .where(latest.c.scored_on > first.c.scored_on)
        .subquery("rem_units")
    )
    joined, grp = _grouped(units, dimension, period)
    u = units.c
    rows = session.execute(
        select(grp, u.item, func.count().label("n"),
               func.sum(u.first).label("sum_first"), func.sum(u.latest).label("sum_latest"),
               func.sum(case((u.latest < u.first, 1), else_=0)).label("improved"),
               func.sum(case((u.latest == u.first, 1), else_=0)).label("unchanged"),
               func.sum(case((u.latest > u.first, 1), else_=0)).label("worsened"))
        .select_from(joined).group_by(grp, u.item)
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
    mark = add_months(p.start_date, k.c.k * 3)
    # Each status counts for one quarter: the one in whose window, shifted by the grace
    # days, it falls (a status 9 days after its due date is not also next quarter's).
    previous = case((k.c.k == 1, p.start_date),
                    else_=add_days(add_months(p.start_date, (k.c.k - 1) * 3), GRACE_DAYS))

    def done(goal_id: Any, occasions: tuple[str, ...], after: Any, due: Any) -> Any:
        return select(s.id).where(s.goal_id == goal_id, s.instrument == "FKO",
                                  s.occasion.in_(occasions), s.scored_on > after,
                                  s.scored_on <= add_days(due, GRACE_DAYS)).exists()

    fko_status = (
        select(g.citizen_id, mark.label("due"),
               case((done(g.id, ("status", "final"), previous, mark), 1), else_=0)
               .label("on_time"))
        .select_from(g).join(p, p.id == g.plan_id).join(c, c.id == g.citizen_id)
        .join(k, literal(True))
        .where(c.uses_fko, p.start_date <= period.end, p.end_date >= period.start,
               # Cheap bounds first (3 months are 89 to 92 days), so the exact month
               # arithmetic runs only for quarters near P and inside the plan.
               k.c.k * 89 <= days_between(p.start_date, p.end_date),
               k.c.k * 92 >= days_between(p.start_date, literal(period.start)),
               k.c.k * 89 <= days_between(p.start_date, literal(period.end)),
               mark < p.end_date, mark.between(period.start, period.end),
               g.created_on <= mark, (g.closed_on.is_(None)) | (g.closed_on >= mark))
    )
    fko_final = (
        select(g.citizen_id, p.end_date.label("due"),
               case((done(g.id, ("final",), p.start_date, p.end_date), 1), else_=0)
               .label("on_time"))
        .select_from(g).join(p, p.id == g.plan_id).join(c, c.id == g.citizen_id)
        .where(c.uses_fko, p.end_date.between(period.start, period.end),
               g.created_on <= p.end_date,
               (g.closed_on.is_(None)) | (g.closed_on >= p.end_date))
    )
    rem_due = add_months(c.start_date, 3)
    rem_first = (
        select(c.id.label("citizen_id"), rem_due.label("due"),
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
        select(rem_series.c.citizen_id, follow_due.label("due"),
               case((rem_series.c.next_on <= add_days(follow_due, GRACE_DAYS), 1), else_=0)
               .label("on_time"))
        .join(c, c.id == rem_series.c.citizen_id)
        .where(c.uses_rem, ~c.pakke1, follow_due.between(period.start, period.end),
               (c.end_date.is_(None)) | (c.end_date >= follow_due))
    )
    return union_all(fko_status, fko_final, rem_first, rem_follow).cte("due_scorings")


def documentation_counts(session: Session, period: Period, dimension: str | None,
                         today: date) -> list[dict[str, Any]]:
    """Rows (grp, n, on_time): due scorings in P that are done, or late by `today`."""
    due = _due_scorings(period)
    joined, grp = _grouped(due, dimension, period)
    settled = (due.c.on_time == 1) | (add_days(due.c.due, GRACE_DAYS) < today)
    rows = session.execute(
        select(grp, func.count().label("n"), func.sum(due.c.on_time).label("on_time"))
        .select_from(joined).where(settled).group_by(grp)
    )
    return [dict(r._mapping) for r in rows]
