"""Demo data: two teams, staff logins and 40 citizens with about two years of history.

Everything goes through the forms' schemas and the ordinary service functions, so the demo
data passes exactly the validation a user's input would. A fixed seed makes the data the
same for a given `today`.

The entry points the CLI calls; the wording is in `texts`, the staff in `logins`, who the
citizens are in `profiles`, and the records are written by `builder`.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from sqlalchemy import func, select

from bostotte.auth.models import Team, User
from bostotte.citizens.models import Citizen, Plan
from bostotte.common.db import Session
from bostotte.common.formatting import dk_date
from bostotte.demo.builder import Builder
from bostotte.demo.history import former_citizens
from bostotte.demo.logins import LOGINS_TEXT
from bostotte.demo.profiles import make_profiles
from bostotte.demo.tilsyn import earlier_visit, last_years_results
from bostotte.goals.models import Goal, SubGoal, SubGoalNote
from bostotte.scoring.models import Scoring
from bostotte.stats.services import set_target, year_period

__all__ = ["LOGINS_TEXT", "database_state", "has_demo_logins", "load_demo"]

SEED = 85


def database_state(session: Session) -> str:
    """ "empty", "demo" (only demo teams, users and citizens) or "data"."""
    total = non_demo = 0
    for model in (Team, User, Citizen):
        total += session.scalar(select(func.count()).select_from(model)) or 0
        non_demo += (
            session.scalar(select(func.count()).select_from(model).where(model.is_demo.is_(False)))
            or 0
        )
    if total == 0:
        return "empty"
    return "demo" if non_demo == 0 else "data"


def has_demo_logins(session: Session) -> bool:
    return bool(
        session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.is_demo.is_(True), User.active.is_(True))
        )
    )


def load_demo(session: Session, today: date) -> str:
    """Create the demo teams, logins and citizens; the caller commits."""
    rng = random.Random(SEED)
    builder = Builder(session, rng, today)
    builder.teams_and_staff()
    profiles = make_profiles(rng, today)
    case_numbers = rng.sample(range(100, 10000), len(profiles))
    for profile, case_no in zip(profiles, case_numbers, strict=True):
        builder.citizen(profile, case_no)
    builder.corrections()
    earlier_visit(session, builder.staff["leader"], builder.teams, today)
    last_years_results(session, builder.staff["leader"], builder.teams, today)
    targets(session, today)
    history = former_citizens(session, today)
    session.flush()
    return _summary(session, min(p.start for p in profiles), today, history)


# Seed 001's targets for the share of goals with kept or greater mastery (mestring 60 % →
# 63 %, sundhed 45 % → 48 %, socialt liv 50 % → 53 %), the municipality's, last year and
# this year, so the leader's page shows her numbers beside a target.
DEMO_TARGETS = {"mestring": 0.63, "sundhed": 0.48, "socialt_liv": 0.53}


def targets(session: Session, today: date) -> None:
    for year in (today.year - 1, today.year):
        for theme, share in DEMO_TARGETS.items():
            set_target(session, theme, year_period(year), share)


def _count(session: Session, model: Any, *joins: Any, history: Team | None = None) -> int:
    """Demo records of today's citizens (not of the former citizens in `history`)."""
    query = select(func.count()).select_from(model)
    for target in joins:
        query = query.join(target)
    query = query.where(Citizen.is_demo.is_(True))
    if history is not None:
        query = query.where(Citizen.team_id != history.id)
    return session.scalar(query) or 0


def _summary(session: Session, first: date, today: date, history: Team) -> str:
    def n(value: int) -> str:
        return f"{value:,}".replace(",", ".")

    teams = list(
        session.scalars(
            select(Team).where(Team.is_demo.is_(True), Team.id != history.id).order_by(Team.id)
        )
    )
    per_team: dict[int, int] = dict(
        session.execute(
            select(Citizen.team_id, func.count())
            .where(Citizen.is_demo.is_(True))
            .group_by(Citizen.team_id)
        )
        .tuples()
        .all()
    )
    users = (
        session.scalar(select(func.count()).select_from(User).where(User.is_demo.is_(True))) or 0
    )
    active_plans = (
        session.scalar(
            select(func.count())
            .select_from(Plan)
            .join(Citizen)
            .where(Citizen.is_demo.is_(True), Plan.status == "active")
        )
        or 0
    )
    by_instrument: dict[str, int] = dict(
        session.execute(
            select(Scoring.instrument, func.count())
            .join(Citizen, Scoring.citizen_id == Citizen.id)
            .where(Citizen.is_demo.is_(True), Citizen.team_id != history.id)
            .group_by(Scoring.instrument)
        )
        .tuples()
        .all()
    )
    team_part = " og ".join(f"{n(per_team.get(t.id, 0))} i {t.name}" for t in teams)
    scorings = ", ".join(f"{n(by_instrument.get(i, 0))} {i}" for i in ("FKO", "ORS", "SRS"))
    former = _count(session, Citizen) - _count(session, Citizen, history=history)
    return (
        f"Demodata er indlæst: {len(teams)} teams, {n(users)} logins, "
        f"{n(_count(session, Citizen, history=history))} borgere ({team_part}), "
        f"{n(_count(session, Plan, Citizen, history=history))} planer ({n(active_plans)} aktive), "
        f"{n(_count(session, Goal, Citizen, history=history))} indsatsmål med "
        f"{n(_count(session, SubGoal, Goal, Citizen, history=history))} delmål og "
        f"{n(_count(session, SubGoalNote, SubGoal, Goal, Citizen, history=history))} notater samt "
        f"{n(sum(by_instrument.values()))} scoringer ({scorings} og "
        f"{n(by_instrument.get('REM', 0))} REM). Historikken går fra {dk_date(first, 'd. MMMM y')} "
        f"til {dk_date(today, 'd. MMMM y')}. Desuden {n(former)} "
        f"tidligere borgere med afsluttede forløb ({history.name}), som de forventede kurver "
        "bygger på."
    )
