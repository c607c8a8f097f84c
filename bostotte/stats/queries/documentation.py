"""Documentation on time (domain.md, "Statistics: exact definitions", Documentation on
time) as SQL.

The share of due scorings in P done no later than 14 days after due. What falls due comes
from the cadences (domain.md, "Cadences that drive reminders"): an FKO status every 3 months
from plan start until plan end, the FKO final status at plan end, the first REM within 3
months of a §85 start (not for pakke 1) and a REM follow-up 12 months after the previous
REM. A due scoring counts once it is settled by `today`: done, or more than 14 days late.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select, union_all
from sqlalchemy.sql import Select
from sqlalchemy.sql.selectable import CTE

from bostotte.citizens.models import Citizen, Plan
from bostotte.common.db import Session
from bostotte.goals.models import Goal
from bostotte.scoring.models import Scoring
from bostotte.stats.queries.shared import (
    EVERYONE,
    GRACE_DAYS,
    NEAR_FROM,
    NEAR_TO,
    P_AFTER,
    P_END,
    P_START,
    REM_FROM,
    TODAY,
    Dimension,
    Period,
    Scope,
    alias,
    fetch,
    grouped,
    in_scope,
)
from bostotte.stats.sqldates import add_days, add_months, days_between, greatest


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

    plans = (
        select(
            p.id.label("plan_id"),
            p.start_date.label("start"),
            index(P_START).label("first_k"),
            (index(closes) - 1).label("last_k"),
        )
        .where(
            p.start_date <= P_END,
            p.end_date >= P_START,
            # A goal's citizen is its plan's: filtered here, before the marks.
            p.citizen_id.in_(select(c.id).where(c.uses_fko)),
        )
        .cte("plan_span")
        .prefix_with("MATERIALIZED")
    )
    ps = plans.c
    k = _quarters(select(func.max(ps.last_k)).scalar_subquery())
    due = add_months(ps.start, k.c.k * 3)
    marks = (
        select(
            ps.plan_id,
            due.label("due"),
            add_days(due, GRACE_DAYS).label("deadline"),
            case(
                (k.c.k == 1, ps.start),
                else_=add_days(add_months(ps.start, (k.c.k - 1) * 3), GRACE_DAYS),
            ).label("previous"),
        )
        .join(k, and_(k.c.k >= ps.first_k, k.c.k <= ps.last_k))
        # In plan order, so the goal marks come out a plan's goals at a time and each
        # goal's statuses, looked up mark by mark, stay in the cache: PostgreSQL
        # otherwise made the marks quarter by quarter and probed its hash of the
        # statuses all over (17 % slower at 50,000 citizens).
        .order_by(ps.plan_id, k.c.k)
        .cte("plan_marks")
        .prefix_with("MATERIALIZED")
    )
    m = marks.c
    goal_marks = (
        select(
            g.id.label("goal_id"),
            g.citizen_id,
            m.previous,
            m.deadline,
            case((m.deadline < TODAY, 1), else_=0).label("late"),
        )
        .select_from(marks)
        .join(g, g.plan_id == m.plan_id)
        .where(g.created_on <= m.due, (g.closed_on.is_(None)) | (g.closed_on >= m.due))
        .cte("goal_marks")
        .prefix_with("MATERIALIZED")
    )
    gm = goal_marks.c
    # Only statuses near P can meet one of its marks: a range PostgreSQL can hash at once,
    # where SQLite seeks per mark.
    done = (
        select(s.id)
        .where(
            s.goal_id == gm.goal_id,
            s.instrument == "FKO",
            s.occasion.in_(("status", "final")),
            s.scored_on > NEAR_FROM,
            s.scored_on <= NEAR_TO,
            s.scored_on > gm.previous,
            s.scored_on <= gm.deadline,
        )
        .exists()
    )
    kind = literal("fko_status").label("kind")
    # A mark counts when done (on time) or late: the done ones, plus the late ones less
    # those late ones that were done, so each mark's EXISTS runs once (a semi-join).
    return [
        select(gm.citizen_id, kind, (1 - gm.late).label("n"), literal(1).label("on_time")).where(
            done
        ),
        select(gm.citizen_id, kind, literal(1).label("n"), literal(0).label("on_time")).where(
            gm.late == 1
        ),
    ]


def _due_scorings() -> CTE:
    """Every scoring due in P by the cadences (domain.md) that is settled by `today` (done,
    or more than 14 days past due): rows (citizen_id, kind, n, on_time). FKO status every 3
    months of a plan and the final status at plan end for each goal still open then; REM
    within 3 months of a §85 start (not pakke 1) and 12 months after each REM."""
    s, c, g, p = Scoring, Citizen, Goal, Plan

    def row(citizen_id: Any, kind: str, due: Any, done: Any) -> list[Any]:
        return [
            citizen_id.label("citizen_id"),
            literal(kind).label("kind"),
            due.label("due"),
            case((done, 1), else_=0).label("on_time"),
        ]

    final_done = (
        select(s.id)
        .where(
            s.goal_id == g.id,
            s.instrument == "FKO",
            s.occasion == "final",
            s.scored_on > p.start_date,
            s.scored_on <= add_days(p.end_date, GRACE_DAYS),
        )
        .exists()
    )
    fko_final = (
        select(*row(g.citizen_id, "fko_final", p.end_date, final_done))
        .select_from(g)
        .join(p, p.id == g.plan_id)
        .join(c, c.id == g.citizen_id)
        .where(
            c.uses_fko,
            p.end_date.between(P_START, P_END),
            g.created_on <= p.end_date,
            (g.closed_on.is_(None)) | (g.closed_on >= p.end_date),
        )
    )
    rem_due = add_months(c.start_date, 3)
    rem_done = (
        select(s.id)
        .where(
            s.citizen_id == c.id,
            s.instrument == "REM",
            s.scored_on <= add_days(rem_due, GRACE_DAYS),
        )
        .exists()
    )
    rem_first = select(*row(c.id, "rem_first", rem_due, rem_done)).where(
        c.uses_rem, ~c.pakke1, c.legal_basis == "§85", rem_due.between(P_START, P_END)
    )
    # Each REM whose follow-up may fall due in P and the date of the citizen's next REM (by
    # date, then id), looked up in her own index.
    later = alias(Scoring).c
    next_on = (
        select(func.min(later.scored_on))
        .where(
            later.citizen_id == s.citizen_id,
            later.instrument == "REM",
            or_(
                later.scored_on > s.scored_on, and_(later.scored_on == s.scored_on, later.id > s.id)
            ),
        )
        .scalar_subquery()
    )
    rem_series = (
        select(s.citizen_id, s.scored_on, next_on.label("next_on"))
        .where(s.instrument == "REM", s.scored_on >= REM_FROM)
        .cte("rem_series")
    )
    follow_due = add_months(rem_series.c.scored_on, 12)
    rem_follow = (
        select(
            *row(
                rem_series.c.citizen_id,
                "rem_follow_up",
                follow_due,
                rem_series.c.next_on <= add_days(follow_due, GRACE_DAYS),
            )
        )
        .join(c, c.id == rem_series.c.citizen_id)
        .where(
            c.uses_rem,
            ~c.pakke1,
            follow_due.between(P_START, P_END),
            (c.end_date.is_(None)) | (c.end_date >= follow_due),
        )
    )
    # Materialised: each row's on_time (an EXISTS) is read twice below; computed once.
    others = (
        union_all(fko_final, rem_first, rem_follow).cte("other_due").prefix_with("MATERIALIZED")
    )
    o = others.c
    settled = case((or_(o.on_time == 1, add_days(o.due, GRACE_DAYS) < TODAY), 1), else_=0)
    return union_all(
        *_fko_status_due(), select(o.citizen_id, o.kind, settled.label("n"), o.on_time)
    ).cte("due_scorings")


def documentation_counts(
    session: Session,
    period: Period,
    dimension: Dimension,
    today: date,
    scope: Scope = EVERYONE,
    by_kind: bool = False,
) -> list[dict[str, Any]]:
    """Rows (grp, n, on_time): due scorings in P that are done, or late by `today`.

    by_kind: one row per group and kind of scoring (fko_status, fko_final, rem_first,
    rem_follow_up: the reminder rules' names), column `kind`.
    """
    return fetch(session, _documentation_statement(dimension, scope, by_kind), period, today)


@lru_cache(maxsize=256)
def _documentation_statement(dimension: Dimension, scope: Scope, by_kind: bool) -> Select[Any]:
    due = _due_scorings()
    joined, grp = grouped(due, dimension)
    kinds = [due.c.kind] if by_kind else []
    return (
        select(*grp, *kinds, func.sum(due.c.n).label("n"), func.sum(due.c.on_time).label("on_time"))
        .select_from(joined)
        .where(*in_scope(scope, due.c.citizen_id))
        .group_by(*grp, *kinds)
        .having(func.sum(due.c.n) > 0)
    )
