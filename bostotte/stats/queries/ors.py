"""ORS change per citizen (domain.md, "Statistics: exact definitions", ORS change) as SQL.

first = the citizen's earliest ORS total on or before P.to; latest = the latest ORS total
dated inside P; the citizen counts if latest is dated after first. change = latest − first.
reliably_improved: change ≥ 5; reliably_deteriorated: change ≤ −5; clinically_significant:
first at or below the cut-off, latest above it and change ≥ 5, as OpenFIT counts "reliably
recovered" (adult cut-off 25, the children's and adolescents' cut-off where the citizen was
under 18 at the first score: scoring/cutoffs.py). Totals are compared at one decimal.
The statement returns n and sums (of first, latest, change and first²); services turns
them into means and the effect size (mean change / sample SD of the first scores).

`citizen_ends()` finds each citizen's first and latest scoring of an instrument; REM change
reads its first and latest "as for ORS" through it too.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import BigInteger, Date, Float, and_, case, cast, func, literal, select
from sqlalchemy.sql import Select

from bostotte import instruments
from bostotte.citizens.models import Citizen
from bostotte.common.db import Session
from bostotte.scoring.cutoffs import ors_cutoff_sql
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
    in_scope,
    order,
)
from bostotte.stats.sqldates import add_days, days_between

# Totals carry one decimal; differences of floats are compared with this tolerance.
EPS = 1e-6


def _citizen_pick(
    citizen_id: Any, instrument: str, newest_first: bool, selected: Any, *where: Any
) -> Any:
    """`selected(s)` of a citizen's first (or latest) scoring of an instrument: one
    index-only seek on (citizen_id, instrument, scored_on, id, total), correlated to
    `citizen_id`."""
    s = alias(Scoring).c
    return (
        select(selected(s))
        .where(s.citizen_id == citizen_id, s.instrument == instrument, *(w(s) for w in where))
        .order_by(*order(newest_first, s))
        .limit(1)
        .scalar_subquery()
    )


# A scoring's date and one value in one integer (day number * width + value), so that one
# seek reads both: totals carry one decimal (ORS at most 40.0), ids stay below 10^10, and
# day numbers count from year 1, so every date gives a positive number.
PACK_EPOCH = date.min
# column: (width, value packed from a scoring, value unpacked from the remainder)
PACKINGS = {
    "total": (
        10**4,
        lambda s: cast(func.round(s.total * 10), BigInteger),
        lambda v: cast(v, Float) / literal(10.0, Float),
    ),
    "id": (10**10, lambda s: s.id, lambda v: v),
}


def citizen_ends(
    instrument: str, scope: Scope, *extra: Any, column: str = "total", rare: bool = False
) -> Any:
    """Per citizen in scope who counts for `instrument` in P (domain.md: her latest scoring
    in P is dated after her first up to P.to): `column` (total, or id) of that first
    (`first`) and of that latest (`latest`). Asking for the latest in P dated after the
    first finds the same scoring, or none when the citizen does not count.

    Two index-only seeks per citizen who has a scoring, one for the others: the first's
    date and value come packed in one (materialised: inlined, PostgreSQL would repeat a
    seek for every use of its column).

    rare: an instrument scored at most a few times a year (REM): only the citizens with a
    scoring of it in P can count, so the seeks start from those (found in the instrument's
    date index) instead of from every citizen.  An ORS every fortnight would make that list
    longer than the citizens."""
    width, value, unpack = PACKINGS[column]
    epoch = literal(PACK_EPOCH, Date)

    def packed(s: Any) -> Any:
        return cast(days_between(epoch, s.scored_on), BigInteger) * width + value(s)

    def up_to_end(s: Any) -> Any:
        return s.scored_on <= P_END

    def in_period(s: Any) -> Any:
        return s.scored_on.between(P_START, P_END)

    name = instrument.lower()
    who: Any
    citizen_id: Any
    if rare:
        s = Scoring
        who = (
            select(s.citizen_id)
            .where(s.instrument == instrument, s.scored_on.between(P_START, P_END))
            .distinct()
            .subquery(f"{name}_in_period")
        )
        citizen_id = who.c.citizen_id
    else:
        who, citizen_id = Citizen, Citizen.id
    firsts = (
        select(
            citizen_id.label("citizen_id"),
            _citizen_pick(citizen_id, instrument, False, packed, up_to_end).label("first_packed"),
            *extra,
        )
        .select_from(who)
        .where(*in_scope(scope, citizen_id))
        .cte(f"{name}_firsts")
        .prefix_with("MATERIALIZED")
    )
    f = firsts.c
    first_on = add_days(epoch, f.first_packed // width)
    first = unpack(f.first_packed % width)
    latest = _citizen_pick(
        f.citizen_id,
        instrument,
        True,
        lambda s: s[column],
        in_period,
        lambda s: s.scored_on > first_on,
    )
    ends = (
        select(
            f.citizen_id,
            *(f[e.name] for e in extra),
            first_on.label("first_on"),
            first.label("first"),
            latest.label("latest"),
        )
        .where(f.first_packed.is_not(None))
        .cte(f"{name}_ends")
        .prefix_with("MATERIALIZED")
    )
    return select(ends).where(ends.c.latest.is_not(None)).subquery(f"{name}_units")


def ors_counts(
    session: Session, period: Period, dimension: Dimension, scope: Scope = EVERYONE
) -> list[dict[str, Any]]:
    """Rows per group: n, sums of first/latest/change, sum of first², the three counts."""
    return fetch(session, _ors_statement(dimension, scope), period)


@lru_cache(maxsize=256)
def _ors_statement(dimension: Dimension, scope: Scope) -> Select[Any]:
    e = citizen_ends("ORS", scope, Citizen.birth_year.label("birth_year")).c
    reliable = instruments.get("ORS").reliable_change or 0
    units = select(
        e.citizen_id,
        e.first,
        e.latest,
        (e.latest - e.first).label("change"),
        ors_cutoff_sql(e.first_on, e.birth_year).label("cutoff"),
    ).subquery("ors_units")
    joined, grp = grouped(units, dimension)
    u = units.c
    return (
        select(
            *grp,
            func.count().label("n"),
            func.sum(u.first).label("sum_first"),
            func.sum(u.latest).label("sum_latest"),
            func.sum(u.change).label("sum_change"),
            func.sum(cast(u.first, Float) * u.first).label("sum_first_sq"),
            func.sum(case((u.change >= reliable - EPS, 1), else_=0)).label("reliably_improved"),
            func.sum(case((u.change <= -reliable + EPS, 1), else_=0)).label(
                "reliably_deteriorated"
            ),
            func.sum(
                case(
                    (
                        and_(
                            u.first <= u.cutoff + EPS,
                            u.latest > u.cutoff + EPS,
                            u.change >= reliable - EPS,
                        ),
                        1,
                    ),
                    else_=0,
                )
            ).label("clinically_significant"),
        )
        .select_from(joined)
        .group_by(*grp)
    )
