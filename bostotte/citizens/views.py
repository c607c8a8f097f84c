from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from bostotte.audit.services import log_accesses
from bostotte.auth.models import Role
from bostotte.auth.permissions import Action, citizen_for, may, plan_for, requires
from bostotte.auth.services import users_with_role
from bostotte.citizens import services
from bostotte.citizens.models import GENDERS, LEGAL_BASES, METHODS, PLAN_STATUSES, Citizen
from bostotte.citizens.schemas import CitizenSchema, ClosePlanSchema, PlanSchema
from bostotte.common.schema import FormSchema
from bostotte.common.time import local_today, utcnow
from bostotte.common.versions import (
    VERSION_FIELD,
    conflict_page,
    field_rows,
    is_conflict,
    row,
    submitted_version,
)
from bostotte.common.views import flash_outcome, status_for, submit
from bostotte.extensions import db

bp = Blueprint("citizens", __name__, url_prefix="/borgere")

# The list's heading by what she sees: her team's citizens, those she referred, or all hers.
LIST_TITLES = {Action.TASKS: "Mine borgere", Action.EDIT: "Henviste borgere"}


def _choices() -> dict[str, object]:
    return {
        "teams": services.teams_for(db.session, current_user),
        "caseworkers": users_with_role(db.session, Role.AUTHORITY),
        "workers": users_with_role(db.session, Role.WORKER),
        "genders": GENDERS,
        "legal_bases": LEGAL_BASES,
        "methods": METHODS,
    }


@bp.get("")
@requires(Action.LIST)
def index() -> str:
    team_id = request.args.get("team", type=int)
    rows = services.list_citizens(
        db.session,
        current_user,
        local_today(),
        search=request.args.get("q"),
        team_id=team_id,
        only_mine=request.args.get("mine") == "1",
    )
    # each row shows from her record (plan, goals, next scoring, signals): a read, logged
    log_accesses(
        db.session, current_user, [r.citizen.id for r in rows], "borgerliste", request.path
    )
    title = next((t for a, t in LIST_TITLES.items() if may(current_user, a)), "Borgere")
    return render_template(
        "citizens/index.html",
        rows=rows,
        today=local_today(),
        title=title,
        teams=services.teams_for(db.session, current_user),
        can_create=may(current_user, Action.CREATE),
        own_caseload=may(current_user, Action.TASKS),
    )


@bp.route("/ny", methods=["GET", "POST"])
@requires(Action.CREATE)
def create() -> tuple[str, int] | Response:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        citizen, errors = submit(
            CitizenSchema(),
            request.form,
            lambda data: services.create_citizen(db.session, current_user, data),
        )
        if citizen is not None:
            flash(f"{citizen.display_name} er oprettet. Opret nu en plan.", "success")
            return redirect(url_for("citizens.new_plan", citizen_id=citizen.id))
    form = request.form if request.method == "POST" else {"uses_fko": "1"}
    return render_template(
        "citizens/form.html", form=form, errors=errors, citizen=None, **_choices()
    ), status_for(errors)


@bp.get("/<int:citizen_id>")
@requires(Action.READ)
def show(citizen_id: int) -> str:
    citizen = citizen_for(db.session, current_user, citizen_id, "borgerside")
    page = services.citizen_page(
        db.session, current_user, citizen, today=local_today(), now=utcnow()
    )
    return render_template("citizens/show.html", page=page, citizen=citizen, today=local_today())


@bp.route("/<int:citizen_id>/rediger", methods=["GET", "POST"])
@requires(Action.EDIT)
def edit(citizen_id: int) -> tuple[str, int] | Response:
    citizen = citizen_for(db.session, current_user, citizen_id, "ret borger", Action.EDIT)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        done, errors = submit(
            CitizenSchema(),
            request.form,
            lambda data: services.update_citizen(
                db.session, current_user, citizen, data, submitted_version(request.form)
            ),
        )
        if done:
            flash("Oplysningerne er gemt.", "success")
            return redirect(url_for("citizens.show", citizen_id=citizen.id))
        if is_conflict(errors):
            return _citizen_conflict(citizen)
    form = request.form if request.method == "POST" else _citizen_form(citizen)
    return render_template(
        "citizens/form.html", form=form, errors=errors, citizen=citizen, **_choices()
    ), status_for(errors)


CITIZEN_LABELS = {
    "display_name": "Navn",
    "case_ref": "Sagsnummer",
    "birth_year": "Fødselsår",
    "gender": "Køn",
    "team_id": "Team",
    "legal_basis": "Lovgrundlag",
    "start_date": "Startdato",
    "end_date": "Slutdato",
    **{f"uses_{key.lower()}": label for key, label in METHODS.items()},
    "pakke1": "Pakke 1",
    "caseworker_id": "Myndighed",
    "primary_worker_id": "Kontaktperson",
}


def _citizen_conflict(citizen: Citizen) -> tuple[str, int]:
    choices = _choices()
    people = {
        "team_id": choices["teams"],
        "caseworker_id": choices["caseworkers"],
        "primary_worker_id": choices["workers"],
    }
    named = {field: {str(o.id): o.name for o in objs} for field, objs in people.items()}  # type: ignore[attr-defined]
    rows = field_rows(
        citizen,
        request.form,
        CITIZEN_LABELS,
        {"gender": GENDERS, "legal_basis": LEGAL_BASES, **named},
    )
    return conflict_page(
        "borgerens oplysninger",
        rows,
        {VERSION_FIELD: citizen.version},
        url_for("citizens.show", citizen_id=citizen.id),
    )


def _citizen_form(citizen) -> dict[str, object]:  # type: ignore[no-untyped-def]
    fields = (
        "display_name",
        "case_ref",
        "birth_year",
        "gender",
        "team_id",
        "legal_basis",
        "start_date",
        "end_date",
        "caseworker_id",
        "primary_worker_id",
    )
    form: dict[str, object] = {f: getattr(citizen, f) or "" for f in fields}
    form[VERSION_FIELD] = citizen.version
    for flag in ("uses_fko", "uses_fit", "uses_rem", "pakke1"):
        form[flag] = "1" if getattr(citizen, flag) else ""
    return form


@bp.route("/<int:citizen_id>/plan/ny", methods=["GET", "POST"])
@requires(Action.EDIT)
def new_plan(citizen_id: int) -> tuple[str, int] | Response:
    citizen = citizen_for(db.session, current_user, citizen_id, "ny plan", Action.EDIT)
    errors: dict[str, list[str]] = {}
    previous = next((p for p in citizen.plans if p.status == "closed"), None)
    if request.method == "POST":

        def create(data: dict) -> object:  # type: ignore[type-arg]
            plan = services.create_plan(db.session, citizen, data)
            if previous is not None and request.form.get("carry_over") == "1":
                services.carry_over_goals(db.session, previous, plan, local_today(), current_user)
            return plan

        plan, errors = submit(PlanSchema(), request.form, create)
        if plan is not None:
            flash("Planen er oprettet.", "success")
            return redirect(url_for("citizens.show", citizen_id=citizen.id))
    form = (
        request.form
        if request.method == "POST"
        else {"legal_basis": citizen.legal_basis, "start_date": local_today().isoformat()}
    )
    return render_template(
        "citizens/plan_form.html",
        citizen=citizen,
        form=form,
        errors=errors,
        legal_bases=LEGAL_BASES,
        previous=previous,
    ), status_for(errors)


PLAN_ACTIONS = {
    # url part: (who may, schema, service call, message when done). A § 82 b forløb's
    # sessions are the provider's to count and extend (it has no visitation).
    "afslut": (
        Action.EDIT,
        ClosePlanSchema,
        lambda plan, data: services.close_plan(
            db.session, plan, data["closed_on"], submitted_version(request.form)
        ),
        "Planen er afsluttet.",
    ),
    "samtale": (
        Action.SUPPORT,
        FormSchema,
        lambda plan, _data: services.register_session(db.session, plan),
        "Samtalen er talt med.",
    ),
    "forlaeng": (
        Action.SUPPORT,
        FormSchema,
        lambda plan, _data: services.extend_82b(db.session, plan),
        "Forløbet er forlænget med 10 samtaler.",
    ),
}


@bp.post("/<int:citizen_id>/plan/<int:plan_id>/<any(afslut, samtale, forlaeng):action>")
@requires(Action.EDIT)
def plan_action(citizen_id: int, plan_id: int, action: str) -> Response | tuple[str, int]:
    allowed, schema, call, done_message = PLAN_ACTIONS[action]
    citizen, plan = plan_for(db.session, current_user, citizen_id, plan_id, "plan", allowed)
    _, errors = submit(schema(), request.form, lambda data: call(plan, data))
    if is_conflict(errors):  # only closing carries a version: a count adds, it does not edit
        back = url_for("citizens.show", citizen_id=citizen.id)
        db.session.refresh(plan)
        rows = [
            row("Status", "closed", plan.status, PLAN_STATUSES),
            row("Slutdato", request.form.get("closed_on"), plan.end_date),
        ]
        return conflict_page("planen", rows, {VERSION_FIELD: plan.version}, back, back)
    flash_outcome(errors, done_message)
    return redirect(url_for("citizens.show", citizen_id=citizen.id))
