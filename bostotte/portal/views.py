"""The citizen's own pages (/mig): her plan, read-only, and her graphs."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from bostotte import instruments
from bostotte.auth.models import Role
from bostotte.auth.permissions import load_citizen, roles_required
from bostotte.charts.citizen import citizen_charts
from bostotte.common.time import local_today
from bostotte.extensions import db
from bostotte.scoring.models import Scoring
from bostotte.scoring.services import instruments_for, scorings_for

bp = Blueprint("portal", __name__, url_prefix="/mig")


@bp.get("")
@roles_required(Role.CITIZEN)
def index() -> str:
    if current_user.citizen_id is None:
        abort(404)
    citizen = load_citizen(db.session, current_user, current_user.citizen_id, "mine mål")
    scorings = scorings_for(db.session, citizen.id)
    latest: dict[tuple[str, int | None], Scoring] = {}
    for s in scorings:
        latest.setdefault((s.instrument, s.goal_id), s)
    plan = citizen.active_plan
    # Her graphs, worded to her ("Din seneste score …"); her steps stay a plain list.
    charts = citizen_charts(citizen, scorings, today=local_today(),
                            goals=plan.active_goals if plan else [], you=True, timelines=False)
    return render_template("portal/index.html", citizen=citizen, plan=plan,
                           instruments=instruments_for(citizen), latest=latest,
                           fko=instruments.get("FKO"), charts=charts)
