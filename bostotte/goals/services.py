from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from bostotte.auth.models import User
from bostotte.citizens.models import Plan
from bostotte.citizens.services import check_external_id
from bostotte.common.db import Session
from bostotte.common.formatting import dk_date
from bostotte.common.schema import DomainError
from bostotte.common.versions import expect_version
from bostotte.goals import history
from bostotte.goals.models import MAX_ACTIVE_GOALS, Goal, SubGoal, SubGoalNote

TOO_MANY_GOALS = (
    f"Planen har allerede {MAX_ACTIVE_GOALS} aktive mål. Der kan højst være {MAX_ACTIVE_GOALS}. "
    "Afslut eller erstat et mål, før du tilføjer et nyt."
)


def _lock_plan(session: Session, plan: Plan) -> None:
    """Serialise goal changes per plan (PostgreSQL row lock; SQLite writes are serial anyway)."""
    session.execute(select(Plan.id).where(Plan.id == plan.id).with_for_update())


def count_active_goals(session: Session, plan: Plan) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Goal)
            .where(Goal.plan_id == plan.id, Goal.status == "active")
        )
        or 0
    )


def add_goal(session: Session, user: User, plan: Plan, data: dict[str, Any], today: date) -> Goal:
    if plan.status != "active":
        raise DomainError("Planen er afsluttet. Opret en ny plan for at tilføje mål.")
    _lock_plan(session, plan)
    if count_active_goals(session, plan) >= MAX_ACTIVE_GOALS:
        raise DomainError(TOO_MANY_GOALS)
    _check_target_date(plan, data.get("target_date"))
    data = dict(data)
    # An integration may bring a goal made earlier in its own system; a form makes it today.
    created_on = data.pop("created_on", None) or today
    if created_on > today:
        raise DomainError("Datoen må ikke ligge i fremtiden.", "created_on")
    check_external_id(session, Goal, data.get("external_id"))
    goal = Goal(
        plan=plan,
        citizen_id=plan.citizen_id,
        created_on=created_on,
        created_by=user,
        status="active",
        **data,
    )
    session.add(goal)
    session.flush()
    return goal


def _check_target_date(plan: Plan, target: date | None) -> None:
    if target and target < plan.start_date:
        raise DomainError("Måldatoen ligger før planens start.", "target_date")


def _check_subgoal_date(plan: Plan, target: date | None) -> None:
    """A delmål is reached within its plan: a date outside it is a typing mistake (2020 for
    2026 made an item "overskredet for 2518 dage")."""
    if target is None:
        return
    if target < plan.start_date:
        raise DomainError(
            f"Måldatoen ligger før planens start ({dk_date(plan.start_date)}). "
            "Vælg en dato i planens periode.",
            "target_date",
        )
    if target > plan.end_date:
        raise DomainError(
            f"Måldatoen ligger efter planens slut ({dk_date(plan.end_date)}). "
            "Vælg en dato i planens periode.",
            "target_date",
        )


def update_goal(
    session: Session, user: User, goal: Goal, data: dict[str, Any], version: int | None = None
) -> Goal:
    """`version`: the one the form was opened at (None: the one this request read)."""
    expect_version(session, goal, version)
    _check_target_date(goal.plan, data.get("target_date"))
    history.change(session, user, goal, data)
    return goal


def close_goal(
    session: Session, user: User, goal: Goal, data: dict[str, Any], version: int | None = None
) -> Goal:
    expect_version(session, goal, version)
    if goal.status != "active":
        raise DomainError("Målet er allerede afsluttet.")
    if data["closed_on"] < goal.created_on:
        raise DomainError("Datoen ligger før målet blev oprettet.", "closed_on")
    history.change(
        session,
        user,
        goal,
        {
            "status": data["status"],
            "closed_on": data["closed_on"],
            "close_reason": data.get("close_reason"),
        },
    )
    return goal


def reopen_goal(session: Session, user: User, goal: Goal) -> None:
    if goal.status == "active":
        return
    _lock_plan(session, goal.plan)
    if count_active_goals(session, goal.plan) >= MAX_ACTIVE_GOALS:
        raise DomainError(TOO_MANY_GOALS)
    history.change(
        session, user, goal, {"status": "active", "closed_on": None, "close_reason": None}
    )


def add_subgoal(session: Session, goal: Goal, data: dict[str, Any], today: date) -> SubGoal:
    if goal.status != "active":
        raise DomainError("Målet er afsluttet. Genåbn det for at tilføje delmål.")
    _check_subgoal_date(goal.plan, data.get("target_date"))
    subgoal = SubGoal(goal=goal, created_on=today, **data)
    session.add(subgoal)
    session.flush()
    return subgoal


def update_subgoal(
    session: Session,
    user: User,
    subgoal: SubGoal,
    data: dict[str, Any],
    version: int | None = None,
) -> SubGoal:
    expect_version(session, subgoal, version)
    # A date kept as it was is not checked again: a delmål carried over from a §82b forløb
    # keeps its date until the worker sets a new one.
    if "target_date" in data and data["target_date"] != subgoal.target_date:
        _check_subgoal_date(subgoal.goal.plan, data["target_date"])
    history.change(session, user, subgoal, data)
    return subgoal


def add_note(
    session: Session,
    user: User,
    subgoal: SubGoal,
    data: dict[str, Any],
    today: date,
    version: int | None = None,
) -> SubGoalNote:
    """The note, and the delmål's status if she changed it (kept in the history). The form
    says which status it showed (`status_was`): a status left as shown changes nothing,
    even if a colleague has changed it since. A note adds and never overwrites, so the
    delmål's `version` (the one the form was opened at) is compared only when she changes
    the status."""
    data = dict(data)
    status = data.pop("status", None)
    shown = data.pop("status_was", None) or subgoal.status
    if data["noted_on"] > today:
        raise DomainError("Datoen må ikke ligge i fremtiden.", "noted_on")
    note = SubGoalNote(subgoal=subgoal, author=user, **data)
    session.add(note)
    if status is not None and status != shown:
        expect_version(session, subgoal, version)
        history.change(session, user, subgoal, {"status": status})
    session.flush()
    return note
