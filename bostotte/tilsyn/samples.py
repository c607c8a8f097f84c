"""The stikprøve (issue 23): the leader draws N citizens of a visit's teams at random, or
names them by id, with the reason; the tilsyn reads one case file per citizen. Drawing
reads no record; each case file opened is her read of that citizen's record, through
auth.permissions (so the municipality's choice whether leaders read records holds), and
is access-logged as "tilsyn stikprøve", which the citizen sees among who has seen her data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from bostotte.auth.models import User
from bostotte.auth.permissions import Action, NotFound, citizen_for, citizen_scope
from bostotte.citizens.models import Citizen, Plan
from bostotte.common.db import Session, form_id
from bostotte.common.schema import InvalidInput
from bostotte.goals.models import (
    GOAL_FIELD_LABELS,
    SUBGOAL_FIELD_LABELS,
    Goal,
    GoalRevision,
    SubGoal,
)
from bostotte.scoring.models import Scoring
from bostotte.tilsyn.models import Sample, SampleMember, Visit

WHAT = "tilsyn stikprøve"
MAX_SIZE = 10


def candidates(session: Session, user: User, visit: Visit) -> list[int]:
    """Ids of the citizens of the visit's teams whom she may read, with a plan."""
    return list(
        session.scalars(
            select(Citizen.id)
            .where(
                Citizen.team_id.in_(visit.team_ids),
                citizen_scope(user),
                exists().where(Plan.citizen_id == Citizen.id),
            )
            .order_by(Citizen.id)
        )
    )


def draw(
    session: Session,
    user: User,
    visit: Visit,
    data: dict[str, Any],
    rng: random.Random | None = None,
) -> Sample:
    """`data`: size (1–10) and reason, or chosen ids ("12, 40"). All or nothing."""
    pool = candidates(session, user, visit)
    errors: dict[str, list[str]] = {}
    chosen_raw = [p.strip() for p in (data.get("chosen") or "").replace(";", ",").split(",")]
    chosen_raw = [p for p in chosen_raw if p]
    if chosen_raw:
        if any(form_id(p) is None for p in chosen_raw):
            errors["chosen"] = ["Skriv borgernes id'er som tal adskilt af komma, fx 12, 40."]
        else:
            ids = list(dict.fromkeys(int(p) for p in chosen_raw))
            if any(i not in pool for i in ids) or len(ids) > MAX_SIZE:
                errors["chosen"] = [f"Vælg højst {MAX_SIZE} borgere med en plan i besøgets teams."]
            picked, method = ids, "chosen"
    else:
        size = data.get("size") or 0
        if not 1 <= size <= MAX_SIZE:
            errors["size"] = [f"Vælg mellem 1 og {MAX_SIZE} borgere."]
        elif size > len(pool):
            errors["size"] = [f"Besøgets teams har kun {len(pool)} borgere med en plan."]
        else:
            picked, method = (rng or random.SystemRandom()).sample(pool, size), "random"
    if errors:
        raise InvalidInput(errors)
    sample = Sample(visit_id=visit.id, method=method, reason=data["reason"], created_by_id=user.id)
    sample.members = [
        SampleMember(citizen_id=cid, position=n) for n, cid in enumerate(picked, start=1)
    ]
    session.add(sample)
    session.flush()
    return sample


def samples_of(session: Session, visit: Visit) -> list[Sample]:
    return list(
        session.scalars(
            select(Sample)
            .where(Sample.visit_id == visit.id)
            .options(selectinload(Sample.members), selectinload(Sample.created_by))
            .order_by(Sample.created_at.desc(), Sample.id.desc())
        )
    )


# ----------------------------------------------------------------------- the case file


@dataclass(frozen=True)
class Change:
    """One change of a goal or one of its delmål, in words: "delmål: Status, Måldato"."""

    at: datetime
    of_subgoal: bool
    fields: str
    by: str | None


@dataclass(frozen=True)
class CaseFile:
    citizen: Citizen
    position: int
    size: int
    plans: list[Plan]
    fko: dict[int, list[Scoring]]  # goal id → its FKO scorings, oldest first
    history: dict[int, list[Change]]  # goal id → its changes, oldest first


def case_file(session: Session, user: User, sample: Sample, position: int) -> CaseFile:
    """Her case file for the tilsyn: a read of her record, logged (else Forbidden/NotFound
    from auth.permissions)."""
    member = next((m for m in sample.members if m.position == position), None)
    if member is None:
        raise NotFound
    citizen = citizen_for(session, user, member.citizen_id, WHAT, Action.READ)
    plans = list(
        session.scalars(
            select(Plan)
            .where(Plan.citizen_id == citizen.id)
            .order_by(Plan.start_date, Plan.id)
            .options(
                selectinload(Plan.goals).selectinload(Goal.subgoals).selectinload(SubGoal.notes)
            )
        )
    )
    fko: dict[int, list[Scoring]] = {}
    for s in session.scalars(
        select(Scoring)
        .where(Scoring.citizen_id == citizen.id, Scoring.instrument == "FKO")
        .order_by(Scoring.scored_on, Scoring.id)
    ):
        if s.goal_id is not None:
            fko.setdefault(s.goal_id, []).append(s)
    history: dict[int, list[Change]] = {}
    goal_ids = [g.id for p in plans for g in p.goals]
    labels = SUBGOAL_FIELD_LABELS | GOAL_FIELD_LABELS
    for r in session.scalars(
        select(GoalRevision)
        .where(GoalRevision.goal_id.in_(goal_ids))
        .options(selectinload(GoalRevision.replaced_by))
        .order_by(GoalRevision.replaced_at, GoalRevision.id)
    ):
        shown = [labels.get(k, k) for k in (r.changes or {})]
        history.setdefault(r.goal_id, []).append(
            Change(
                r.replaced_at,
                r.subgoal_id is not None,
                ", ".join(shown),
                r.replaced_by.name if r.replaced_by else None,
            )
        )
    return CaseFile(citizen, position, len(sample.members), plans, fko, history)
