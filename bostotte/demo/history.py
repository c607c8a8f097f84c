"""The demo's history: former citizens with closed ORS and FKO courses, enough that the
expected curves (bostotte.progress) show on the demo citizens' charts.

A real municipality's history is years of closed courses; the demo's forty citizens are too
few for a band of 30 courses. So the demo adds FORMER (120) former citizens in a team of their
own (no staff belongs to it: they are in no one's lists, Mine opgaver or team statistics,
only in the municipality-wide curves), each with a closed plan, one goal with its FKO
baseline, target and quarterly statuses, and an ORS at about every other week. Written as
plain rows in a few statements (no reminders, no signals: the plans are closed), from a
generator of its own so the rest of the demo is the same with or without it.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert

from bostotte import instruments
from bostotte.auth.models import Team
from bostotte.citizens.models import Citizen, Plan
from bostotte.common.db import Session
from bostotte.common.time import add_months, utcnow
from bostotte.goals.models import Goal
from bostotte.scoring.models import Scoring, ScoringItem

FORMER = 120
TEAM_NAME = "Afsluttede forløb"
SEED = 2185
# Starting ORS totals spread over the bands the demo's citizens start in (13–24).
FIRST_ORS = ((11.0, 14.8), (15.2, 19.8), (20.2, 24.8))
BASELINES = (2, 3, 3)  # FKO baseline by citizen (the demo's goals mostly start at 3)
GOAL_TEXT = "Klare hverdagen i egen bolig"


def former_citizens(session: Session, today: date) -> Team:
    rng = random.Random(SEED)
    team = Team(name=TEAM_NAME, is_demo=True)
    session.add(team)
    session.flush()
    ors_items = instruments.get("ORS").item_ids
    ors_version = instruments.get("ORS").version
    fko_version = instruments.get("FKO").version
    citizens = []
    for i in range(FORMER):
        end = today - timedelta(days=rng.randint(200, 1400))
        start = add_months(end, -rng.randint(12, 24))
        citizens.append(
            Citizen(
                display_name=f"Tidligere borger {i + 1}",
                case_ref=f"H-{1000 + i}",
                birth_year=today.year - rng.randint(20, 70),
                gender=rng.choice("km"),
                team_id=team.id,
                legal_basis="§85",
                start_date=start,
                end_date=end,
                uses_fko=True,
                uses_fit=True,
                is_demo=True,
            )
        )
    session.add_all(citizens)
    session.flush()
    plans = [
        Plan(
            citizen_id=c.id,
            legal_basis="§85",
            start_date=c.start_date,
            end_date=c.end_date,
            status="closed",
        )
        for c in citizens
    ]
    session.add_all(plans)
    session.flush()
    goals = [
        Goal(
            plan_id=p.id,
            citizen_id=p.citizen_id,
            theme="mestring",
            specific=GOAL_TEXT,
            status="achieved" if rng.random() < 0.6 else "partly_achieved",
            closed_on=p.end_date,
            created_on=p.start_date,
            target_date=p.end_date,
        )
        for p in plans
    ]
    session.add_all(goals)
    session.flush()
    scorings: list[Row] = []
    for i, (c, plan, goal) in enumerate(zip(citizens, plans, goals, strict=True)):
        scorings += _ors(rng, c, plan, FIRST_ORS[i % len(FIRST_ORS)], ors_items, ors_version)
        scorings += _fko(rng, c, plan, goal, BASELINES[i % len(BASELINES)], fko_version)
    # two statements for some 3,500 scorings and their items
    ids = session.scalars(
        insert(Scoring).returning(Scoring.id, sort_by_parameter_order=True),
        [row for row, _values in scorings],
    ).all()
    session.execute(
        insert(ScoringItem),
        [
            {"scoring_id": sid, "item": item, "position": n, "value": value}
            for sid, (_row, values) in zip(ids, scorings, strict=True)
            for n, (item, value) in enumerate(values.items())
        ],
    )
    return team


def _ors(
    rng: random.Random,
    c: Citizen,
    plan: Plan,
    band: tuple[float, float],
    items: list[str],
    version: str,
) -> list[Row]:
    """An ORS about every other week; the total rises along a curve that flattens (most
    courses gain 3–9 points, some little or nothing), with a session's noise."""
    first = rng.uniform(*band)
    gain = rng.choice(
        (rng.uniform(-1, 2), rng.uniform(3, 9), rng.uniform(3, 9), rng.uniform(5, 11))
    )
    sessions = rng.randint(16, 26)
    out = []
    day = c.start_date + timedelta(days=rng.randint(3, 20))
    for k in range(sessions):
        progress = min(1.0, k / 14)
        total = first + gain * (1 - (1 - progress) ** 2) + (rng.gauss(0, 1.2) if k else 0)
        values = _split(rng, total, items)
        out.append(_scoring(c, "ORS", version, day, values))
        day += timedelta(days=rng.randint(10, 18))
        if day >= plan.end_date:
            break
    return out


def _fko(
    rng: random.Random, c: Citizen, plan: Plan, goal: Goal, baseline: int, version: str
) -> list[Row]:
    target = max(0, baseline - 1)
    out = [
        _scoring(c, "FKO", version, goal.created_on, {"value": baseline}, goal, "baseline"),
        _scoring(c, "FKO", version, goal.created_on, {"value": target}, goal, "target"),
    ]
    value, k = baseline, 1
    while (on := add_months(plan.start_date, 3 * k)) < plan.end_date:
        r = rng.random()
        value = max(0, value - 1) if r < 0.3 else min(4, value + 1) if r > 0.9 else value
        out.append(_scoring(c, "FKO", version, on, {"value": value}, goal, "status"))
        k += 1
    out.append(_scoring(c, "FKO", version, plan.end_date, {"value": value}, goal, "final"))
    return out


def _split(rng: random.Random, total: float, items: list[str]) -> dict[str, float]:
    total = min(40.0, max(0.0, total))
    values = [min(10.0, max(0.0, total / 4 + rng.uniform(-1.2, 1.2))) for _ in items]
    return {item: round(v, 1) for item, v in zip(items, values, strict=True)}


Row = tuple[dict[str, Any], dict[str, float]]  # a scoring's columns, its item values


def _scoring(
    c: Citizen,
    instrument: str,
    version: str,
    on: date,
    values: dict[str, float],
    goal: Goal | None = None,
    occasion: str | None = None,
) -> Row:
    now = utcnow()
    row = {
        "citizen_id": c.id,
        "goal_id": goal.id if goal else None,
        "instrument": instrument,
        "instrument_version": version,
        "occasion": occasion,
        "scored_on": on,
        "total": round(sum(values.values()), 1),
        "participation": "together",
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    return row, values
