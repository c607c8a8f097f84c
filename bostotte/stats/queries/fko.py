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

from sqlalchemy import BigInteger, and_, case, cast, func, select
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
from bostotte.stats.sqldates import date_key, year_quarter

# A scoring packed in one integer that sorts as (date, id) and carries the total in tenths
# (FKO totals are 0-4 with at most one decimal): date_key * 10^12 + id * 100 + tenths, ids
# below 10^10. A final adds FINAL, above every packed status, so that one max() per goal
# finds its outcome (the final, else the latest status) and its total, without sorting.
TENTHS = 100
ID_WIDTH = 10**12
FINAL = 4 * 10**18


def _packed(s: Any) -> Any:
    return (
        cast(date_key(s.scored_on), BigInteger) * ID_WIDTH
        + cast(s.id, BigInteger) * TENTHS
        + cast(func.round(s.total * 10), BigInteger)
    )


def _tenths(key: Any) -> Any:
    """The total in tenths, from a packed key."""
    return key % TENTHS


# How FKO mastery finds each goal's latest baseline and target (fko_units' `how`).
SEEK, HASH = "seek", "hash"


def fko_how(dialect: str, scope: Scope) -> str:
    """The fastest way for a database and scope (timed in bench/measures.py):
    - a scope of some teams (or one caseworker's citizens): a seek per goal counted, so
      only their goals are read;
    - every team, PostgreSQL: all baselines and targets grouped by goal in one pass over
      the date index, hashed (300,000 seeks at 50,000 citizens cost more);
    - SQLite: the seeks, off the goal index alone (it carries the total). Reading that
      index once in goal order, each goal's outcome, baseline and target a max() of its
      run, took 1.6x as long at 5,000 citizens; hashing as PostgreSQL does, 2.3x.
    """
    if scope.team_ids is not None or scope.referred_by is not None:
        return SEEK
    return HASH if dialect == "postgresql" else SEEK


def fko_units(scope: Scope = EVERYONE, quarterly: bool = False, how: str = SEEK) -> Any:
    """One row per goal counted in P, with baseline, target and outcome (in tenths).

    quarterly: one row per goal and calendar quarter of P instead (column `bucket`,
    year * 10 + quarter), each quarter read as a period of its own.
    how: SEEK or HASH (`fko_how`).
    """
    seek = how == SEEK
    s = Scoring
    quarter = [year_quarter(s.scored_on)] if quarterly else []

    # The outcome: the final inside P if there is one, else the latest status inside P:
    # one max() of the packed key per goal (and quarter), a hash aggregate, no sort.
    key = case((s.occasion == "final", FINAL), else_=0) + _packed(s)
    grouped_follow = (
        select(
            s.goal_id,
            *(q.label("bucket") for q in quarter),
            func.max(key).label("outcome_key"),
        )
        .where(
            s.instrument == "FKO",
            s.occasion.in_(("status", "final")),
            s.scored_on.between(P_START, P_END),
        )
        .group_by(s.goal_id, *quarter)
    )
    if scope.goals == "closed":
        grouped_follow = grouped_follow.having(func.max(key) >= FINAL)
    elif scope.goals == "open":
        grouped_follow = grouped_follow.having(func.max(key) < FINAL)
    # Materialised where a CTE is read twice (by quarter) or feeds seeks (PostgreSQL would
    # otherwise repeat a seek for every use of its column); for every team in one period
    # PostgreSQL then plans the two aggregates and the goals as hash joins (inlined; as
    # materialised CTEs it misjudged their sizes, sorted and merged: 20 % slower).
    materialise = seek or quarterly

    def cte(statement: Any, name: str) -> Any:
        made = statement.cte(name)
        return made.prefix_with("MATERIALIZED") if materialise else made

    follow = cte(grouped_follow, "fko_follow")
    f = follow.c

    def latest(occasion: str) -> Any:
        """The goal's latest baseline (or target) total in tenths: one index seek per goal."""
        b = alias(Scoring).c
        return (
            select(cast(func.round(b.total * 10), BigInteger))
            .where(b.goal_id == Goal.id, b.instrument == "FKO", b.occasion == occasion)
            .order_by(*order(True, b))
            .limit(1)
            .scalar_subquery()
        )

    # The scope applies to the goals, outside the aggregate: inside, SQLite turns the team
    # filter into a scan per row.
    in_scope = [Goal.theme == scope.theme] if scope.theme is not None else []
    in_scope += in_citizens(scope, Goal.citizen_id)
    # The seeks go in goal order (by quarter, the goals sorted once), so they walk the
    # index and the table in order where a hash of the goals would jump about a table
    # larger than the cache. Materialised: PostgreSQL would otherwise repeat a seek for
    # every use of its column.
    counted = (
        select(f.goal_id)
        .distinct()
        .order_by(f.goal_id)
        .cte("fko_counted")
        .prefix_with("MATERIALIZED")
        if quarterly
        else cte(
            select(f.goal_id, _tenths(f.outcome_key).label("outcome")).order_by(
                *([f.goal_id] if seek else [])
            ),
            "fko_counted",
        )
    )
    outcome = [] if quarterly else [counted.c.outcome]
    if seek:
        baseline, target = latest("baseline"), latest("target")
        goals_from = select(
            Goal.id.label("goal_id"),
            Goal.citizen_id,
            Goal.theme,
            *outcome,
            baseline.label("baseline"),
            target.label("target"),
        ).select_from(counted)
    else:
        # Every goal's latest baseline and target: one max() each per goal.
        bt = cte(
            select(
                s.goal_id,
                func.max(case((s.occasion == "baseline", _packed(s)))).label("baseline_key"),
                func.max(case((s.occasion == "target", _packed(s)))).label("target_key"),
            )
            .where(s.instrument == "FKO", s.occasion.in_(("baseline", "target")))
            .group_by(s.goal_id),
            "fko_baselines",
        )
        goals_from = (
            select(
                Goal.id.label("goal_id"),
                Goal.citizen_id,
                Goal.theme,
                *outcome,
                _tenths(bt.c.baseline_key).label("baseline"),
                _tenths(bt.c.target_key).label("target"),
            )
            .select_from(counted)
            .join(bt, bt.c.goal_id == counted.c.goal_id)
        )
    goals = (
        goals_from.join(Goal, Goal.id == counted.c.goal_id)
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
                _tenths(f.outcome_key).label("outcome"),
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
    how = fko_how(session.get_bind().dialect.name, scope)
    by_theme = fetch(session, _fko_statement(dimension, scope, quarterly, how), period)
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
def _fko_statement(
    dimension: Dimension, scope: Scope, quarterly: bool, how: str = SEEK
) -> Select[Any]:
    units = fko_units(scope, quarterly, how)
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
