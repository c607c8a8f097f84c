"""REM change per citizen and indicator (domain.md, "Statistics: exact definitions", REM
change) as SQL.

first and latest as for ORS, per indicator: the indicator's value in the citizen's earliest
REM on or before P.to and in her latest REM inside P, dated after that first. Reported per
indicator: n, the sums of first and latest (services divides them into mean_first and
mean_latest), improved (latest < first), unchanged and worsened (REM: lower is better).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import case, func, literal, select, true, union_all
from sqlalchemy.sql import Select

from bostotte import instruments
from bostotte.common.db import Session
from bostotte.scoring.models import ScoringItem
from bostotte.stats.queries.ors import citizen_ends
from bostotte.stats.queries.shared import (
    EVERYONE,
    Dimension,
    Period,
    Scope,
    alias,
    fetch,
    grouped,
)


def rem_counts(
    session: Session, period: Period, dimension: Dimension, scope: Scope = EVERYONE
) -> list[dict[str, Any]]:
    """Rows per group and indicator: n, sums of first and latest, the three counts."""
    return fetch(session, _rem_statement(dimension, scope), period)


@lru_cache(maxsize=256)
def _rem_statement(dimension: Dimension, scope: Scope) -> Select[Any]:
    # Every REM holds all nine indicators (the validator refuses a missing one), so each
    # indicator's first and latest are those of the citizen's first and latest REM.
    ends = citizen_ends("REM", scope, column="id", rare=True)
    e = ends.c
    items = union_all(
        *[select(literal(item).label("item")) for item in instruments.get("REM").item_ids]
    ).subquery("rem_items")

    def value(scoring_id: Any) -> Any:
        # By primary key, whatever the estimates: joined, PostgreSQL hashed every item of
        # every scoring when it guessed many citizens with a REM.
        si = alias(ScoringItem).c
        return (
            select(si.value)
            .where(si.scoring_id == scoring_id, si.item == items.c.item)
            .scalar_subquery()
        )

    values = (
        select(
            e.citizen_id,
            items.c.item,
            value(e.first).label("first"),
            value(e.latest).label("latest"),
        )
        .select_from(ends)
        .join(items, true())
        .cte("rem_values")
        .prefix_with("MATERIALIZED")
    )
    units = (
        select(values)
        .where(values.c.first.is_not(None), values.c.latest.is_not(None))
        .subquery("rem_units")
    )
    joined, grp = grouped(units, dimension)
    u = units.c
    return (
        select(
            *grp,
            u.item,
            func.count().label("n"),
            func.sum(u.first).label("sum_first"),
            func.sum(u.latest).label("sum_latest"),
            func.sum(case((u.latest < u.first, 1), else_=0)).label("improved"),
            func.sum(case((u.latest == u.first, 1), else_=0)).label("unchanged"),
            func.sum(case((u.latest > u.first, 1), else_=0)).label("worsened"),
        )
        .select_from(joined)
        .group_by(*grp, u.item)
    )
