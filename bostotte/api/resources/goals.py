"""Goals, delmål and their notes."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bostotte.api import auth, etags
from bostotte.api.idempotency import idempotent
from bostotte.api.paging import SyncArgs, page_schema
from bostotte.api.resources.common import citizens_page, owner, write
from bostotte.api.schemas import (
    GoalClose,
    GoalIn,
    GoalOut,
    GoalUpdate,
    NoteIn,
    NoteOut,
    SubGoalIn,
    SubGoalOut,
    SubGoalUpdate,
)
from bostotte.auth.permissions import Action, goal_for, plan_for, subgoal_for
from bostotte.citizens.models import Citizen, Plan
from bostotte.common.time import local_today
from bostotte.extensions import db
from bostotte.goals import services
from bostotte.goals.models import Goal, SubGoal, SubGoalNote

blp = Blueprint("api_goals", __name__, description="Mål, delmål og noter.")


def _subgoal_citizen(subgoal: SubGoal) -> int:
    return subgoal.goal.citizen_id


def _goal(goal_id: int, what: str, action: Action) -> Goal:
    return goal_for(db.session, auth.user(), owner(Goal, goal_id), goal_id, what, action)[1]


def _subgoal(subgoal_id: int, what: str, action: Action) -> SubGoal:
    citizen_id = owner(SubGoal, subgoal_id, _subgoal_citizen)
    return subgoal_for(db.session, auth.user(), citizen_id, subgoal_id, what, action)[1]


@blp.route("/goals")
class Goals(MethodView):
    @auth.scoped("read:citizens")
    @blp.arguments(SyncArgs, location="query")
    @blp.response(200, page_schema(GoalOut, "GoalPage"))
    def get(self, args: dict[str, Any]) -> Any:
        """Goals, each with its FKO history."""
        return citizens_page(
            select(Goal)
            .join(Citizen, Goal.citizen_id == Citizen.id)
            .options(selectinload(Goal.fko_history)),
            args,
            id_column=Goal.id,
            citizen_id=Goal.citizen_id,
            changed=Goal.updated_at.__ge__,
            what="API: mål",
        )

    @idempotent
    @auth.scoped("write:goals")
    @blp.arguments(GoalIn)
    @blp.response(201, GoalOut)
    def post(self, data: dict[str, Any]) -> Any:
        """A new goal in an active plan (at most three active goals per plan)."""
        plan_id = data.pop("plan_id")
        citizen_id = owner(Plan, plan_id)
        user = auth.user()
        plan = plan_for(db.session, user, citizen_id, plan_id, "API: nyt mål", Action.EDIT)[1]
        goal = write(lambda: services.add_goal(db.session, user, plan, data, local_today()))
        return goal, 201, {"Location": url_for(".GoalResource", goal_id=goal.id)}


@blp.route("/goals/<int:goal_id>")
class GoalResource(MethodView):
    @auth.scoped("read:citizens")
    @blp.etag
    @blp.response(200, GoalOut)
    def get(self, goal_id: int) -> Any:
        """One goal with its FKO history (ETag for If-Match)."""
        return _goal(goal_id, "API: mål", Action.READ)

    @etags.required
    @auth.scoped("write:goals")
    @blp.arguments(GoalUpdate)
    @blp.response(200, GoalOut)
    def put(self, data: dict[str, Any], goal_id: int) -> Any:
        """Replace the goal's SMART text and dates (If-Match); the earlier values are kept in
        its history."""
        goal = _goal(goal_id, "API: ret mål", Action.EDIT)
        etags.require_match(goal, GoalOut)
        user = auth.user()
        write(lambda: services.update_goal(db.session, user, goal, data))
        return goal, 200, etags.header(goal, GoalOut)


@blp.route("/goals/<int:goal_id>/close")
class GoalClosing(MethodView):
    @etags.required
    @auth.scoped("write:goals")
    @blp.arguments(GoalClose)
    @blp.response(200, GoalOut)
    def post(self, data: dict[str, Any], goal_id: int) -> Any:
        """Close the goal: achieved, partly achieved, abandoned or replaced (If-Match)."""
        goal = _goal(goal_id, "API: afslut mål", Action.EDIT)
        etags.require_match(goal, GoalOut)
        user = auth.user()
        write(lambda: services.close_goal(db.session, user, goal, data))
        return goal, 200, etags.header(goal, GoalOut)


@blp.route("/subgoals")
class SubGoals(MethodView):
    @auth.scoped("read:citizens")
    @blp.arguments(SyncArgs, location="query")
    @blp.response(200, page_schema(SubGoalOut, "SubGoalPage"))
    def get(self, args: dict[str, Any]) -> Any:
        """Delmål with their notes; a new note counts as a change for updated_since."""
        return citizens_page(
            select(SubGoal)
            .join(Goal, SubGoal.goal_id == Goal.id)
            .join(Citizen, Goal.citizen_id == Citizen.id)
            .options(selectinload(SubGoal.notes), selectinload(SubGoal.goal)),
            args,
            id_column=SubGoal.id,
            citizen_id=Goal.citizen_id,
            # A new note changes the delmål as the API shows it; the note is not an edit of
            # the delmål's row (colleagues add notes at once without conflict).
            changed=lambda since: (
                (SubGoal.updated_at >= since) | SubGoal.notes.any(SubGoalNote.created_at >= since)
            ),
            what="API: delmål",
            citizen_of=_subgoal_citizen,
        )

    @idempotent
    @auth.scoped("write:goals")
    @blp.arguments(SubGoalIn)
    @blp.response(201, SubGoalOut)
    def post(self, data: dict[str, Any]) -> Any:
        """A new delmål under an active goal."""
        goal = _goal(data.pop("goal_id"), "API: nyt delmål", Action.SUPPORT)
        subgoal = write(lambda: services.add_subgoal(db.session, goal, data, local_today()))
        return subgoal, 201, {"Location": url_for(".SubGoalResource", subgoal_id=subgoal.id)}


@blp.route("/subgoals/<int:subgoal_id>")
class SubGoalResource(MethodView):
    @auth.scoped("read:citizens")
    @blp.etag
    @blp.response(200, SubGoalOut)
    def get(self, subgoal_id: int) -> Any:
        """One delmål with its notes (ETag for If-Match)."""
        return _subgoal(subgoal_id, "API: delmål", Action.READ)

    @etags.required
    @auth.scoped("write:goals")
    @blp.arguments(SubGoalUpdate)
    @blp.response(200, SubGoalOut)
    def put(self, data: dict[str, Any], subgoal_id: int) -> Any:
        """Replace the delmål's title, method, approach, date (within the plan's period) and
        status (If-Match); the earlier values are kept in the goal's history."""
        subgoal = _subgoal(subgoal_id, "API: ret delmål", Action.SUPPORT)
        etags.require_match(subgoal, SubGoalOut)
        user = auth.user()
        write(lambda: services.update_subgoal(db.session, user, subgoal, data))
        return subgoal, 200, etags.header(subgoal, SubGoalOut)


@blp.route("/subgoals/<int:subgoal_id>/notes")
class Notes(MethodView):
    @idempotent
    @auth.scoped("write:goals")
    @blp.arguments(NoteIn)
    @blp.response(201, NoteOut)
    def post(self, data: dict[str, Any], subgoal_id: int) -> Any:
        """A note on the delmål's progress, and its new status if `status` is sent (the
        change is kept in the goal's history)."""
        subgoal = _subgoal(subgoal_id, "API: ny note", Action.SUPPORT)
        user = auth.user()
        return write(lambda: services.add_note(db.session, user, subgoal, data, local_today()))
