"""The handleplan after a visit (seed 002): actions for the indicators the leader chooses
(by default those scored 3 or lower, and every henstilling of the tilsyn), each with an
owner, a deadline as a quarter ("3. Q 2024", as seed 002 writes them) or a date, a status
and a note; and the owner's reminders when a deadline nears and when it has passed, each
exactly once."""

from __future__ import annotations

import calendar
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from bostotte.auth.models import Role, User, user_teams
from bostotte.common.dates import window_error
from bostotte.common.db import Session, form_id
from bostotte.common.formatting import dk_date
from bostotte.common.mail import MailSettings, build_message, send
from bostotte.common.schema import InvalidInput
from bostotte.common.versions import expect_version
from bostotte.tilsyn import kvalitetsmodel
from bostotte.tilsyn.models import ACTION_STATUSES, Action, Recommendation, Visit, visit_teams

log = logging.getLogger(__name__)

DEFAULT_AT_MOST = 3  # indicators scored this or lower are suggested for the handleplan
NEAR_DAYS = 14  # the owner hears of a deadline this many days before it
_QUARTER = re.compile(r"^\s*(?:([1-4])\s*\.?\s*Q|Q\s*([1-4]))\s*\.?\s*(\d{4})\s*$", re.IGNORECASE)
_DATE = re.compile(r"^\s*(\d{1,2})[-./](\d{1,2})[-./](\d{4})\s*$|^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
DEADLINE_HELP = "Skriv et kvartal som 3. Q 2024 eller en dato som 30-09-2024."


@dataclass(frozen=True)
class Deadline:
    due: date
    year: int | None = None
    quarter: int | None = None

    @property
    def text(self) -> str:
        return f"{self.quarter}. Q {self.year}" if self.quarter else dk_date(self.due)


def parse_deadline(raw: str) -> Deadline:
    """ "3. Q 2024", "3.Q 2024", "Q3 2024" → the quarter, due on its last day; or a date."""
    if m := _QUARTER.match(raw or ""):
        quarter, year = int(m[1] or m[2]), int(m[3])
        month = quarter * 3
        due = date(year, month, calendar.monthrange(year, month)[1])
        if window_error(due):
            raise ValueError(window_error(due))
        return Deadline(due, year, quarter)
    if m := _DATE.match(raw or ""):
        try:
            due = (
                date(int(m[3]), int(m[2]), int(m[1]))
                if m[1]
                else date(int(m[4]), int(m[5]), int(m[6]))
            )
        except ValueError:
            raise ValueError(DEADLINE_HELP) from None
        if error := window_error(due):
            raise ValueError(error)
        return Deadline(due)
    raise ValueError(DEADLINE_HELP)


def deadline_of(action: Action) -> Deadline:
    return Deadline(action.due_date, action.deadline_year, action.deadline_quarter)


def suggested(visit: Visit) -> list[str]:
    """The indicators a handleplan starts from: scored 3 or lower, in the model's order."""
    scores = visit.score_map
    model = kvalitetsmodel.get(visit.model_version)
    return [i for i in model.indicators if i in scores and scores[i] <= DEFAULT_AT_MOST]


def suggested_recommendations(visit: Visit) -> list[Recommendation]:
    """Every henstilling of the visit is offered to the handleplan, in its order."""
    return list(visit.recommendations)


def recommendation_label(rec: Recommendation, width: int = 80) -> str:
    """ "Henstilling 2 (9.b): Tilbuddet skal …" shortened to about `width` characters."""
    text = rec.text if len(rec.text) <= width else rec.text[: width - 1].rstrip() + "…"
    where = f" ({rec.indicator})" if rec.indicator else ""
    return f"Henstilling {rec.position}{where}: {text}"


def owners(session: Session, visit: Visit) -> list[User]:
    """Who may own an action: the active staff of the visit's teams."""
    return list(
        session.scalars(
            select(User)
            .join(user_teams, user_teams.c.user_id == User.id)
            .join(visit_teams, visit_teams.c.team_id == user_teams.c.team_id)
            .where(
                visit_teams.c.visit_id == visit.id,
                User.active.is_(True),
                User.role.in_([Role.WORKER, Role.LEADER]),
            )
            .distinct()
            .order_by(User.name)
        )
    )


@dataclass(frozen=True)
class Checked:
    deadline: Deadline
    owner: int | None
    indicator: str | None
    recommendation_id: int | None


def _check(session: Session, visit: Visit, data: Mapping[str, Any]) -> Checked:
    errors: dict[str, list[str]] = {}
    indicator = data.get("indicator") or None
    raw_rec = str(data.get("recommendation_id") or "")
    recommendation = form_id(raw_rec)
    if raw_rec and recommendation not in {r.id for r in visit.recommendations}:
        errors["recommendation_id"] = ["Vælg en af besøgets henstillinger, eller ingen."]
    if (
        indicator is not None
        and indicator not in kvalitetsmodel.get(visit.model_version).indicators
    ):
        errors["indicator"] = ["Vælg en indikator fra kvalitetsmodellen."]
    elif indicator is None and not raw_rec:
        errors["indicator"] = ["Vælg en indikator eller en henstilling, punktet hører til."]
    deadline = None
    try:
        deadline = parse_deadline(data["deadline"])
    except ValueError as exc:
        errors["deadline"] = [str(exc)]
    owner_id = data.get("owner_id")
    owner = form_id(owner_id) if owner_id else None
    if owner_id and (owner is None or owner not in {u.id for u in owners(session, visit)}):
        errors["owner_id"] = ["Vælg en medarbejder fra besøgets teams."]
    if errors or deadline is None:
        raise InvalidInput(errors)
    return Checked(deadline, owner, indicator, recommendation)


def _apply(action: Action, data: Mapping[str, Any], checked: Checked) -> None:
    deadline, owner = checked.deadline, checked.owner
    moved = action.due_date != deadline.due or action.owner_id != owner
    action.indicator = checked.indicator
    action.recommendation_id = checked.recommendation_id
    action.text = data["text"]
    action.owner_id = owner
    action.deadline_year, action.deadline_quarter = deadline.year, deadline.quarter
    action.deadline_date = None if deadline.quarter else deadline.due
    action.due_date = deadline.due
    action.status = data["status"]
    action.note = data.get("note") or ""
    if moved:  # a new deadline or owner: she hears of it again, once
        action.near_sent_at = action.overdue_sent_at = None


def add_action(session: Session, visit: Visit, data: Mapping[str, Any]) -> Action:
    checked = _check(session, visit, data)
    action = Action(visit_id=visit.id)
    _apply(action, data, checked)
    session.add(action)
    session.flush()
    return action


def update_action(
    session: Session, action: Action, data: Mapping[str, Any], version: int | None
) -> Action:
    expect_version(session, action, version)
    checked = _check(session, action.visit, data)
    _apply(action, data, checked)
    session.flush()
    return action


def actions_of_visit(session: Session, visit: Visit) -> list[Action]:
    return list(
        session.scalars(
            select(Action)
            .where(Action.visit_id == visit.id)
            .options(selectinload(Action.owner), selectinload(Action.recommendation))
            .order_by(Action.due_date, Action.id)
        )
    )


def actions_owned(session: Session, user: User) -> list[Action]:
    """A worker's own actions (any visit), not yet done first, nearest deadline first."""
    return list(
        session.scalars(
            select(Action)
            .where(Action.owner_id == user.id)
            .options(selectinload(Action.visit), selectinload(Action.recommendation))
            .order_by((Action.status == "done"), Action.due_date, Action.id)
        )
    )


def status_label(status: str) -> str:
    return ACTION_STATUSES.get(status, status)


def answers(action: Action) -> str:
    """What an action answers: "indikator 9.b", "henstilling 2", or both."""
    parts = [f"indikator {action.indicator}"] if action.indicator else []
    if action.recommendation is not None:
        parts.append(f"henstilling {action.recommendation.position}")
    return ", ".join(parts) or "–"


# ------------------------------------------------------------------------ reminders


@dataclass(frozen=True)
class Due:
    action_id: int
    stage: str  # "near" or "overdue"
    email: str
    subject: str
    body: str


def _column(stage: str) -> Any:
    return Action.near_sent_at if stage == "near" else Action.overdue_sent_at


def due_reminders(session: Session, today: date, base_url: str) -> list[Due]:
    """The owners' reminders not yet sent: a deadline within NEAR_DAYS, or passed. A
    deadline already passed gets only the overdue one."""
    rows = session.scalars(
        select(Action)
        .where(
            Action.status != "done",
            Action.owner_id.is_not(None),
            Action.due_date <= today + timedelta(days=NEAR_DAYS),
            (Action.near_sent_at.is_(None)) | (Action.overdue_sent_at.is_(None)),
        )
        .options(
            selectinload(Action.owner),
            selectinload(Action.visit),
            selectinload(Action.recommendation),
        )
        .order_by(Action.id)
    )
    out = []
    for a in rows:
        if a.owner is None or not a.owner.active:
            continue
        overdue = a.due_date < today
        stage = "overdue" if overdue else "near"
        if (a.overdue_sent_at if overdue else a.near_sent_at) is not None:
            continue
        when = deadline_of(a).text
        subject = (
            f"Handleplan efter tilsyn: fristen {when} er overskredet"
            if overdue
            else f"Handleplan efter tilsyn: fristen {when} nærmer sig"
        )
        body = (
            f"Du er ansvarlig for et punkt i handleplanen efter tilsynet "
            f"{dk_date(a.visit.visit_date)} ({a.visit.offer}), {answers(a)}, "
            f"med frist {when}.\n\nSe punktet: {base_url.rstrip('/')}/tilsyn\n"
        )
        out.append(Due(a.id, stage, a.owner.email, subject, body))
    return out


def claim_reminder(session: Session, due: Due, now: datetime) -> bool:
    """Mark it sent before sending: only the process whose UPDATE changed the row sends
    (an overdue claim also marks the near one, which is then never sent late)."""
    values: dict[str, Any] = {"overdue_sent_at" if due.stage == "overdue" else "near_sent_at": now}
    if due.stage == "overdue":
        values["near_sent_at"] = now
    result = session.execute(
        update(Action)
        .where(Action.id == due.action_id, _column(due.stage).is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def send_reminders(session: Session, settings: MailSettings, today: date, now: datetime) -> int:
    """The daily job's step for handleplan deadlines (reminders/jobs.py): claim, commit,
    send; a mail that could not go is unclaimed so a later run sends it."""
    sent = 0
    for due in due_reminders(session, today, settings.base_url):
        got = claim_reminder(session, due, now)
        session.commit()
        if not got:
            continue
        try:
            send(settings, build_message(settings, due.email, due.subject, due.body, now))
            sent += 1
        except Exception:
            log.exception("handleplan reminder %s for action %s failed", due.stage, due.action_id)
            session.rollback()
            session.execute(
                update(Action)
                .where(Action.id == due.action_id)
                .values({_column(due.stage).key: None})
                .execution_options(synchronize_session=False)
            )
            session.commit()
    return sent
