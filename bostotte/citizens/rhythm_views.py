"""The rhythm pages, on the citizens blueprint: the worker's form for one citizen
(`/borgere/<id>/rytme`) and the leader's limits for her teams (`/borgere/rytme`)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from bostotte.auth.models import Team
from bostotte.auth.permissions import Action, NotFound, citizen_for, requires
from bostotte.citizens import rhythm
from bostotte.citizens.views import bp
from bostotte.common.schema import Errors
from bostotte.common.time import local_today, utcnow
from bostotte.common.versions import (
    VERSION_FIELD,
    conflict_page,
    field_rows,
    is_conflict,
    submitted_version,
)
from bostotte.common.views import status_for, submit
from bostotte.extensions import db
from bostotte.reminders.cadence import DEFAULT_RHYTHM

RHYTHM_LABELS = {
    "fko_status_months": "FKO-status: måneder mellem hver status",
    "ors_weeks": "ORS: højst antal uger mellem hver ORS",
    "rhythm_reason": "Begrundelse",
}


@bp.route("/<int:citizen_id>/rytme", methods=["GET", "POST"])
@requires(Action.TASKS)  # the rhythm drives the worker's reminders: hers to agree
def rhythm_form(citizen_id: int) -> tuple[str, int] | Response:
    citizen = citizen_for(db.session, current_user, citizen_id, "rytme", Action.EDIT)
    errors: Errors = {}
    if request.method == "POST":
        done, errors = submit(
            rhythm.RhythmSchema(),
            request.form,
            lambda data: rhythm.set_rhythm(
                db.session, citizen, data, local_today(), utcnow(), submitted_version(request.form)
            ),
        )
        if done is not None:
            flash(
                f"Rytmen er gemt: {citizen.rhythm_text}. Påmindelserne følger den fra nu.",
                "success",
            )
            return redirect(url_for("citizens.show", citizen_id=citizen.id))
        if is_conflict(errors):
            return conflict_page(
                "rytmen",
                field_rows(citizen, request.form, RHYTHM_LABELS),
                {VERSION_FIELD: citizen.version},
                url_for("citizens.show", citizen_id=citizen.id),
            )
    form = (
        request.form
        if request.method == "POST"
        else {
            VERSION_FIELD: citizen.version,
            "fko_status_months": citizen.fko_status_months or "",
            "ors_weeks": citizen.ors_weeks or "",
            "rhythm_reason": citizen.rhythm_reason or "",
        }
    )
    return render_template(
        "citizens/rhythm.html",
        citizen=citizen,
        page=rhythm.rhythm_page(db.session, citizen, local_today()),
        form=form,
        errors=errors,
        reason_max=rhythm.REASON_MAX,
    ), status_for(errors)


@bp.get("/rytme")
@requires(Action.OVERVIEW)
def rhythm_limits() -> str:
    return render_template(
        "citizens/rhythm_limits.html",
        teams=rhythm.limits_page(db.session, list(current_user.teams), local_today()),
        default=DEFAULT_RHYTHM,
    )


@bp.route("/rytme/<int:team_id>", methods=["GET", "POST"])
@requires(Action.OVERVIEW)
def team_limits(team_id: int) -> tuple[str, int] | Response:
    team: Team | None = next((t for t in current_user.teams if t.id == team_id), None)
    if team is None:
        raise NotFound  # not her team, or no such team: the same answer
    errors: Errors = {}
    if request.method == "POST":
        done, errors = submit(
            rhythm.LimitsSchema(),
            request.form,
            lambda data: rhythm.set_limits(db.session, team, data, local_today(), utcnow()),
        )
        if done is not None:
            limits = team.rhythm_limits
            flash(
                f"Grænserne for {team.name} er gemt: FKO-status {limits.fko_text}, "
                f"ORS {limits.ors_text}. Borgernes påmindelser følger dem fra nu.",
                "success",
            )
            return redirect(url_for("citizens.rhythm_limits"))
    limits = team.rhythm_limits
    form = (
        request.form
        if request.method == "POST"
        else {
            "fko_months_min": limits.fko_months[0],
            "fko_months_max": limits.fko_months[1],
            "ors_weeks_min": limits.ors_weeks[0],
            "ors_weeks_max": limits.ors_weeks[1],
        }
    )
    return render_template(
        "citizens/rhythm_limits_form.html",
        team=team,
        form=form,
        errors=errors,
        bounds=rhythm.BOUNDS,
        default=DEFAULT_RHYTHM,
    ), status_for(errors)
