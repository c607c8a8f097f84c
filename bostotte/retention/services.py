"""Retention: a citizen whose indsats ended more than BOSTOTTE_RETENTION_YEARS ago (default
5) is anonymised, and access-log rows older than BOSTOTTE_ACCESS_LOG_YEARS are deleted.

Anonymised means: her name, case number and external id, every free text (goals, delmål,
notes, plan notes, comments, declines, signal notes, her rhythm's reason), the goals'
history, the scorings' earlier versions, her reminders, invitations and login are gone.
Kept: team, gender, birth year, legal basis and dates, the goals' themes and statuses, the
delmål's methods, the scorings' dates and values.
So she still counts in the statistics of the years she was here, and those numbers do not
change, while nothing left names or describes her.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, delete, func, select, update

from bostotte.api.models import IdempotencyKey
from bostotte.audit.models import AccessLog
from bostotte.auth import sessions
from bostotte.auth.models import Identity, RecoveryCode, Team, User
from bostotte.citizens.models import Citizen, Plan
from bostotte.common.db import Session
from bostotte.common.time import LOCAL_TZ, add_months
from bostotte.goals.models import Goal, GoalRevision, SubGoal, SubGoalNote
from bostotte.invitations.models import Invitation
from bostotte.portal.models import ScoringComment, ScoringDecline
from bostotte.reminders.models import Reminder, SignalAck
from bostotte.scoring.models import Scoring, ScoringRevision

ANONYMOUS = "Anonymiseret borger"
REMOVED = "–"  # where a text column may not be empty


@dataclass(frozen=True)
class Due:
    citizen_id: int
    team: str
    ended: date


def cutoff(today: date, years: int) -> date:
    return add_months(today, -12 * years)


def due(session: Session, today: date, years: int) -> list[Due]:
    """Citizens not yet anonymised, with no active plan, whose last plan (or indsats) ended
    before the cutoff."""
    last_end = (
        select(Plan.citizen_id, func.max(Plan.end_date).label("ended"))
        .group_by(Plan.citizen_id)
        .having(func.max(case((Plan.status == "active", 1), else_=0)) == 0)
        .subquery()
    )
    ended = func.coalesce(Citizen.end_date, last_end.c.ended)
    rows = session.execute(
        select(Citizen.id, Team.name, ended)
        .join(last_end, last_end.c.citizen_id == Citizen.id)
        .join(Team, Team.id == Citizen.team_id)
        .where(Citizen.display_name != ANONYMOUS, ended < cutoff(today, years))
        .order_by(Citizen.id)
    ).all()
    return [Due(cid, team, end) for cid, team, end in rows]


def anonymise(session: Session, citizen_id: int, now: datetime) -> None:
    """Everything that names or describes her goes; what the statistics count stays."""
    citizen = session.get_one(Citizen, citizen_id)
    citizen.display_name, citizen.case_ref, citizen.external_id = ANONYMOUS, None, None
    citizen.rhythm_reason = None
    session.execute(update(Plan).where(Plan.citizen_id == citizen_id).values(note=None))
    goal_ids = select(Goal.id).where(Goal.citizen_id == citizen_id).scalar_subquery()
    # The history holds the goals' and delmål's earlier words.
    session.execute(delete(GoalRevision).where(GoalRevision.goal_id.in_(goal_ids)))
    session.execute(
        update(Goal)
        .where(Goal.citizen_id == citizen_id)
        .values(
            specific=REMOVED, measurable=None, realistic=None, close_reason=None, external_id=None
        )
    )
    subgoal_ids = select(SubGoal.id).where(SubGoal.goal_id.in_(goal_ids)).scalar_subquery()
    session.execute(delete(SubGoalNote).where(SubGoalNote.subgoal_id.in_(subgoal_ids)))
    session.execute(
        update(SubGoal).where(SubGoal.goal_id.in_(goal_ids)).values(title=REMOVED, approach=None)
    )
    scoring_ids = select(Scoring.id).where(Scoring.citizen_id == citizen_id).scalar_subquery()
    session.execute(delete(ScoringRevision).where(ScoringRevision.scoring_id.in_(scoring_ids)))
    session.execute(
        update(Scoring)
        .where(Scoring.citizen_id == citizen_id)
        .values(citizen_comment=None, worker_note=None)
    )
    for model in (ScoringComment, ScoringDecline, SignalAck, Reminder, Invitation):
        session.execute(delete(model).where(model.citizen_id == citizen_id))
    login = session.scalar(select(User).where(User.citizen_id == citizen_id))
    if login is not None:
        sessions.end_all(session, login, now)
        session.execute(delete(Identity).where(Identity.user_id == login.id))
        session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == login.id))
        login.name, login.email = ANONYMOUS, f"anonymiseret-{login.id}@invalid"
        login.password_hash, login.active = None, False
    session.flush()


def prune_access_log(session: Session, today: date, years: int) -> int:
    before = datetime.combine(cutoff(today, years), time(), LOCAL_TZ)
    result = session.execute(delete(AccessLog).where(AccessLog.at < before))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# An Idempotency-Key answers retries: a week is far beyond any client's retry window.
IDEMPOTENCY_KEEP = timedelta(days=7)


def prune_idempotency_keys(session: Session, now: datetime) -> int:
    stale = delete(IdempotencyKey).where(IdempotencyKey.created_at < now - IDEMPOTENCY_KEEP)
    return int(session.execute(stale).rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Result:
    anonymised: int
    log_rows: int
    idempotency_keys: int = 0


def apply(session: Session, today: date, now: datetime, years: int, log_years: int) -> Result:
    """The monthly run: anonymise who is due, prune the access log and old API retry keys."""
    found = due(session, today, years)
    for item in found:
        anonymise(session, item.citizen_id, now)
    return Result(
        len(found),
        prune_access_log(session, today, log_years),
        prune_idempotency_keys(session, now),
    )
