"""A citizen with a long history, written in bulk (one INSERT per table), for the download
tests and the figures in bench/README.md: issue 24's citizen had 443 scorings, 257 notes and
7,000 access-log rows; `scale=10` gives ten times that."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bostotte import instruments
from bostotte.audit.models import AccessLog
from bostotte.auth.models import User
from bostotte.citizens.models import Citizen, Plan
from bostotte.goals.models import SubGoal, SubGoalNote
from bostotte.scoring.models import Scoring, ScoringItem

SCORINGS, NOTES, LOG_ROWS = 443, 257, 7_000
START = date(2015, 1, 1)


def long_history(
    session: Session,
    citizen: Citizen,
    plan: Plan,
    staff: list[User],
    *,
    scale: int = 1,
) -> None:
    """Scorings (ORS, four items each), notes on one delmål of `plan` and access-log rows by
    `staff` in turn, spread over the years before 2026-11-23."""
    goal = plan.goals[0]
    step = session.scalar(select(SubGoal).where(SubGoal.goal_id == goal.id).limit(1))
    assert step is not None
    ors = instruments.get("ORS")
    n_scorings, n_notes, n_log = SCORINGS * scale, NOTES * scale, LOG_ROWS * scale
    rows = [
        {
            "citizen_id": citizen.id,
            "instrument": "ORS",
            "instrument_version": ors.version,
            "scored_on": START + timedelta(days=(i * 4000) // n_scorings),
            "participation": "together",
            "worker_note": f"Samtale nr. {i}",
            "total": 24.0,
            "scored_by_id": staff[i % len(staff)].id,
        }
        for i in range(n_scorings)
    ]
    ids = session.scalars(insert(Scoring).returning(Scoring.id), rows).all()
    session.execute(
        insert(ScoringItem),
        [
            {"scoring_id": sid, "item": item, "position": pos, "value": 6.0}
            for sid in ids
            for pos, item in enumerate(ors.item_ids)
        ],
    )
    session.execute(
        insert(SubGoalNote),
        [
            {
                "subgoal_id": step.id,
                "noted_on": START + timedelta(days=(i * 4000) // n_notes),
                "text": f"Note nr. {i} om hvordan det gik med posten",
                "author_id": staff[i % len(staff)].id,
            }
            for i in range(n_notes)
        ],
    )
    first = datetime(2015, 1, 1, 8, tzinfo=UTC)
    session.execute(
        insert(AccessLog),
        [
            {
                "actor_id": staff[i % len(staff)].id,
                "actor_role": staff[i % len(staff)].role,
                "citizen_id": citizen.id,
                "what": "borgerside",
                "path": f"/borgere/{citizen.id}",
                "at": first + timedelta(minutes=(i * 6_000_000) // n_log),
            }
            for i in range(n_log)
        ],
    )
    session.commit()
