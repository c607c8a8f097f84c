"""The citizen's own pages (/mig): her plan and graphs, her own ORS/SRS, comments, her
"no, thank you" to scorings, her data and who has seen it. She only ever sees herself:
every page loads her record through load_citizen (access-logged) from her own login."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from bostotte import instruments
from bostotte.auth.models import Role
from bostotte.auth.permissions import load_citizen, roles_required
from bostotte.charts.citizen import citizen_charts
from bostotte.citizens.models import Citizen
from bostotte.common.formatting import dk_date, dk_datetime
from bostotte.common.pdf import render_pdf
from bostotte.common.schema import FormSchema
from bostotte.common.time import local_today, utcnow
from bostotte.common.views import flash_outcome, status_for, submit
from bostotte.extensions import db
from bostotte.portal import export, services
from bostotte.portal.models import ScoringComment
from bostotte.portal.schemas import CommentSchema, DeclineSchema, SelfScoringSchema
from bostotte.reminders.cadence import RULES
from bostotte.reminders.signals import KINDS
from bostotte.scoring.models import Scoring
from bostotte.scoring.services import get_scoring, instruments_for, record_scoring, scorings_for

bp = Blueprint("portal", __name__, url_prefix="/mig", static_folder="static",
               static_url_path="/static")


def _me(what: str) -> Citizen:
    """Her own record, never another's: the id comes from her login, not the URL."""
    if current_user.citizen_id is None:
        abort(404)
    return load_citizen(db.session, current_user, current_user.citizen_id, what)


@bp.get("")
@roles_required(Role.CITIZEN)
def index() -> str:
    citizen = _me("mine mål")
    scorings = scorings_for(db.session, citizen.id)
    plan = citizen.active_plan
    # Her graphs, worded to her ("Din seneste score …"); her steps stay a plain list.
    charts = citizen_charts(citizen, scorings, today=local_today(),
                            goals=plan.active_goals if plan else [], you=True, timelines=False)
    return render_template(
        "portal/index.html", citizen=citizen, plan=plan, instruments=instruments_for(citizen),
        latest=services.latest_by_instrument(scorings), fko=instruments.get("FKO"),
        charts=charts, plain_words=services.plain_words, focus=services.next_focus(plan),
        reached=services.reached(plan),
        self_fill=services.self_fillable(citizen, current_user.role),
        self_fill_titles=services.SELF_FILLED,
        declines=services.active_declines(db.session, citizen.id),
        decline_label=services.decline_label)


@bp.route("/udfyld/<instrument>", methods=["GET", "POST"])
@roles_required(Role.CITIZEN)
def fill(instrument: str) -> tuple[str, int] | Response:
    if instrument not in services.SELF_FILLED:  # before the URL's word goes in the log
        abort(404)
    citizen = _me(f"udfylder {instrument}")
    inst = next((i for i in services.self_fillable(citizen, current_user.role)
                 if i.id == instrument), None)
    if inst is None:
        abort(404)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        today = local_today()
        scoring, errors = submit(SelfScoringSchema(), request.form, lambda meta: record_scoring(
            db.session, current_user, citizen, inst.id, {**meta, "scored_on": today},
            {item: request.form.get(item) for item in inst.item_ids}, today=today))
        if scoring is not None:
            flash("Tak. Dine svar er gemt. Din mestringsvejleder kan se dem.", "success")
            return redirect(url_for("portal.index", _anchor="maalinger"))
    return render_template("portal/fill.html", citizen=citizen, instrument=inst,
                           title=services.SELF_FILLED[inst.id], form=request.form,
                           errors=errors), status_for(errors)


@bp.get("/maalinger")
@roles_required(Role.CITIZEN)
def scorings() -> str:
    citizen = _me("mine målinger")
    return render_template("portal/scorings.html", citizen=citizen,
                           scorings=scorings_for(db.session, citizen.id),
                           comments=services.comments_by_scoring(db.session, citizen.id),
                           instrument=instruments.get)


@bp.route("/maalinger/<int:scoring_id>", methods=["GET", "POST"])
@roles_required(Role.CITIZEN)
def scoring(scoring_id: int) -> tuple[str, int] | Response:
    citizen = _me("min måling")
    found = get_scoring(db.session, citizen.id, scoring_id)
    if found is None:
        abort(404)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        done, errors = submit(CommentSchema(), request.form, lambda data: services.add_comment(
            db.session, current_user, citizen, found, data["text"]))
        if done is not None:
            flash("Din kommentar er gemt. Din mestringsvejleder kan se den.", "success")
            return redirect(url_for("portal.scoring", scoring_id=found.id))
    return render_template(
        "portal/scoring.html", citizen=citizen, scoring=found,
        instrument=instruments.get(found.instrument),
        comments=services.comments_by_scoring(db.session, citizen.id, found.id).get(found.id, []),
        form=request.form, errors=errors), status_for(errors)


@bp.route("/nej-tak", methods=["GET", "POST"])
@roles_required(Role.CITIZEN)
def decline() -> tuple[str, int] | Response:
    citizen = _me("nej tak til målinger")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        done, errors = submit(DeclineSchema(), request.form, lambda data: services.decline(
            db.session, current_user, citizen, data["instrument"], data["reason"]))
        if done is not None:
            flash("Det er gemt. Din mestringsvejleder kan se det.", "success")
            return redirect(url_for("portal.decline"))
    return render_template("portal/decline.html", citizen=citizen,
                           choices=services.decline_choices(citizen),
                           declines=services.active_declines(db.session, citizen.id),
                           decline_label=services.decline_label, form=request.form,
                           errors=errors), status_for(errors)


@bp.post("/nej-tak/<int:decline_id>/fortryd")
@roles_required(Role.CITIZEN)
def withdraw(decline_id: int) -> Response:
    citizen = _me("nej tak til målinger")
    _, errors = submit(FormSchema(), request.form, lambda _data: services.withdraw_decline(
        db.session, citizen, decline_id, utcnow()))
    flash_outcome(errors, "Du har fortrudt dit nej tak.")
    return redirect(url_for("portal.decline"))


@bp.get("/mine-data")
@roles_required(Role.CITIZEN)
def my_data() -> str:
    citizen = _me("mine data")
    return render_template("portal/my_data.html", citizen=citizen)


def _download(body: bytes, mimetype: str, extension: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="mine-data-{local_today().isoformat()}.{extension}"')
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/mine-data.json")
@roles_required(Role.CITIZEN)
def my_data_json() -> Response:
    citizen = _me("henter mine data (JSON)")
    record = export.citizen_record(db.session, citizen, now=utcnow())
    return _download(json.dumps(record, ensure_ascii=False, indent=2).encode(),
                     "application/json", "json")


@bp.get("/mine-data.pdf")
@roles_required(Role.CITIZEN)
def my_data_pdf() -> Response:
    citizen = _me("henter mine data (PDF)")
    record = export.citizen_record(db.session, citizen, now=utcnow())
    return _download(render_pdf("portal/my_data_pdf.html", data=record, when=_when, day=_day,
                                instrument_label=_instrument_label, rules=RULES,
                                signal_kinds=KINDS),
                     "application/pdf", "pdf")


def _when(iso: str | None) -> str:
    """A timestamp of the export, in Danish local time, for the PDF."""
    return dk_datetime(datetime.fromisoformat(iso)) if iso else "–"


def _day(iso: str | None) -> str:
    """A date (or the day of a timestamp) of the export, as Danish text, for the PDF."""
    return dk_date(date.fromisoformat(iso[:10])) if iso else "–"


def _instrument_label(instrument_id: str) -> str:
    return (instruments.get(instrument_id).short_label if instruments.exists(instrument_id)
            else instrument_id)


@bp.get("/hvem-har-set")
@roles_required(Role.CITIZEN)
def seen() -> str:
    citizen = _me("hvem har set mine oplysninger")
    return render_template("portal/seen.html", citizen=citizen, limit=services.SEEN_LIMIT,
                           entries=services.seen_by(db.session, citizen.id, current_user.id))


# -- what the worker sees of the citizen's voice ---------------------------------------------

@bp.app_template_global()
def citizen_voice(citizen_id: int) -> dict[str, Any]:
    """Her active "no, thank you"s and her latest comments, for the worker's citizen page."""
    comments = list(db.session.scalars(
        select(ScoringComment).where(ScoringComment.citizen_id == citizen_id)
        .order_by(ScoringComment.created_at.desc(), ScoringComment.id.desc()).limit(10)))
    scorings = {s.id: s for s in db.session.scalars(
        select(Scoring).where(Scoring.id.in_({c.scoring_id for c in comments})))}
    return {"declines": services.active_declines(db.session, citizen_id),
            "comments": [(c, scorings[c.scoring_id]) for c in comments],
            "decline_label": services.decline_label, "instrument": _instrument_label}


@bp.app_template_global()
def scoring_comments(scoring: Scoring) -> list[ScoringComment]:
    """Her later comments on one scoring, for the worker's scoring page."""
    return services.comments_by_scoring(db.session, scoring.citizen_id,
                                        scoring.id).get(scoring.id, [])
