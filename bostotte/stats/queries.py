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
from bostotte.citizens.models import Citizen
from bostotte.common.db import Session
from bostotte.goals.models import Goal
from bostotte.scoring.models import Scoring, ScoringItem

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


def _ranked(instrument: str, where: ColumnElement[bool], partition: list[Any],
            newest_first: bool, extra: list[Any] | None = None) -> CTE:
    """Scorings of one instrument with their rank per partition (1 = first or latest)."""
    order = _order(newest_first)
    return (
        select(Scoring.citizen_id, Scoring.goal_id, Scoring.scored_on, Scoring.total,
               *(extra or []),
               func.row_number().over(partition_by=partition, order_by=order).label("rn"))
        .where(Scoring.instrument == instrument, where)
        .cte()
    )


# ---------------------------------------------------------------------------------- FKO

def fko_units(period: Period) -> CTE:
    """One row per goal counted in P, with baseline, target and outcome."""
    s = Scoring
    baseline = _ranked("FKO", s.occasion == "baseline", [s.goal_id], newest_first=True)
    target = _ranked("FKO", s.occasion == "target", [s.goal_id], newest_first=True)
    # The outcome: the final inside P if there is one, else the latest status inside P.
    follow = (
        select(s.goal_id, s.total,
               func.row_number().over(
                   partition_by=s.goal_id,
                   order_by=[case((s.occasion == "final", 0), else_=1),
                             *_order(newest_first=True)]).label("rn"))
        .where(s.instrument == "FKO", s.occasion.in_(("status", "final")),
               s.scored_on.between(period.start, period.end))
        .cte()
    )
    return (
        select(Goal.id.label("goal_id"), Goal.citizen_id, Goal.theme,
               baseline.c.total.label("baseline"), target.c.total.label("target"),
               follow.c.total.label("outcome"))
        .join(baseline, and_(baseline.c.goal_id == Goal.id, baseline.c.rn == 1))
        .join(follow, and_(follow.c.goal_id == Goal.id, follow.c.rn == 1))
        .outerjoin(target, and_(target.c.goal_id == Goal.id, target.c.rn == 1))
        .cte("fko_units")
    )


def fko_counts(session: Session, period: Period, dimension: str | None
               ) -> list[dict[str, Any]]:
    """Rows (grp, theme, n, maintained_or_improved, improved, target_reached).

    theme is None on the rows that total all themes of a group.
    """
    units = fko_units(period)
    if dimension == "theme":
        groups = select(units.c.goal_id.label("unit"), units.c.theme.label("grp")).cte()
    else:
        citizen_groups = _citizen_groups(dimension, period).cte()
        groups = (select(units.c.goal_id.label("unit"), citizen_groups.c.grp)
                  .join(citizen_groups, citizen_groups.c.citizen_id == units.c.citizen_id)
                  .cte())
    measures = [
        func.count().label("n"),
        func.sum(case((units.c.outcome <= units.c.baseline, 1), else_=0))
        .label("maintained_or_improved"),
        func.sum(case((units.c.outcome < units.c.baseline, 1), else_=0)).label("improved"),
        func.sum(case((and_(units.c.target.is_not(None), units.c.outcome <= units.c.target),
                       1), else_=0)).label("target_reached"),
    ]
    joined = units.join(groups, groups.c.unit == units.c.goal_id)
    by_theme = (select(groups.c.grp, units.c.theme, *measures).select_from(joined)
                .group_by(groups.c.grp, units.c.theme))
    totals = (select(groups.c.grp, literal(None).label("theme"), *measures)
              .select_from(joined).group_by(groups.c.grp))
    return [dict(r._mapping) for r in session.execute(union_all(by_theme, totals))]


# ---------------------------------------------------------------------------------- ORS

def _ors_cutoff(period: Period) -> ColumnElement[float]:
    cut = instruments.get("ORS").cutoffs
    age = _age(period)
    return case((age < 13, cut["age_6_12"]), (age < 18, cut["age_13_17"]),
                else_=cut["adult"])


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
        .join(latest, and_(latest.c.citizen_id == first.c.citizen_id, latest.c.rn == 1))
        .join(Citizen, Citizen.id == first.c.citizen_id)
        .where(first.c.rn == 1, latest.c.scored_on > first.c.scored_on)
        .cte("ors_units")
    )
    groups = _citizen_groups(dimension, period).cte()
    u = units.c
    rows = session.execute(
        select(groups.c.grp, func.count().label("n"),
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
        .select_from(units.join(groups, groups.c.citizen_id == u.citizen_id))
        .group_by(groups.c.grp)
    )
    return [dict(r._mapping) for r in rows]


# ---------------------------------------------------------------------------------- REM

def rem_counts(session: Session, period: Period, dimension: str | None
               ) -> list[dict[str, Any]]:
    """Rows per group and indicator: n, sums of first and latest, the three counts."""
    s, i = Scoring, ScoringItem
    part = [s.citizen_id, i.item]

    def ranked(where: ColumnElement[bool], newest_first: bool) -> CTE:
        return (select(s.citizen_id, i.item, i.value, s.scored_on,
                       func.row_number().over(partition_by=part,
                                              order_by=_order(newest_first)).label("rn"))
                .join(i, i.scoring_id == s.id)
                .where(s.instrument == "REM", where).cte())

    first = ranked(s.scored_on <= period.end, newest_first=False)
    latest = ranked(s.scored_on.between(period.start, period.end), newest_first=True)
    units = (
        select(first.c.citizen_id, first.c.item, first.c.value.label("first"),
               latest.c.value.label("latest"))
        .join(latest, and_(latest.c.citizen_id == first.c.citizen_id,
                           latest.c.item == first.c.item, latest.c.rn == 1))
        .where(first.c.rn == 1, latest.c.scored_on > first.c.scored_on)
        .cte("rem_units")
    )
    groups = _citizen_groups(dimension, period).cte()
    u = units.c
    rows = session.execute(
        select(groups.c.grp, u.item, func.count().label("n"),
               func.sum(u.first).label("sum_first"), func.sum(u.latest).label("sum_latest"),
               func.sum(case((u.latest < u.first, 1), else_=0)).label("improved"),
               func.sum(case((u.latest == u.first, 1), else_=0)).label("unchanged"),
               func.sum(case((u.latest > u.first, 1), else_=0)).label("worsened"))
        .select_from(units.join(groups, groups.c.citizen_id == u.citizen_id))
        .group_by(groups.c.grp, u.item)
    )
    return [dict(r._mapping) for r in rows]
