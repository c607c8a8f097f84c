from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from bostotte import instruments
from bostotte.auth.permissions import (
    Action,
    Forbidden,
    NotFound,
    citizen_for,
    may,
    may_count_session,
    may_hold_session,
    may_record,
    requires,
    scoring_for,
)
from bostotte.charts.citizen import fit_chart
from bostotte.citizens.models import Citizen
from bostotte.common.formatting import dk_date, dk_number
from bostotte.common.schema import Errors
from bostotte.common.time import local_today
from bostotte.common.versions import (
    VERSION_FIELD,
    Row,
    conflict_page,
    is_conflict,
    row,
    submitted_version,
)
from bostotte.common.views import status_for, submit
from bostotte.extensions import db
from bostotte.instruments import Instrument
from bostotte.portal.services import comments_by_scoring
from bostotte.scoring import services
from bostotte.scoring.models import PARTICIPATION, Scoring
from bostotte.scoring.schemas import (
    QuarterSchema,
    ScoringFormSchema,
    SessionSchema,
)

bp = Blueprint("scoring", __name__, url_prefix="/borgere/<int:citizen_id>")

VALUE_PREFIX, CITIZEN_VALUE_PREFIX = "v_", "c_"


def _instrument(instrument_id: str) -> Instrument:
    if not instruments.exists(instrument_id):
        raise NotFound
    return instruments.get(instrument_id)


def _raw_values(prefix: str) -> dict[str, str]:
    return {k[len(prefix) :]: v for k, v in request.form.items() if k.startswith(prefix)}


def _field_errors(errors: Errors) -> Errors:
    """Service errors keyed by item id → the form's field names."""
    out: Errors = {}
    meta_fields = set(ScoringFormSchema().fields) | {"_form"}
    for key, messages in errors.items():
        if key in meta_fields:
            out[key] = messages
        elif key.startswith(services.CITIZEN_PREFIX):
            out[CITIZEN_VALUE_PREFIX + key[len(services.CITIZEN_PREFIX) :]] = messages
        else:
            out[VALUE_PREFIX + key] = messages
    return out


def _render_form(
    citizen: Citizen, instrument: Instrument, scoring: Scoring | None, form: Any, errors: Errors
) -> tuple[str, int]:
    occasions = {
        k: o.label
        for k, o in instrument.occasions.items()
        if o.id and may_record(current_user, instrument.id, k)
    }
    goals = citizen.active_plan.goals if citizen.active_plan else []
    status = status_for(errors)  # the question is not an error, but nothing was saved
    question = errors.pop(services.CONFIRM_TARGET, None)
    return render_template(
        "scoring/form.html",
        citizen=citizen,
        instrument=instrument,
        scoring=scoring,
        form=form,
        errors=errors,
        confirm_question=question[0] if question else None,
        confirm_field=services.CONFIRM_TARGET,
        occasions=occasions,
        goals=goals,
        participation=PARTICIPATION,
        value_prefix=VALUE_PREFIX,
        citizen_prefix=CITIZEN_VALUE_PREFIX,
    ), status


@bp.route("/scoringer/<instrument>/ny", methods=["GET", "POST"])
@requires(Action.SCORE)
def new(citizen_id: int, instrument: str) -> tuple[str, int] | Response:
    inst = _instrument(instrument)
    citizen = citizen_for(
        db.session, current_user, citizen_id, f"ny scoring {inst.id}", Action.SCORE
    )
    if inst.method not in citizen.methods:
        raise NotFound
    if not may_record(current_user, inst.id, request.args.get("occasion") or None):
        raise Forbidden  # e.g. myndighed on ORS, a worker opening the FKO baseline
    errors: Errors = {}
    if request.method == "POST":
        scoring, errors = submit(
            ScoringFormSchema(),
            request.form,
            lambda meta: services.record_scoring(
                db.session,
                current_user,
                citizen,
                inst.id,
                meta,
                _raw_values(VALUE_PREFIX),
                _raw_values(CITIZEN_VALUE_PREFIX),
                today=local_today(),
                worse_target_confirmed=meta["confirm_target"],
            ),
        )
        if scoring is not None:
            flash(f"{inst.short_label} er gemt.", "success")
            return redirect(_after_recording(citizen, scoring))
        errors = _field_errors(errors)
    form = (
        request.form
        if request.method == "POST"
        else {
            "scored_on": local_today().isoformat(),
            "goal_id": request.args.get("goal", ""),
            "occasion": request.args.get("occasion", ""),
            "participation": "together",
        }
    )
    return _render_form(citizen, inst, None, form, errors)


def _after_recording(citizen: Citizen, scoring: Scoring) -> str:
    """Myndighed sets baseline then target: after the one, straight on to the other."""
    if scoring.occasion == "baseline" and not services.has_occasion(
        db.session, scoring.goal_id, "target"
    ):
        return url_for(
            "scoring.new",
            citizen_id=citizen.id,
            instrument=scoring.instrument,
            goal=scoring.goal_id,
            occasion="target",
        )
    # The top of her page, where the message is (an anchor would scroll past it).
    return url_for("citizens.show", citizen_id=citizen.id)


@bp.route("/scoringer/<int:scoring_id>/rediger", methods=["GET", "POST"])
@requires(Action.SCORE)
def edit(citizen_id: int, scoring_id: int) -> tuple[str, int] | Response:
    citizen, scoring = scoring_for(
        db.session, current_user, citizen_id, scoring_id, "ret scoring", Action.SCORE
    )
    inst = instruments.get(scoring.instrument)
    errors: Errors = {}
    if request.method == "POST":
        done, errors = submit(
            ScoringFormSchema(),
            request.form,
            lambda meta: services.edit_scoring(
                db.session,
                current_user,
                scoring,
                meta,
                _raw_values(VALUE_PREFIX),
                _raw_values(CITIZEN_VALUE_PREFIX),
                today=local_today(),
                worse_target_confirmed=meta["confirm_target"],
                version=submitted_version(request.form),
            ),
        )
        if done is not None:
            flash("Ændringen er gemt. Den tidligere version kan ses i historikken.", "success")
            return redirect(url_for("scoring.show", citizen_id=citizen.id, scoring_id=scoring.id))
        if is_conflict(errors):
            return conflict_page(
                f"{inst.short_label} fra {dk_date(scoring.scored_on)}",
                _conflict_rows(inst, scoring),
                {VERSION_FIELD: scoring.version},
                url_for("scoring.show", citizen_id=citizen.id, scoring_id=scoring.id),
            )
        errors = _field_errors(errors)
    form = request.form if request.method == "POST" else _scoring_form(scoring)
    return _render_form(citizen, inst, scoring, form, errors)


def _conflict_rows(inst: Instrument, scoring: Scoring) -> list[Row]:
    """Her values beside the saved ones (read again: a colleague's edit may be newer than
    what this request read)."""
    db.session.refresh(scoring)
    form = request.form
    saved, saved_citizen = scoring.values, scoring.citizen_values
    rows = [
        row("Dato", form.get("scored_on"), scoring.scored_on),
        row(
            "Borgerens deltagelse", form.get("participation"), scoring.participation, PARTICIPATION
        ),
    ]
    for item in inst.items:
        rows.append(row(item.label, form.get(VALUE_PREFIX + item.id), saved.get(item.id)))
        hers = form.get(CITIZEN_VALUE_PREFIX + item.id)
        if hers or item.id in saved_citizen:
            rows.append(row(f"{item.label} (borgerens eget tal)", hers, saved_citizen.get(item.id)))
    rows.append(row("Borgerens kommentar", form.get("citizen_comment"), scoring.citizen_comment))
    rows.append(row("Medarbejderens note", form.get("worker_note"), scoring.worker_note))
    return rows


def _scoring_form(scoring: Scoring) -> dict[str, Any]:
    form: dict[str, Any] = {
        VERSION_FIELD: scoring.version,
        "scored_on": scoring.scored_on.isoformat(),
        "occasion": scoring.occasion or "",
        "goal_id": scoring.goal_id or "",
        "participation": scoring.participation,
        "citizen_comment": scoring.citizen_comment or "",
        "worker_note": scoring.worker_note or "",
    }
    for item in scoring.items:
        form[VALUE_PREFIX + item.item] = item.value
        if item.citizen_value is not None:
            form[CITIZEN_VALUE_PREFIX + item.item] = item.citizen_value
    return form


@bp.get("/scoringer/<int:scoring_id>")
@requires(Action.READ)
def show(citizen_id: int, scoring_id: int) -> str:
    citizen, scoring = scoring_for(
        db.session, current_user, citizen_id, scoring_id, "scoring med historik"
    )
    return render_template(
        "scoring/show.html",
        citizen=citizen,
        scoring=scoring,
        instrument=instruments.get(scoring.instrument),
        later_comments=comments_by_scoring(db.session, citizen.id, scoring.id).get(scoring.id, []),
        can_edit=may(current_user, Action.SCORE)
        and may_record(current_user, scoring.instrument, scoring.occasion),
    )


# ------------------------------------------------------------------ the quarter's FKO status

QUARTER_FIELD = re.compile(r"^goal-(\d+)\.(value|worker_note|latest)$")


def _quarter_entries(form: Any) -> list[services.QuarterEntry]:
    """Every goal the form names, in the form's order (a goal closed meanwhile included:
    the service refuses it rather than dropping what she typed)."""
    fields: dict[int, dict[str, str]] = {}
    for key, value in form.items():
        if m := QUARTER_FIELD.match(key):
            fields.setdefault(int(m[1]), {})[m[2]] = value
    return [
        services.QuarterEntry(
            goal_id, f.get("value", ""), f.get("worker_note", ""), f.get("latest")
        )
        for goal_id, f in fields.items()
    ]


def _quarter_conflict(citizen: Citizen) -> tuple[str, int]:
    """The goals whose latest status moved on since she opened the page: her new status
    beside the one now saved. Saving hers on purpose sends the page's latest statuses."""
    typed = {e.goal_id: e for e in _quarter_entries(request.form) if e.filled}
    rows, latest = [], {}
    for q in services.quarter_goals(db.session, citizen):
        token = services.latest_token(q.latest)
        latest[services.quarter_field(q.goal.id, "latest")] = token
        entry = typed.get(q.goal.id)
        if entry is None or entry.latest in (None, token):
            continue
        saved = q.latest
        rows += [
            row(
                f"Støttebehov for »{q.goal.specific}«", entry.value, saved.total if saved else None
            ),
            row(
                "Dato for seneste status", request.form.get("scored_on"), saved and saved.scored_on
            ),
            row("Note", entry.worker_note, saved.worker_note if saved else None),
        ]
    return conflict_page(
        "kvartalets FKO-status",
        rows,
        latest,
        url_for("citizens.show", citizen_id=citizen.id),
    )


@bp.route("/kvartal", methods=["GET", "POST"])
@requires(Action.SCORE)
def quarter(citizen_id: int) -> tuple[str, int] | Response:
    """Every active goal's FKO status in one form: all saved, or none."""
    citizen = citizen_for(
        db.session, current_user, citizen_id, "kvartalets FKO-status", Action.SCORE
    )
    if not may_record(current_user, "FKO", "status"):
        raise Forbidden  # myndighed records baseline and target, not the status
    if "FKO" not in citizen.methods:
        raise NotFound  # as the ordinary FKO form: her record has no FKO
    errors: Errors = {}
    if request.method == "POST":
        scorings, errors = submit(
            QuarterSchema(),
            request.form,
            lambda meta: services.record_quarter(
                db.session,
                current_user,
                citizen,
                meta,
                _quarter_entries(request.form),
                today=local_today(),
            ),
        )
        if scorings is not None:
            flash(f"FKO-status registreret for {len(scorings)} mål.", "success")
            # The top of her page, where the message is (an anchor would scroll past it).
            return redirect(url_for("citizens.show", citizen_id=citizen.id))
        if is_conflict(errors):
            return _quarter_conflict(citizen)
    goals = services.quarter_goals(db.session, citizen)
    form = (
        request.form
        if request.method == "POST"
        else {
            "scored_on": local_today().isoformat(),
            "participation": "together",
            **{
                services.quarter_field(q.goal.id, "latest"): services.latest_token(q.latest)
                for q in goals
            },
        }
    )
    return render_template(
        "scoring/quarter.html",
        citizen=citizen,
        instrument=instruments.get("FKO"),
        goals=goals,
        form=form,
        errors=errors,
        participation=[(k, PARTICIPATION[k]) for k in services.SHARED_PARTICIPATION],
        field=services.quarter_field,
        today=local_today(),
    ), status_for(errors)


# ------------------------------------------------------------------ a session (FIT)


def _session_citizen(citizen_id: int, what: str) -> Citizen:
    """The citizen of the session pages, for whoever records both ORS and SRS."""
    citizen = citizen_for(db.session, current_user, citizen_id, what, Action.SCORE)
    if not may_hold_session(current_user):
        raise Forbidden  # myndighed records neither ORS nor SRS
    if any(i.method not in citizen.methods for i in services.session_instruments()):
        raise NotFound  # as the ordinary ORS form: her record has no FIT
    return citizen


@bp.route("/samtale", methods=["GET", "POST"])
@requires(Action.SCORE)
def samtale(citizen_id: int) -> tuple[str, int] | Response:
    """ORS at the start, the talk (her delmål, a note), SRS at the end: one save, all or
    nothing; then the graph with today's point."""
    citizen = _session_citizen(citizen_id, "samtale (ORS og SRS)")
    instruments_ = services.session_instruments()
    errors: Errors = {}
    if request.method == "POST":
        saved, errors = submit(
            SessionSchema(),
            request.form,
            lambda meta: services.record_session(
                db.session,
                current_user,
                citizen,
                meta,
                {i.id: _raw_values(services.session_field(i.id, "")) for i in instruments_},
                today=local_today(),
            ),
        )
        if saved is not None:
            flash(_saved_words(saved), "success")
            return redirect(url_for("scoring.samtale_graph", citizen_id=citizen.id))
    today = local_today()
    last = services.last_session_scorings(db.session, citizen.id)
    todays_ors = services.todays_ors(last, today)
    plan = citizen.active_plan
    sessions = (
        services.session_count(plan)
        if plan is not None and may_count_session(current_user, plan)
        else None
    )
    form = (
        request.form
        if request.method == "POST"
        else {
            "scored_on": today.isoformat(),
            "participation": "together",
            # today's ORS is there to be used; a § 82 b talk counts while sessions are left
            services.USE_ORS: str(todays_ors.scoring.id) if todays_ors else "",
            services.COUNT_SESSION: "1" if sessions and sessions.left else "",
        }
    )
    return render_template(
        "scoring/samtale.html",
        citizen=citizen,
        instruments=instruments_,
        last=last,
        todays_ors=todays_ors,
        sessions=sessions,
        goals=services.session_goals(db.session, citizen),
        form=form,
        errors=errors,
        participation=[(k, PARTICIPATION[k]) for k in services.SHARED_PARTICIPATION],
        field=services.session_field,
        without_srs=services.WITHOUT_SRS,
        use_ors=services.USE_ORS,
        count_session=services.COUNT_SESSION,
        today=today,
    ), status_for(errors)


def _saved_words(saved: services.SavedSession) -> str:
    ors = dk_number(saved.ors.total)
    words = (
        f"Samtalen er gemt med dagens ORS {ors}"
        if saved.ors_reused
        else (f"Samtalen er gemt: ORS {ors}")
    )
    words += f" og SRS {dk_number(saved.srs.total)}." if saved.srs else " (uden SRS)."
    if saved.counted:
        words += (
            f" Den er talt med i forløbet: {saved.counted.used} af {saved.counted.granted} "
            "samtaler brugt."
        )
    return words


@bp.get("/samtale/graf")
@requires(Action.SCORE)
def samtale_graph(citizen_id: int) -> str:
    """The session's last step: her ORS and SRS over time, today's point included."""
    citizen = _session_citizen(citizen_id, "samtale: ORS og SRS over tid")
    return render_template(
        "scoring/samtale_graph.html",
        citizen=citizen,
        chart=fit_chart(citizen, services.session_chart_scorings(db.session, citizen.id)),
    )
