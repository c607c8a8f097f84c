"""Ikke på sporet: the worker's citizens below their starting band's expected curve; a
leader's, for her teams, where the municipality lets leaders read records."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from bostotte.audit.services import log_accesses
from bostotte.auth.models import Role
from bostotte.auth.permissions import Action, citizen_scope, may, refusal
from bostotte.common.time import local_today
from bostotte.extensions import db
from bostotte.progress.bands import MIN_COURSES, MIN_SESSIONS
from bostotte.progress.services import off_track
from bostotte.reminders.tasks import mine

bp = Blueprint("progress", __name__, url_prefix="/opgaver")


@bp.get("/ikke-paa-sporet")
@login_required
def off_track_list() -> str:
    # A worker: her citizens (or her teams'); a leader: her teams', when she may read records
    # (auth.permissions: the municipality's setting). Anyone else: 403.
    leader = current_user.role == Role.LEADER
    action = Action.READ if leader else Action.TASKS
    if not may(current_user, action):
        raise refusal(current_user, action)
    whole_team = leader or (request.values.get("alle") or "") == "1"
    scope = citizen_scope(current_user) if leader else mine(current_user, whole_team)
    rows = off_track(db.session, scope, local_today())
    # each row shows her scores: a read of her record, access-logged
    log_accesses(
        db.session, current_user, [r.citizen_id for r in rows], "ikke på sporet", request.path
    )
    return render_template(
        "progress/off_track.html",
        rows=rows,
        whole_team=whole_team,
        leader=leader,
        min_courses=MIN_COURSES,
        min_sessions=MIN_SESSIONS,
    )
