"""Small builders for test data, going through the services where a rule applies."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bostotte import instruments
from bostotte.auth.models import Role, Team, User
from bostotte.auth.services import create_user
from bostotte.citizens.models import Citizen, Plan
from bostotte.citizens.services import create_plan
from bostotte.goals.models import Goal, SubGoal
from bostotte.goals.services import add_goal, add_subgoal
from bostotte.scoring.models import Scoring
from bostotte.scoring.services import record_scoring

TODAY = date(2026, 11, 23)  # the suite's today (tests.conftest.TODAY)
_seq = itertools.count(1)


def team(session: Session, name: str | None = None) -> Team:
    t = Team(name=name or f"Team {next(_seq)}")
    session.add(t)
    session.flush()
    return t


def user(
    session: Session,
    role: Role | str,
    teams: list[Team] | None = None,
    password: str | None = None,
    **kw: Any,
) -> User:
    n = next(_seq)
    return create_user(
        session,
        email=kw.pop("email", f"{role}{n}@test.dk"),
        name=kw.pop("name", f"{str(role).title()} {n}"),
        role=str(role),
        password=password,
        teams=teams,
        **kw,
    )


def citizen(session: Session, team: Team, **kw: Any) -> Citizen:
    data: dict[str, Any] = {
        "display_name": f"Borger {next(_seq)}",
        "birth_year": 1980,
        "gender": "k",
        "legal_basis": "§85",
        "start_date": date(2026, 1, 1),
        "uses_fko": True,
        "uses_fit": True,
        "uses_rem": True,
    }
    data.update(kw)
    c = Citizen(team_id=team.id, **data)
    session.add(c)
    session.flush()
    return c


def plan(
    session: Session,
    citizen: Citizen,
    start: date = date(2026, 1, 1),
    end: date = date(2026, 12, 31),
    legal_basis: str = "§85",
) -> Plan:
    return create_plan(
        session, citizen, {"legal_basis": legal_basis, "start_date": start, "end_date": end}
    )


def goal(session: Session, actor: User, plan: Plan, **kw: Any) -> Goal:
    data: dict[str, Any] = {
        "theme": "mestring",
        "specific": f"Jeg vil klare min post selv {next(_seq)}",
        "measurable": "Posten er åbnet hver uge",
        "target_date": date(2026, 12, 1),
    }
    data.update(kw)
    return add_goal(session, actor, plan, data, today=date(2026, 2, 1))


def subgoal(session: Session, goal: Goal, **kw: Any) -> SubGoal:
    data: dict[str, Any] = {
        "title": "Åbne posten om mandagen",
        "method": "MI",
        "status": "in_progress",
    }
    data.update(kw)
    return add_subgoal(session, goal, data, today=date(2026, 2, 1))


@dataclass
class World:
    """Two teams with a worker each, a leader of team 1, a myndighed user, an admin, and a
    citizen with an active plan in each team (the first referred by myndighed, with a
    login). A test module that needs more subclasses it and overrides the `w` fixture."""

    t1: Team
    t2: Team
    w1: User
    w2: User
    leader: User
    authority: User
    admin: User
    c1: Citizen
    c2: Citizen
    p1: Plan
    borger: User


def world(session: Session) -> World:
    t1, t2 = team(session, "Team Nord"), team(session, "Team Syd")
    w1 = user(session, Role.WORKER, [t1])
    w2 = user(session, Role.WORKER, [t2])
    leader = user(session, Role.LEADER, [t1])
    authority = user(session, Role.AUTHORITY)
    admin = user(session, Role.ADMIN)
    c1 = citizen(session, t1, caseworker_id=authority.id, primary_worker_id=w1.id)
    c2 = citizen(session, t2)
    p1 = plan(session, c1)
    plan(session, c2)
    borger = user(session, Role.CITIZEN, citizen_id=c1.id)
    session.commit()
    return World(
        t1=t1,
        t2=t2,
        w1=w1,
        w2=w2,
        leader=leader,
        authority=authority,
        admin=admin,
        c1=c1,
        c2=c2,
        p1=p1,
        borger=borger,
    )


def items(instrument_id: str, *values: float) -> dict[str, float]:
    """The instrument's items with these values, in its order."""
    return dict(zip(instruments.get(instrument_id).item_ids, values, strict=True))


def score(
    session: Session,
    actor: User,
    citizen: Citizen,
    instrument: str,
    on: date,
    values: dict[str, float],
    **meta: Any,
) -> Scoring:
    """A scoring recorded together with the citizen, through the service."""
    return record_scoring(
        session,
        actor,
        citizen,
        instrument,
        {"scored_on": on, "participation": "together", **meta},
        values,
        today=TODAY,
    )


@dataclass
class GoalWorld(World):
    g1: Goal


def with_goal(session: Session, w: World) -> GoalWorld:
    """The cast with a goal for citizen 1."""
    g1 = goal(session, w.w1, w.p1)
    session.commit()
    return GoalWorld(**vars(w), g1=g1)
