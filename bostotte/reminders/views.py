"""Mine opgaver (the worker's start page), signals marked as seen, the leader's overview."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from bostotte.auth.permissions import Action, citizen_for, requires
from bostotte.common.schema import Errors
from bostotte.common.time import local_today, utcnow
from bostotte.common.views import status_for, submit
from bostotte.extensions import db
from bostotte.reminders import tasks
from bostotte.reminders.cadence import RULES
from bostotte.reminders.models import Reminder
from bostotte.reminders.schemas import NOTE_MAX, SignalSeenSchema

bp = Blueprint("reminders", __name__, url_prefix="/opgaver")


def _whole_team() -> bool:
    return (request.values.get("alle") or "") == "1"


def resolve_links(r: Reminder) -> list[tuple[str, str]]:
    """The form that resolves a reminder (and, for dates, the alternative)."""
    cid = r.citizen_id
    match r.rule:
        case "fko_status" | "fko_final":
            occasion = "final" if r.rule == "fko_final" else "status"
            return [
                (
                    url_for(
                        "scoring.new",
                        citizen_id=cid,
                        instrument="FKO",
                        goal=r.goal_id,
                        occasion=occasion,
                    ),
                    "Registrér FKO",
                )
            ]
        case "rem_first" | "rem_follow_up":
            return [(url_for("scoring.new", citizen_id=cid, instrument="REM"), "Registrér REM")]
        case "ors":
            return [(url_for("scoring.new", citizen_id=cid, instrument="ORS"), "Registrér ORS")]
        case "goal_target":
            return [
                (url_for("goals.close_goal", citizen_id=cid, goal_id=r.goal_id), "Afslut målet"),
                (url_for("goals.edit_goal", citizen_id=cid, goal_id=r.goal_id), "Ret måldatoen"),
            ]
        case "subgoal_target":
            return [
                (
                    url_for("goals.edit_subgoal", citizen_id=cid, subgoal_id=r.subgoal_id),
                    "Ret delmålet",
                )
            ]
        case _:
            return [(url_for("citizens.show", citizen_id=cid, _anchor="plan"), "Gå til planen")]


def _page(
    errors: Errors | None = None, failed: tuple[int, str, str, str] | None = None
) -> tuple[str, int]:
    today, whole_team = local_today(), _whole_team()
    unseen, seen = tasks.signals_page(db.session, current_user, today, whole_team=whole_team)
    todo = tasks.open_tasks(db.session, current_user, whole_team=whole_team)
    return render_template(
        "reminders/index.html",
        scorings=[t for t in todo if RULES[t.rule].scoring],
        dates=[t for t in todo if not RULES[t.rule].scoring],
        unseen=unseen,
        seen=seen,
        rules=RULES,
        links=resolve_links,
        today=today,
        whole_team=whole_team,
        errors=errors or {},
        failed=failed,
        note_max=NOTE_MAX,
        form=request.form,
    ), status_for(errors or {})


@bp.get("")
@requires(Action.TASKS)
def index() -> tuple[str, int]:
    return _page()


@bp.post("/signaler/<int:citizen_id>")
@requires(Action.TASKS)
def mark_seen(citizen_id: int) -> tuple[str, int] | Response:
    citizen = citizen_for(db.session, current_user, citizen_id, "signal set", Action.TASKS)
    ack, errors = submit(
        SignalSeenSchema(),
        request.form,
        lambda data: tasks.mark_seen(
            db.session, current_user, citizen, data, local_today(), utcnow()
        ),
    )
    if ack is None:
        # the signal whose form failed, as the page lists it (to show the message there)
        failed = (
            citizen.id,
            request.form.get("kind", ""),
            request.form.get("subject", ""),
            request.form.get("basis", ""),
        )
        return _page(errors, failed)
    flash(f"Signalet om {citizen.display_name} er markeret som set.", "success")
    return redirect(
        url_for("reminders.index", alle="1" if _whole_team() else None, _anchor="signaler")
    )


@bp.get("/overblik")
@requires(Action.OVERVIEW)
def overview() -> str:
    return render_template(
        "reminders/overview.html",
        today=local_today(),
        rules=RULES,
        rows=tasks.overdue_by_team(db.session, current_user.teams, local_today()),
    )
