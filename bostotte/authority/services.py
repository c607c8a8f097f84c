"""Myndighed's worklist (/myndighed): what needs her among the citizens she referred.

Four sections over her citizens' active plans, one query each, whatever their number:

- goals without an FKO baseline or target (she records both; instruments/definitions);
- plans ending within the plan review's lead time (reminders.cadence, "plan_review": 30 days);
- § 82 b forløb near their limit: at most NEAR_SESSIONS_LEFT sessions left of those granted,
  or at least NEAR_MONTHS of the MONTHS_82B months gone;
- the § 141 follow-up that waits for her: active goals past their target date and active
  plans past their end date (the "goal_target" and "plan_review" rules, overdue).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Exists, func, null, or_, select, union_all
from sqlalchemy.orm import contains_eager

from bostotte.auth.models import User
from bostotte.auth.permissions import citizen_scope
from bostotte.citizens.models import MONTHS_82B, SESSIONS_82B, Citizen, Plan
from bostotte.common.db import Session
from bostotte.common.time import add_months
from bostotte.goals.models import Goal
from bostotte.reminders.cadence import RULES
from bostotte.scoring.models import Scoring

ENDING_DAYS = RULES["plan_review"].lead_days
NEAR_SESSIONS_LEFT = 2  # of 10 granted: 8 used
NEAR_MONTHS = MONTHS_82B - 1
FKO_OCCASIONS = ("baseline", "target")  # hers, per goal


@dataclass(frozen=True)
class Line:
    """One thing on her list, about one citizen; `days` counts to `on` (negative: past)."""

    citizen_id: int
    name: str
    on: date | None = None
    days: int | None = None
    goal_id: int | None = None
    goal: str | None = None  # the goal's own words
    missing: tuple[str, ...] = ()  # FKO occasions without a scoring
    plan_start: date | None = None
    sessions_used: int | None = None
    sessions_granted: int | None = None
    months_gone: int | None = None


@dataclass(frozen=True)
class Section:
    key: str  # the section's anchor on the page
    title: str
    rule: str  # what puts a line here, as the page states it
    lines: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class Worklist:
    sections: list[Section]

    @property
    def citizen_ids(self) -> set[int]:
        """Every citizen the page names: each is a read of her record (access log)."""
        return {line.citizen_id for s in self.sections for line in s.lines}


def _mine(user: User) -> list[Any]:
    """Her referred citizens' active plans (the caller joins Plan and Citizen)."""
    return [citizen_scope(user), Plan.status == "active"]


def _has_fko(occasion: str) -> Exists:
    return (
        select(Scoring.id)
        .where(
            Scoring.goal_id == Goal.id,
            Scoring.instrument == "FKO",
            Scoring.occasion == occasion,
        )
        .exists()
    )


def _missing_fko(session: Session, user: User) -> list[Line]:
    has = {o: _has_fko(o) for o in FKO_OCCASIONS}
    rows = session.execute(
        select(Citizen.id, Citizen.display_name, Goal.id, Goal.specific, *has.values())
        .select_from(Goal)
        .join(Plan, Plan.id == Goal.plan_id)
        .join(Citizen, Citizen.id == Goal.citizen_id)
        .where(
            *_mine(user),
            Citizen.uses_fko,
            Goal.status == "active",
            or_(*[~h for h in has.values()]),
        )
        .order_by(Citizen.display_name, Citizen.id, Goal.id)
    ).all()
    return [
        Line(
            citizen_id,
            name,
            goal_id=goal_id,
            goal=text,
            missing=tuple(o for o, there in zip(FKO_OCCASIONS, found, strict=True) if not there),
        )
        for citizen_id, name, goal_id, text, *found in rows
    ]


def _plans(session: Session, user: User, *conditions: Any) -> list[Plan]:
    return list(
        session.scalars(
            select(Plan)
            .join(Citizen, Citizen.id == Plan.citizen_id)
            .options(contains_eager(Plan.citizen))
            .where(*_mine(user), *conditions)
            .order_by(Plan.end_date, Citizen.display_name, Plan.id)
        )
    )


def _months_back(today: date, months: int) -> date:
    return add_months(today, -months)


def months_gone(start: date, today: date) -> int:
    """Whole months of a forløb gone by `today`: the most m with start <= today - m months
    (the same reading as the § 82 b section's query)."""
    m = (today.year - start.year) * 12 + today.month - start.month
    while m > 0 and start > _months_back(today, m):
        m -= 1
    return max(m, 0)


def _plan_line(plan: Plan, today: date) -> Line:
    """A plan's line: its end date, and a § 82 b forløb's sessions and months."""
    return Line(
        plan.citizen_id,
        plan.citizen.display_name,
        on=plan.end_date,
        days=(plan.end_date - today).days,
        plan_start=plan.start_date,
        sessions_used=(plan.sessions_used or 0) if plan.sessions_granted else None,
        sessions_granted=plan.sessions_granted,
        months_gone=months_gone(plan.start_date, today),
    )


def _ending(session: Session, user: User, today: date) -> list[Line]:
    plans = _plans(session, user, Plan.end_date.between(today, today + timedelta(days=ENDING_DAYS)))
    return [_plan_line(p, today) for p in plans]


def _near_82b(session: Session, user: User, today: date) -> list[Line]:
    plans = _plans(
        session,
        user,
        Plan.legal_basis == "§82b",
        Plan.sessions_granted.is_not(None),
        or_(
            func.coalesce(Plan.sessions_used, 0) >= Plan.sessions_granted - NEAR_SESSIONS_LEFT,
            Plan.start_date <= _months_back(today, NEAR_MONTHS),
        ),
    )
    return [_plan_line(p, today) for p in plans]


def _follow_up(session: Session, user: User, today: date) -> list[Line]:
    """Goals past their target date and plans past their end, in one statement, the
    longest overdue first."""
    goals = (
        select(
            Citizen.id.label("citizen_id"),
            Citizen.display_name.label("name"),
            Goal.id.label("goal_id"),
            Goal.specific.label("goal"),
            Goal.target_date.label("on"),
            Plan.start_date.label("plan_start"),
        )
        .select_from(Goal)
        .join(Plan, Plan.id == Goal.plan_id)
        .join(Citizen, Citizen.id == Goal.citizen_id)
        .where(*_mine(user), Goal.status == "active", Goal.target_date < today)
    )
    plans = (
        select(
            Citizen.id,
            Citizen.display_name,
            null(),
            null(),
            Plan.end_date,
            Plan.start_date,
        )
        .select_from(Plan)
        .join(Citizen, Citizen.id == Plan.citizen_id)
        .where(*_mine(user), Plan.end_date < today)
    )
    both = union_all(goals, plans).subquery()
    rows = session.execute(
        select(both).order_by(both.c.on, both.c.name, both.c.citizen_id, both.c.goal_id)
    ).all()
    return [
        Line(
            r.citizen_id,
            r.name,
            on=r.on,
            days=(r.on - today).days,
            goal_id=r.goal_id,
            goal=r.goal,
            plan_start=r.plan_start,
        )
        for r in rows
    ]


def worklist(session: Session, user: User, today: date) -> Worklist:
    """Her four sections (four queries). The view logs the read of every citizen named."""
    return Worklist(
        [
            Section(
                "fko",
                "Mangler FKO-baseline eller\u00a0-mål",
                "Aktive mål uden udgangspunkt (baseline) eller mål for støttebehovet. "
                "Dem registrerer du.",
                _missing_fko(session, user),
            ),
            Section(
                "udloeber",
                f"Plan udløber inden for {ENDING_DAYS} dage",
                f"Aktive planer, hvis slutdato ligger i dag eller inden for {ENDING_DAYS} dage.",
                _ending(session, user, today),
            ),
            Section(
                "82b",
                f"§\u00a082\u00a0b-forløb nær {SESSIONS_82B} samtaler eller {MONTHS_82B} måneder",
                f"Aktive § 82 b-forløb med højst {NEAR_SESSIONS_LEFT} bevilgede samtaler "
                f"tilbage (fx {SESSIONS_82B - NEAR_SESSIONS_LEFT} af {SESSIONS_82B} brugt), "
                f"eller hvor der er gået mindst {NEAR_MONTHS} af de {MONTHS_82B} måneder.",
                _near_82b(session, user, today),
            ),
            Section(
                "opfoelgning",
                "Mål der venter på opfølgning (§\u00a0141)",
                "Aktive mål, hvis måldato er passeret, og aktive planer, hvis slutdato er "
                "passeret. De venter på opfølgning: at målet eller planen afsluttes, eller at "
                "der aftales en ny dato.",
                _follow_up(session, user, today),
            ),
        ]
    )
