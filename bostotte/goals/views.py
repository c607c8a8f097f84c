from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from bostotte.auth.permissions import (
    Action,
    citizen_for,
    goal_for,
    may_record,
    requires,
    subgoal_for,
)
from bostotte.citizens.models import Citizen
from bostotte.common.schema import FormSchema
from bostotte.common.time import local_today
from bostotte.common.versions import (
    VERSION_FIELD,
    conflict_page,
    field_rows,
    is_conflict,
    submitted_version,
)
from bostotte.common.views import flash_outcome, status_for, submit
from bostotte.extensions import db
from bostotte.goals import history, services
from bostotte.goals.methods import methods
from bostotte.goals.models import (
    ALL_THEMES,
    GOAL_FIELD_LABELS,
    GOAL_STATUSES,
    MAX_ACTIVE_GOALS,
    SUBGOAL_FIELD_LABELS,
    SUBGOAL_STATUSES,
    Goal,
    SubGoal,
)
from bostotte.goals.schemas import (
    CLOSING_STATUSES,
    CloseGoalSchema,
    GoalSchema,
    NoteForm,
    SubGoalSchema,
)

bp = Blueprint("goals", __name__, url_prefix="/borgere/<int:citizen_id>")


GOAL_LABELS = {
    "theme": "Tema",
    "specific": "Mål (specifikt)",
    "measurable": "Målbart",
    "agreed": "Borgeren har sagt ja",
    "agreed_on": "Aftalt den",
    "realistic": "Realistisk",
    "target_date": "Måldato",
}
CLOSE_LABELS = {k: GOAL_FIELD_LABELS[k] for k in ("status", "closed_on", "close_reason")}


def _conflict(
    citizen: Citizen, record: Goal | SubGoal, what: str, labels: dict[str, str]
) -> tuple[str, int]:
    choices = {
        "theme": ALL_THEMES,
        "status": SUBGOAL_STATUSES if isinstance(record, SubGoal) else GOAL_STATUSES,
        "method": methods(db.session, hidden=True),
    }
    rows = field_rows(record, request.form, labels, choices)
    return conflict_page(
        what,
        rows,
        {VERSION_FIELD: record.version},
        url_for("citizens.show", citizen_id=citizen.id),
    )


def _back(citizen: Citizen) -> Response:
    # The top of the citizen page, where the confirmation is shown: no jump to an anchor.
    return redirect(url_for("citizens.show", citizen_id=citizen.id))


def _goal_form(
    citizen: Citizen, goal: Goal | None, form: object, errors: dict[str, list[str]]
) -> tuple[str, int]:
    return render_template(
        "goals/form.html",
        citizen=citizen,
        goal=goal,
        form=form,
        errors=errors,
        themes=ALL_THEMES,
        max_goals=MAX_ACTIVE_GOALS,
    ), status_for(errors)


@bp.route("/maal/ny", methods=["GET", "POST"])
@requires(Action.EDIT)
def new_goal(citizen_id: int) -> tuple[str, int] | Response:
    citizen = citizen_for(db.session, current_user, citizen_id, "nyt mål", Action.EDIT)
    plan = citizen.active_plan
    if plan is None:
        flash("Opret en plan, før du tilføjer mål.", "warning")
        return redirect(url_for("citizens.new_plan", citizen_id=citizen.id))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        goal, errors = submit(
            GoalSchema(),
            request.form,
            lambda data: services.add_goal(db.session, current_user, plan, data, local_today()),
        )
        if goal is not None:
            flash("Målet er tilføjet.", "success")
            # Myndighed sets the baseline next (the worker never does).
            if citizen.uses_fko and may_record(current_user, "FKO", "baseline"):
                return redirect(
                    url_for(
                        "scoring.new",
                        citizen_id=citizen.id,
                        instrument="FKO",
                        goal=goal.id,
                        occasion="baseline",
                    )
                )
            return _back(citizen)
    elif len(plan.active_goals) >= MAX_ACTIVE_GOALS:
        errors = {"_form": [services.TOO_MANY_GOALS]}
    return _goal_form(citizen, None, request.form, errors)


@bp.route("/maal/<int:goal_id>/rediger", methods=["GET", "POST"])
@requires(Action.EDIT)
def edit_goal(citizen_id: int, goal_id: int) -> tuple[str, int] | Response:
    citizen, goal = goal_for(db.session, current_user, citizen_id, goal_id, "ret mål")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        done, errors = submit(
            GoalSchema(),
            request.form,
            lambda data: services.update_goal(
                db.session, current_user, goal, data, submitted_version(request.form)
            ),
        )
        if done:
            flash("Målet er gemt.", "success")
            return _back(citizen)
        if is_conflict(errors):
            return _conflict(citizen, goal, "målet", GOAL_LABELS)
    form = (
        request.form
        if request.method == "POST"
        else {
            VERSION_FIELD: goal.version,
            **{
                k: ("1" if v is True else "" if v in (None, False) else v)
                for k, v in ((f, getattr(goal, f)) for f in GoalSchema().fields)
            },
        }
    )
    return _goal_form(citizen, goal, form, errors)


@bp.route("/maal/<int:goal_id>/afslut", methods=["GET", "POST"])
@requires(Action.EDIT)
def close_goal(citizen_id: int, goal_id: int) -> tuple[str, int] | Response:
    citizen, goal = goal_for(db.session, current_user, citizen_id, goal_id, "afslut mål")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        done, errors = submit(
            CloseGoalSchema(),
            request.form,
            lambda data: services.close_goal(
                db.session, current_user, goal, data, submitted_version(request.form)
            ),
        )
        if done:
            flash(f"Målet er afsluttet: {goal.status_label.lower()}.", "success")
            return _back(citizen)
        if is_conflict(errors):
            return _conflict(citizen, goal, "målet", CLOSE_LABELS)
    form = (
        request.form
        if request.method == "POST"
        else {"closed_on": local_today().isoformat(), VERSION_FIELD: goal.version}
    )
    return render_template(
        "goals/close.html",
        citizen=citizen,
        goal=goal,
        form=form,
        errors=errors,
        statuses=CLOSING_STATUSES,
    ), status_for(errors)


@bp.post("/maal/<int:goal_id>/genaabn")
@requires(Action.EDIT)
def reopen_goal(citizen_id: int, goal_id: int) -> Response:
    citizen, goal = goal_for(db.session, current_user, citizen_id, goal_id, "genåbn mål")
    _, errors = submit(
        FormSchema(),
        request.form,
        lambda _data: services.reopen_goal(db.session, current_user, goal),
    )
    flash_outcome(errors, "Målet er aktivt igen.")
    return _back(citizen)


# Delmål and notes are the provider's steps towards the goal (Action.SUPPORT), not myndighed's.
@bp.route("/maal/<int:goal_id>/delmaal/ny", methods=["GET", "POST"])
@requires(Action.SUPPORT)
def new_subgoal(citizen_id: int, goal_id: int) -> tuple[str, int] | Response:
    citizen, goal = goal_for(
        db.session, current_user, citizen_id, goal_id, "nyt delmål", Action.SUPPORT
    )
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        subgoal, errors = submit(
            SubGoalSchema(),
            request.form,
            lambda data: services.add_subgoal(db.session, goal, data, local_today()),
        )
        if subgoal is not None:
            flash("Delmålet er tilføjet.", "success")
            return _back(citizen)
    return _subgoal_form(citizen, goal, None, request.form, errors)


@bp.route("/delmaal/<int:subgoal_id>/rediger", methods=["GET", "POST"])
@requires(Action.SUPPORT)
def edit_subgoal(citizen_id: int, subgoal_id: int) -> tuple[str, int] | Response:
    citizen, subgoal = subgoal_for(
        db.session, current_user, citizen_id, subgoal_id, "ret delmål", Action.SUPPORT
    )
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        done, errors = submit(
            SubGoalSchema(),
            request.form,
            lambda data: services.update_subgoal(
                db.session, current_user, subgoal, data, submitted_version(request.form)
            ),
        )
        if done:
            flash("Delmålet er gemt.", "success")
            return _back(citizen)
        if is_conflict(errors):
            return _conflict(citizen, subgoal, "delmålet", SUBGOAL_FIELD_LABELS)
    form = (
        request.form
        if request.method == "POST"
        else {
            VERSION_FIELD: subgoal.version,
            **{f: getattr(subgoal, f) or "" for f in SubGoalSchema().fields},
        }
    )
    return _subgoal_form(citizen, subgoal.goal, subgoal, form, errors)


def _method_choices(subgoal: SubGoal | None) -> dict[str, str]:
    """The methods offered, and a delmål's own even when it is hidden now."""
    choices = methods(db.session)
    if subgoal is not None and subgoal.method not in choices:
        choices[subgoal.method] = subgoal.method_label
    return choices


def _subgoal_form(
    citizen: Citizen,
    goal: Goal,
    subgoal: SubGoal | None,
    form: object,
    errors: dict[str, list[str]],
) -> tuple[str, int]:
    return render_template(
        "goals/subgoal_form.html",
        citizen=citizen,
        goal=goal,
        subgoal=subgoal,
        form=form,
        errors=errors,
        methods=_method_choices(subgoal),
        statuses=SUBGOAL_STATUSES,
    ), status_for(errors)


@bp.route("/delmaal/<int:subgoal_id>/note", methods=["GET", "POST"])
@requires(Action.SUPPORT)
def add_note(citizen_id: int, subgoal_id: int) -> tuple[str, int] | Response:
    citizen, subgoal = subgoal_for(
        db.session, current_user, citizen_id, subgoal_id, "ny note", Action.SUPPORT
    )
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        note, errors = submit(
            NoteForm(),
            request.form,
            lambda data: services.add_note(
                db.session,
                current_user,
                subgoal,
                data,
                local_today(),
                submitted_version(request.form),
            ),
        )
        if note is not None:
            flash("Noten er gemt.", "success")
            return _back(citizen)
        if is_conflict(errors):
            return _conflict(citizen, subgoal, "delmålets status", {"status": "Status"})
    form = (
        request.form
        if request.method == "POST"
        else {
            "noted_on": local_today().isoformat(),
            "status": subgoal.status,
            "status_was": subgoal.status,
            VERSION_FIELD: subgoal.version,
        }
    )
    return render_template(
        "goals/note_form.html",
        citizen=citizen,
        subgoal=subgoal,
        form=form,
        errors=errors,
        statuses=SUBGOAL_STATUSES,
    ), status_for(errors)


@bp.get("/maal/<int:goal_id>/historik")
@requires(Action.READ)
def goal_history(citizen_id: int, goal_id: int) -> str:
    citizen, goal = goal_for(
        db.session, current_user, citizen_id, goal_id, "målets historik", Action.READ
    )
    return render_template(
        "goals/history.html",
        citizen=citizen,
        goal=goal,
        entries=history.goal_history(db.session, goal),
    )
