"""FKO mastery (domain.md, "Statistics: exact definitions", FKO mastery) as SQL.

A goal counts in P if it has a baseline and at least one status or final scored inside P.
Its outcome is the final score inside P if there is one, else the latest status inside P.
Per goal: maintained_or_improved = outcome ≤ baseline; improved = outcome < baseline;
target_reached = a target exists and outcome ≤ target. Reported per theme and in total:
n (goals counted) and the three counts; the share (maintained_or_improved / n) is
services' division. A scope's `goals` keeps the goals whose outcome is a final (closed: the
plan ended in P) or a status (open).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.sql import Select

from bostotte.common.db import Session
from bostotte.goals.models import Goal
from bostotte.scoring.models import Scoring
from bostotte.stats.queries.shared import (
    EVERYONE,
    P_END,
    P_START,
    Dimension,
    Period,
    Scope,
    alias,
    fetch,
    grouped,
    in_citizens,
    order,
)
from bostotte.stats.sqldates import year_quarter


def fko_units(scope: Scope = EVERYONE, quarterly: bool = False) -> Any:
    """One row per goal counted in P, with baseline, target and outcome.

    quarterly: one row per goal and calendar quarter of P instead (column `bucket`,
    year * 10 + quarter), each quarter read as a period of its own.
    """
    s = Scoring
    quarter = [year_quarter(s.scored_on)] if quarterly else []

    # The outcome: the final inside P if there is one, else the latest status inside P.
    ranked = (
        select(
            s.goal_id,
            s.total,
            s.occasion,
            *(q.label("bucket") for q in quarter),
            func.row_number()
            .over(
                partition_by=[s.goal_id, *quarter],
                order_by=[case((s.occasion == "final", 0), else_=1), *order(newest_first=True)],
            )
            .label("rn"),
        )
        .where(
            s.instrument == "FKO",
            s.occasion.in_(("status", "final")),
            s.scored_on.between(P_START, P_END),
        )
        .subquery()
    )
    kept = {"closed": "final", "open": "status"}.get(scope.goals or "")
    only = [ranked.c.occasion == kept] if kept else []
    follow = (
        select(ranked).where(ranked.c.rn == 1, *only).cte("fko_follow").prefix_with("MATERIALIZED")
    )
    f = follow.c

    def latest(occasion: str) -> Any:
        """The goal's latest baseline (or target) total: one index seek per goal."""
        b = alias(Scoring).c
        return (
            select(b.total)
            .where(b.goal_id == Goal.id, b.instrument == "FKO", b.occasion == occasion)
            .order_by(*order(True, b))
            .limit(1)
            .scalar_subquery()
        )

    # The scope applies to the goals, outside the window function: inside, SQLite turns
    # the team filter into a scan per row.
    in_scope = [Goal.theme == scope.theme] if scope.theme is not None else []
    in_scope += in_citizens(scope, Goal.citizen_id)
    # The seeks go in goal order (the window's output order; by quarter, the goals sorted
    # once), so they walk the index and the table in order where a hash of the goals would
    # jump about a table larger than the cache. Materialised: PostgreSQL would otherwise
    # repeat a seek for every use of its column.
    counted = (
        (
            select(f.goal_id)
            .distinct()
            .order_by(f.goal_id)
            .cte("fko_counted")
            .prefix_with("MATERIALIZED")
        )
        if quarterly
        else follow
    )
    outcome = [] if quarterly else [f.total.label("outcome")]
    goals = (
        select(
            Goal.id.label("goal_id"),
            Goal.citizen_id,
            Goal.theme,
            *outcome,
            latest("baseline").label("baseline"),
            latest("target").label("target"),
        )
        .select_from(counted)
        .join(Goal, Goal.id == counted.c.goal_id)
        .where(*in_scope)
        .cte("fko_goals")
        .prefix_with("MATERIALIZED")
    )
    g = goals.c
    if quarterly:
        # An outer join (the same rows: goals without a baseline go below): SQLite then
        # reads the quarters and looks each goal up in an index it builds; as an inner join
        # it chose to scan one CTE for every row of the other (70 s at 5,000 citizens).
        units = (
            select(
                g.goal_id,
                g.citizen_id,
                g.theme,
                g.baseline,
                g.target,
                f.total.label("outcome"),
                f.bucket,
            )
            .select_from(follow)
            .join(goals, g.goal_id == f.goal_id, isouter=True)
        )
    else:
        units = select(goals)
    units = units.where(g.baseline.is_not(None))
    return units.subquery("fko_units")


def fko_counts(
    session: Session,
    period: Period,
    dimension: Dimension,
    scope: Scope = EVERYONE,
    quarterly: bool = False,
) -> list[dict[str, Any]]:
    """Rows (grp, theme, n, maintained_or_improved, improved, target_reached), and `bucket`
    (the quarter) when quarterly.

    theme is None on the rows that total all themes of a group (and quarter).
    """
    by_theme = fetch(session, _fko_statement(dimension, scope, quarterly), period)
    # Each goal has one theme, so a group's total is the sum of its theme rows.
    totals: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in by_theme:
        keys = {k: v for k, v in row.items() if k.startswith("grp") or k == "bucket"}
        total = totals.setdefault(
            tuple(keys.values()),
            {
                **keys,
                "theme": None,
                "n": 0,
                "maintained_or_improved": 0,
                "improved": 0,
                "target_reached": 0,
            },
        )
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
        joined, grp = grouped(units, dimension)
    measures = [
        func.count().label("n"),
        func.sum(case((units.c.outcome <= units.c.baseline, 1), else_=0)).label(
            "maintained_or_improved"
        ),
        func.sum(case((units.c.outcome < units.c.baseline, 1), else_=0)).label("improved"),
        func.sum(
            case((and_(units.c.target.is_not(None), units.c.outcome <= units.c.target), 1), else_=0)
        ).label("target_reached"),
    ]
    return (
        select(*grp, *buckets, units.c.theme, *measures)
        .select_from(joined)
        .group_by(*grp, *buckets, units.c.theme)
    )
