"""Recording resolves the reminder, at once.

When a transaction that touched a citizen's scorings, goals, delmål, plans or the citizen
herself commits, her reminders that are no longer due are resolved in the same
transaction (by `sync.resolve_done`, the same rule the daily job applies). So the scoring
form, goal forms and the API need not know reminders exist, and Mine opgaver is right the
moment the worker comes back to it.

The ORM's flush is what shows a change here. Rows written with Core statements (the
import's bulk scorings) do not pass through it, so their writer names the citizens with
`touched`, and the commit resolves their reminders exactly as for a form.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

from flask_sqlalchemy.session import Session as AppSession
from sqlalchemy import event, select

from bostotte.citizens.models import Citizen, Plan
from bostotte.common.time import local_today, utcnow
from bostotte.goals.models import Goal, SubGoal
from bostotte.reminders.sync import resolve_done
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


def touched(session: Any, citizen_ids: Iterable[int]) -> None:
    """Writes the flush does not see (Core inserts) touched these citizens: resolve their
    reminders when the transaction commits, as for any other recording."""
    session.info.setdefault(CITIZENS, set()).update(citizen_ids)


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
    for name, fn in (
        ("after_flush", _collect),
        ("before_commit", _resolve),
        ("after_rollback", _forget),
    ):
        if not event.contains(AppSession, name, fn):
            event.listen(AppSession, name, fn)
