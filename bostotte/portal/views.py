"""The citizen's own pages (/mig): her plan and graphs, her own ORS/SRS, comments, her
"no, thank you" to scorings, her data and who has seen it. She only ever sees herself:
every page loads her record through citizen_for (access-logged) with the id from her own
login, never from the URL."""

from __future__ import annotations

import json
from datetime import date, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from bostotte import instruments
from bostotte.auth.permissions import Action, NotFound, citizen_for, requires, scoring_for
from bostotte.charts.citizen import citizen_charts
from bostotte.citizens.models import Citizen
from bostotte.common.formatting import dk_date, dk_datetime
from bostotte.common.paging import page_number
from bostotte.common.pdf import render_plain_pdf
from bostotte.common.schema import FormSchema
from bostotte.common.time import local_today, utcnow
from bostotte.common.views import attachment, flash_outcome, status_for, submit
from bostotte.extensions import commit_before_long_work, db, download_limit
from bostotte.portal import export, plain, services
from bostotte.portal.schemas import CommentSchema, DeclineSchema, SelfScoringSchema
from bostotte.reminders.cadence import RULES
from bostotte.reminders.signals import KINDS
from bostotte.scoring.services import instruments_for, record_scoring, scorings_for

bp = Blueprint(
    "portal", __name__, url_prefix="/mig", static_folder="static", static_url_path="/static"
)


@bp.context_processor
def _her_words() -> dict[str, object]:
    """Her pages' names for things (portal/plain.py), as `her` in the templates."""
    return {"her": plain}


def _me(what: str) -> Citizen:
    """Her own record, never another's: the id comes from her login, not the URL."""
    return citizen_for(db.session, current_user, current_user.citizen_id, what, Action.OWN)


@bp.get("")
@requires(Action.OWN)
def index() -> str:
    citizen = _me("mine mål")
    scorings = scorings_for(db.session, citizen.id)
    plan = citizen.active_plan
    # Her graphs, worded to her ("Din seneste score …"); her steps stay a plain list.
    charts = citizen_charts(
        citizen,
        scorings,
        today=local_today(),
        goals=plan.active_goals if plan else [],
        you=True,
        timelines=False,
    )
    return render_template(
        "portal/index.html",
        citizen=citizen,
        plan=plan,
        instruments=instruments_for(citizen),
        latest=services.latest_by_instrument(scorings),
        fko=instruments.get("FKO"),
        charts=charts,
        plain_words=services.plain_words,
        focus=services.next_focus(plan),
        reached=services.reached(plan),
        self_fill=services.self_fillable(citizen, current_user.role),
        self_fill_titles=services.SELF_FILLED,
        declines=services.active_declines(db.session, citizen.id),
        decline_label=services.decline_label,
    )


@bp.route("/udfyld/<instrument>", methods=["GET", "POST"])
@requires(Action.OWN)
def fill(instrument: str) -> tuple[str, int] | Response:
    if instrument not in services.SELF_FILLED:  # before the URL's word goes in the log
        raise NotFound
    citizen = _me(f"udfylder {instrument}")
    inst = next(
        (i for i in services.self_fillable(citizen, current_user.role) if i.id == instrument), None
    )
    if inst is None:
        raise NotFound
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        today = local_today()
        scoring, errors = submit(
            SelfScoringSchema(),
            request.form,
            lambda meta: record_scoring(
                db.session,
                current_user,
                citizen,
                inst.id,
                {**meta, "scored_on": today},
                {item: request.form.get(item) for item in inst.item_ids},
                today=today,
            ),
        )
        if scoring is not None:
            flash("Tak. Dine svar er gemt. Din mestringsvejleder kan se dem.", "success")
            return redirect(url_for("portal.index", _anchor="maalinger"))
        # An item she has not answered yet is said in her words, one message each.
        for item in inst.item_ids:
            if not (request.form.get(item) or "").strip():
                errors[item] = [plain.NOT_ANSWERED]
    return render_template(
        "portal/fill.html",
        citizen=citizen,
        instrument=inst,
        title=services.SELF_FILLED[inst.id],
        form=request.form,
        errors=errors,
    ), status_for(errors)


@bp.get("/maalinger")
@requires(Action.OWN)
def scorings() -> str:
    citizen = _me("mine målinger")
    return render_template(
        "portal/scorings.html",
        citizen=citizen,
        scorings=scorings_for(db.session, citizen.id),
        comments=services.comments_by_scoring(db.session, citizen.id),
        instrument=instruments.get,
    )


@bp.route("/maalinger/<int:scoring_id>", methods=["GET", "POST"])
@requires(Action.OWN)
def scoring(scoring_id: int) -> tuple[str, int] | Response:
    citizen, found = scoring_for(
        db.session, current_user, current_user.citizen_id, scoring_id, "min måling", Action.OWN
    )
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        done, errors = submit(
            CommentSchema(),
            request.form,
            lambda data: services.add_comment(
                db.session, current_user, citizen, found, data["text"]
            ),
        )
        if done is not None:
            flash("Din kommentar er gemt. Din mestringsvejleder kan se den.", "success")
            return redirect(url_for("portal.scoring", scoring_id=found.id))
    return render_template(
        "portal/scoring.html",
        citizen=citizen,
        scoring=found,
        instrument=instruments.get(found.instrument),
        comments=services.comments_by_scoring(db.session, citizen.id, found.id).get(found.id, []),
        form=request.form,
        errors=errors,
    ), status_for(errors)


@bp.route("/nej-tak", methods=["GET", "POST"])
@requires(Action.OWN)
def decline() -> tuple[str, int] | Response:
    citizen = _me("nej tak til målinger")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        done, errors = submit(
            DeclineSchema(),
            request.form,
            lambda data: services.decline(
                db.session, current_user, citizen, data["instrument"], data["reason"]
            ),
        )
        if done is not None:
            flash("Det er gemt. Din mestringsvejleder kan se det.", "success")
            return redirect(url_for("portal.decline"))
    return render_template(
        "portal/decline.html",
        citizen=citizen,
        choices=services.decline_choices(citizen),
        declines=services.active_declines(db.session, citizen.id),
        decline_label=services.decline_label,
        form=request.form,
        errors=errors,
    ), status_for(errors)


@bp.post("/nej-tak/<int:decline_id>/fortryd")
@requires(Action.OWN)
def withdraw(decline_id: int) -> Response:
    citizen = _me("nej tak til målinger")
    _, errors = submit(
        FormSchema(),
        request.form,
        lambda _data: services.withdraw_decline(db.session, citizen, decline_id, utcnow()),
    )
    flash_outcome(errors, "Du har fortrudt dit nej tak.")
    return redirect(url_for("portal.decline"))


@bp.get("/mine-data")
@requires(Action.OWN)
def my_data() -> str:
    citizen = _me("mine data")
    return render_template("portal/my_data.html", citizen=citizen)


def _download(body: bytes, mimetype: str, extension: str) -> Response:
    return attachment(body, mimetype, f"mine-data-{local_today().isoformat()}.{extension}")


@bp.get("/mine-data.json")
@requires(Action.OWN)
@download_limit()
def my_data_json() -> Response:
    citizen = _me("henter mine data (JSON)")
    commit_before_long_work()
    record = export.citizen_record(db.session, citizen, now=utcnow())
    # No indent: only without it does json use its C encoder (15 MB of history: 0.9 s → 0.2 s).
    return _download(json.dumps(record, ensure_ascii=False).encode(), "application/json", "json")


@bp.get("/mine-data.pdf")
@requires(Action.OWN)
@download_limit()
def my_data_pdf() -> Response:
    citizen = _me("henter mine data (PDF)")
    commit_before_long_work()
    record = export.citizen_record(db.session, citizen, now=utcnow(), pdf=True)
    return _download(
        render_plain_pdf(
            "portal/my_data_pdf.html",
            data=record,
            when=_when,
            day=_day,
            month=_month,
            instrument_label=services.instrument_label,
            rules=RULES,
            signal_kinds=KINDS,
        ),
        "application/pdf",
        "pdf",
    )


def _when(iso: str | None) -> str:
    """A timestamp of the export, in Danish local time, for the PDF."""
    return dk_datetime(datetime.fromisoformat(iso)) if iso else "–"


def _day(iso: str | None) -> str:
    """A date (or the day of a timestamp) of the export, as Danish text, for the PDF."""
    return dk_date(date.fromisoformat(iso[:10])) if iso else "–"


def _month(year: int, month: int) -> str:
    """A month of the access-log summary, as Danish text ("marts 2026"), for the PDF."""
    return dk_date(date(year, month, 1), "MMMM y")


@bp.get("/hvem-har-set")
@requires(Action.OWN)
def seen() -> str:
    citizen = _me("hvem har set mine oplysninger")
    seen = services.seen_by(
        db.session, citizen.id, current_user.id, page_number(request.args.get("side"))
    )
    return render_template("portal/seen.html", citizen=citizen, seen=seen)
