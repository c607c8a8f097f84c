"""/myndighed: myndighed's worklist. Thin: ask the service, log the read of every citizen
the page names, render."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from bostotte.audit.services import log_accesses
from bostotte.auth.permissions import Action, may, may_record, requires
from bostotte.authority import services
from bostotte.common.time import local_today
from bostotte.extensions import db

bp = Blueprint("authority", __name__, url_prefix="/myndighed")


@bp.get("")
@requires(Action.WORKLIST)
def index() -> str:
    today = local_today()
    worklist = services.worklist(db.session, current_user, today)
    log_accesses(db.session, current_user, worklist.citizen_ids, "arbejdsliste", request.path)
    return render_template(
        "authority/index.html",
        worklist=worklist,
        # The FKO occasions she may record straight from the list (instrument files).
        fko_occasions=[o for o in services.FKO_OCCASIONS if may_record(current_user, "FKO", o)],
        can_edit_goals=may(current_user, Action.EDIT),
        today=today,
    )
