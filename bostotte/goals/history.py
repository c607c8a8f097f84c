"""A goal's and its delmål's history. Every write to a goal or a delmål goes through `change`,
which keeps what it replaces (who, when, each field from what to what); `goal_history`
reads it back for the goal's history page.

Its own module, beside the models only, so that citizens.services (which goals.services
imports) can close a goal through it when a plan's goals are carried over."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bostotte.auth.models import User
from bostotte.common.db import Session
from bostotte.common.formatting import dk_date
from bostotte.goals.methods import method_label
from bostotte.goals.models import (
    ALL_THEMES,
    GOAL_FIELD_LABELS,
    GOAL_STATUSES,
    SUBGOAL_FIELD_LABELS,
    SUBGOAL_STATUSES,
    Goal,
    GoalRevision,
    SubGoal,
)

IMPORTED = "Import"  # who, when no login made the change


def plain(value: Any) -> Any:
    """A field's value as the history stores it (JSON): dates as ISO text."""
    return value.isoformat() if isinstance(value, date) else value


def change(
    session: Session, actor: User | None, record: Goal | SubGoal, data: Mapping[str, Any]
) -> bool:
    """Set `data` on the goal or delmål. The fields whose value differs are kept as a
    revision first; nothing that differs, nothing written. True if something changed."""
    changes = {
        key: [plain(getattr(record, key)), plain(value)]
        for key, value in data.items()
        if getattr(record, key) != value
    }
    if not changes:
        return False
    subgoal = record if isinstance(record, SubGoal) else None
    session.add(
        GoalRevision(
            goal_id=subgoal.goal_id if subgoal else record.id,
            subgoal_id=subgoal.id if subgoal else None,
            version=record.version,
            changes=changes,
            replaced_by_id=actor.id if actor else None,
        )
    )
    for key in changes:
        setattr(record, key, data[key])
    session.flush()
    return True


@dataclass(frozen=True)
class Change:
    field: str  # the field's label
    before: str
    after: str


@dataclass(frozen=True)
class Entry:
    """One line of the history: the goal or a delmål made (on a day: a goal may be brought
    in with the date it was set elsewhere), or changed (at a moment)."""

    at: datetime  # the order
    who: str | None
    what: str  # "Målet" or "Delmålet «…»"
    created_on: date | None = None  # set for a creation
    changes: tuple[Change, ...] = ()


def _shown(field: str, value: Any, *, of_goal: bool) -> str:
    """A stored value as the pages show it: labels for codes, Danish dates."""
    if value is None or value == "":
        return "–"
    if field == "status":
        return (GOAL_STATUSES if of_goal else SUBGOAL_STATUSES).get(value, value)
    if field == "theme":
        return ALL_THEMES.get(value, value)
    if field == "method":
        return method_label(value)
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if field in ("agreed_on", "target_date", "closed_on", "created_on"):
        return dk_date(date.fromisoformat(value))
    return str(value)


def _subgoal_name(subgoal: SubGoal) -> str:
    return f"Delmålet «{subgoal.title}»"


def goal_history(session: Session, goal: Goal) -> list[Entry]:
    """The goal's and its delmål's changes and creation, newest first. A fixed number of
    queries however long the history."""
    subgoals = {sg.id: sg for sg in goal.subgoals}
    entries = [
        Entry(
            at=goal.created_at,
            who=goal.created_by.name if goal.created_by else None,
            what="Målet",
            created_on=goal.created_on,
        ),
        *(
            Entry(at=sg.created_at, who=None, what=_subgoal_name(sg), created_on=sg.created_on)
            for sg in subgoals.values()
        ),
    ]
    revisions = session.scalars(
        select(GoalRevision)
        .where(GoalRevision.goal_id == goal.id)
        .options(selectinload(GoalRevision.replaced_by))
    )
    for r in revisions:
        subgoal = subgoals.get(r.subgoal_id) if r.subgoal_id else None
        labels = SUBGOAL_FIELD_LABELS if subgoal else GOAL_FIELD_LABELS
        entries.append(
            Entry(
                at=r.replaced_at,
                who=r.replaced_by.name if r.replaced_by else IMPORTED,
                what=_subgoal_name(subgoal) if subgoal else "Målet",
                changes=tuple(
                    Change(
                        labels.get(key, key),
                        _shown(key, before, of_goal=subgoal is None),
                        _shown(key, after, of_goal=subgoal is None),
                    )
                    for key, (before, after) in r.changes.items()
                ),
            )
        )
    # Newest first; a change made in the same instant as a creation comes after it.
    return sorted(entries, key=lambda e: (e.at, e.created_on is None), reverse=True)
