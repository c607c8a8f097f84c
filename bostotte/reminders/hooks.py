"""Recording resolves the reminder, at once.

When a transaction that touched a citizen's scorings, goals, delmål, plans or the citizen
herself commits, her reminders that are no longer due are resolved in the same
transaction (by `services.resolve_done`, the same rule the daily job applies). So the
scoring form, goal forms, an import or the API need not know reminders exist, and Mine
opgaver is right the moment the worker comes back to it.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from flask_sqlalchemy.session import Session as AppSession
from sqlalchemy import event, select

from bostotte.citizens.models import Citizen, Plan
from bostotte.common.time import local_today, utcnow
from bostotte.goals.models import Goal, SubGoal
from bostotte.reminders.services import resolve_done
from bostotte.scoring.models import Scoring

CITIZENS = "reminders.touched_citizens"
GOALS = "reminders.touched_goals"


def _collect(session: Any, _flush_context: Any) -> None:
    citizens: set[int] = session.info.setdefault(CITIZENS, set())
    goals: set[int] = session.info.setdefault(GOALS, set())
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Scoring | Goal | Plan) and obj.citizen_id is not None:
            citizens.add(obj.citizen_id)
        elif isinstance(obj, Citizen) and obj.id is not None:
            citizens.add(obj.id)
        elif isinstance(obj, SubGoal) and obj.goal_id is not None:
            goals.add(obj.goal_id)


def _resolve(session: Any) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # commit would flush next; collect what it writes first
    citizens: set[int] = session.info.pop(CITIZENS, set())
    goals: set[int] = session.info.pop(GOALS, set())
    if goals:
        citizens |= set(session.scalars(select(Goal.citizen_id).where(Goal.id.in_(goals))))
    if citizens:
        resolve_done(session, citizens, local_today(), utcnow())


def _forget(session: Any, *_args: Any) -> None:
    session.info.pop(CITIZENS, None)
    session.info.pop(GOALS, None)


def install() -> None:
    """Listen on the app's sessions (idempotent)."""
    for name, fn in (("after_flush", _collect), ("before_commit", _resolve),
                     ("after_rollback", _forget)):
        if not event.contains(AppSession, name, fn):
            event.listen(AppSession, name, fn)
