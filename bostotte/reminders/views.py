"""Mine opgaver (the worker's start page), signals marked as seen, the leader's overview."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from bostotte.audit.services import log_accesses
from bostotte.auth.permissions import Action, citizen_for, requires
from bostotte.common.paging import page_number
from bostotte.common.schema import Errors
from bostotte.common.time import local_today, utcnow
from bostotte.common.views import status_for, submit
from bostotte.extensions import db
from bostotte.reminders import tasks
from bostotte.reminders.cadence import RULES
from bostotte.reminders.schemas import NOTE_MAX, SignalSeenSchema
from bostotte.reminders.signals import SIGNAL_KINDS
from bostotte.reminders.voice import VOICE_DAYS

bp = Blueprint("reminders", __name__, url_prefix="/opgaver")


def _whole_team() -> bool:
    return (request.values.get("alle") or "") == "1"


def _page_number() -> int:
    return page_number(request.values.get("side"))


def resolve_links(line: tasks.TaskLine) -> list[tuple[str, str]]:
    """The forms that resolve a task line (for dates, the alternative too)."""
    cid = line.citizen_id
    match line.rule:
        case "fko_status":
            links = [(url_for("scoring.quarter", citizen_id=cid), "Alle mål på én side")]
            if line.goal_id is not None:
                one = url_for(
                    "scoring.new",
                    citizen_id=cid,
                    instrument="FKO",
                    goal=line.goal_id,
                    occasion="status",
                )
                links.insert(0, (one, "Registrér FKO"))
            return links
        case "fko_final":
            one = url_for(
                "scoring.new", citizen_id=cid, instrument="FKO", goal=line.goal_id, occasion="final"
            )
            return [(one, "Registrér FKO")]
        case "rem_first" | "rem_follow_up":
            return [(url_for("scoring.new", citizen_id=cid, instrument="REM"), "Registrér REM")]
        case "ors":
            return [(url_for("scoring.new", citizen_id=cid, instrument="ORS"), "Registrér ORS")]
        case "goal_target":
            return [
                (url_for("goals.close_goal", citizen_id=cid, goal_id=line.goal_id), "Afslut målet"),
                (url_for("goals.edit_goal", citizen_id=cid, goal_id=line.goal_id), "Ret måldatoen"),
            ]
        case "subgoal_target":
            return [
                (
                    url_for("goals.edit_subgoal", citizen_id=cid, subgoal_id=line.subgoal_id),
                    "Ret delmålet",
                )
            ]
        case _:
            return [(url_for("citizens.show", citizen_id=cid, _anchor="plan"), "Gå til planen")]


def _page(
    errors: Errors | None = None, failed: tuple[int, str, str, str] | None = None
) -> tuple[str, int]:
    today, whole_team = local_today(), _whole_team()
    work = tasks.worklist(
        db.session, current_user, today, whole_team=whole_team, page=_page_number()
    )
    # each card shows from her record (signals, her own words): a read, access-logged
    log_accesses(
        db.session, current_user, [c.citizen.id for c in work.cards], "mine opgaver", request.path
    )
    return render_template(
        "reminders/index.html",
        work=work,
        links=resolve_links,
        today=today,
        whole_team=whole_team,
        errors=errors or {},
        failed=failed,
        note_max=NOTE_MAX,
        voice_days=VOICE_DAYS,
        form=request.form,
    ), status_for(errors or {})


@bp.get("")
@requires(Action.TASKS)
def index() -> tuple[str, int]:
    return _page()


@bp.post("/signaler/<int:citizen_id>")
@requires(Action.TASKS)
def mark_seen(citizen_id: int) -> tuple[str, int] | Response:
    """A signal marked as seen, or what the citizen wrote marked as read."""
    citizen = citizen_for(db.session, current_user, citizen_id, "signal set", Action.TASKS)
    ack, errors = submit(
        SignalSeenSchema(),
        request.form,
        lambda data: tasks.mark_seen(
            db.session, current_user, citizen, data, local_today(), utcnow()
        ),
    )
    if ack is None:
        # the item whose form failed, as the page lists it (to show the message there)
        failed = (
            citizen.id,
            request.form.get("kind", ""),
            request.form.get("subject", ""),
            request.form.get("basis", ""),
        )
        return _page(errors, failed)
    if ack.kind in SIGNAL_KINDS:
        flash(f"Signalet om {citizen.display_name} er markeret som set.", "success")
    else:
        flash(f"Beskeden fra {citizen.display_name} er markeret som læst.", "success")
    # back to the same page of cards, at its top, where the confirmation is
    return redirect(
        url_for(
            "reminders.index",
            alle="1" if _whole_team() else None,
            side=_page_number() if _page_number() > 1 else None,
        )
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
