"""Ikke på sporet: the worker's citizens below their starting band's expected curve."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from bostotte.audit.services import log_accesses
from bostotte.auth.permissions import Action, requires
from bostotte.common.time import local_today
from bostotte.extensions import db
from bostotte.progress.bands import MIN_COURSES, MIN_SESSIONS
from bostotte.progress.services import off_track
from bostotte.reminders.tasks import mine

bp = Blueprint("progress", __name__, url_prefix="/opgaver")


@bp.get("/ikke-paa-sporet")
@requires(Action.TASKS)
def off_track_list() -> str:
    whole_team = (request.values.get("alle") or "") == "1"
    rows = off_track(db.session, mine(current_user, whole_team), local_today())
    # each row shows her scores: a read of her record, access-logged
    log_accesses(
        db.session, current_user, [r.citizen_id for r in rows], "ikke på sporet", request.path
    )
    return render_template(
        "progress/off_track.html",
        rows=rows,
        whole_team=whole_team,
        min_courses=MIN_COURSES,
        min_sessions=MIN_SESSIONS,
    )
