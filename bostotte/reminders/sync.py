"""Reminders kept in step with the cadence rules: created when due, resolved when done.

Exactly once, however many processes sync at the same time: a reminder row is unique per
(citizen, rule, subject, due date) and inserted with INSERT … ON CONFLICT DO NOTHING, so a
second or concurrent sync creates nothing. These functions flush; the caller commits (the
daily job in `jobs.py`, or the commit a recording ends with, through `hooks.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select, tuple_, update
from sqlalchemy.orm import selectinload

from bostotte.citizens.models import Citizen, Plan
from bostotte.citizens.services import facts_for, last_scored_dates
from bostotte.common.dates import clamped
from bostotte.common.db import Session, insert_on_conflict
from bostotte.goals.models import OPEN_SUBGOAL_STATUSES, Goal
from bostotte.reminders.cadence import CitizenFacts, Due, due_items
from bostotte.reminders.models import Reminder

BATCH = 500  # citizens per round of queries
INSERT_CHUNK = 500  # rows per INSERT statement (SQLite limits bound parameters)

Key = tuple[int, str, str, date]  # (citizen id, rule, subject, due date)


def with_plans(query: Any) -> Any:
    """Load what the rules read: the citizen's team, plans, goals and delmål. Goals and
    delmål are joined to their plans: selectinload sends one IN per 500 keys, and a team has
    more goals than that long before it has 500 plans."""
    return query.options(
        selectinload(Citizen.team),
        selectinload(Citizen.plans).joinedload(Plan.goals).joinedload(Goal.subgoals),
    )


def citizen_facts(
    citizen: Citizen, last: dict[tuple[str, int | None], date], today: date
) -> CitizenFacts:
    """The citizens list's facts plus the open delmål of the active goals."""
    facts = facts_for(citizen, last, today)
    plan = citizen.active_plan
    subgoals = tuple(
        (sg.id, g.id, sg.target_date and clamped(sg.target_date))  # as facts_for's dates
        for g in (plan.active_goals if plan else [])
        for sg in g.subgoals
        if sg.status in OPEN_SUBGOAL_STATUSES
    )
    return replace(facts, open_subgoals=subgoals)


def _due_now(session: Session, citizens: Sequence[Citizen], today: date) -> dict[int, list[Due]]:
    last = last_scored_dates(session, [c.id for c in citizens])
    return {c.id: due_items(citizen_facts(c, last.get(c.id, {}), today)) for c in citizens}


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def sync(
    session: Session,
    citizens: Sequence[Citizen],
    today: date,
    now: datetime,
    *,
    create: bool = True,
) -> tuple[int, int]:
    """Create the reminders that show by `today` and resolve those no longer due:
    (created, resolved).

    A reminder is resolved when its (rule, subject, due date) has left the citizen's due
    items: a scoring was recorded, a goal closed, a plan ended or a date moved. One that is
    due again (a goal reopened) is reopened rather than created twice.
    """
    if not citizens:
        return 0, 0
    due = _due_now(session, citizens, today)
    current: set[Key] = {
        (cid, d.rule, d.subject, d.due) for cid, items in due.items() for d in items
    }
    wanted = {
        (cid, d.rule, d.subject, d.due): d
        for cid, items in due.items()
        for d in items
        if d.remind_from <= today
    }
    created = 0
    if create and wanted:
        keys = list(wanted)
        for chunk in chunks(keys, INSERT_CHUNK):
            created += len(
                session.execute(
                    update(Reminder)
                    .where(
                        tuple_(
                            Reminder.citizen_id, Reminder.rule, Reminder.subject, Reminder.due_date
                        ).in_(chunk),
                        Reminder.status == "resolved",
                    )
                    .values(status="open", resolved_at=None)
                    .returning(Reminder.id)
                ).all()
            )
            rows = [
                {
                    "citizen_id": k[0],
                    "rule": k[1],
                    "subject": k[2],
                    "due_date": k[3],
                    "goal_id": wanted[k].goal_id,
                    "subgoal_id": wanted[k].subgoal_id,
                    "status": "open",
                    "created_at": now,
                }
                for k in chunk
            ]
            created += len(
                session.execute(
                    insert_on_conflict(session, Reminder)
                    .values(rows)
                    .on_conflict_do_nothing(
                        index_elements=["citizen_id", "rule", "subject", "due_date"]
                    )
                    .returning(Reminder.id)
                ).all()
            )
    open_rows = session.execute(
        select(
            Reminder.id, Reminder.citizen_id, Reminder.rule, Reminder.subject, Reminder.due_date
        ).where(Reminder.citizen_id.in_([c.id for c in citizens]), Reminder.status == "open")
    ).all()
    stale = [
        r.id for r in open_rows if (r.citizen_id, r.rule, r.subject, r.due_date) not in current
    ]
    for chunk in chunks(stale, INSERT_CHUNK):
        session.execute(
            update(Reminder)
            .where(Reminder.id.in_(chunk), Reminder.status == "open")
            .values(status="resolved", resolved_at=now)
        )
    return created, len(stale)


def resolve_done(session: Session, citizen_ids: Iterable[int], today: date, now: datetime) -> int:
    """Resolve the citizens' reminders that are no longer due (a scoring recorded, a goal
    closed …). Creates nothing: that is the daily job's."""
    ids = sorted(set(citizen_ids))
    resolved = 0
    for chunk in chunks(ids, BATCH):
        citizens = list(
            session.scalars(
                with_plans(select(Citizen).where(Citizen.id.in_(chunk))).execution_options(
                    populate_existing=True
                )
            )
        )
        resolved += sync(session, citizens, today, now, create=False)[1]
    return resolved


def job_citizen_ids(session: Session, today: date, *, team_id: int | None = None) -> list[int]:
    """Citizens (of one team, or all) who may have something due, or reminders still open."""
    query = select(Citizen.id).where(
        or_(
            Citizen.end_date.is_(None),
            Citizen.end_date > today,
            Citizen.plans.any(Plan.status == "active"),
            Citizen.id.in_(select(Reminder.citizen_id).where(Reminder.status == "open")),
        )
    )
    if team_id is not None:
        query = query.where(Citizen.team_id == team_id)
    return list(session.scalars(query.order_by(Citizen.id)))
