"""Test data for the statistics: scorings stored as given (the engine is what's tested)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete

from bostotte import instruments
from bostotte.citizens.models import Citizen
from bostotte.goals.models import Goal
from bostotte.scoring.models import Scoring, ScoringItem
from bostotte.stats.models import StatSnapshot


def add_scoring(
    session,
    citizen: Citizen,
    instrument: str,
    on: date,
    values: dict[str, float],
    goal: Goal | None = None,
    occasion: str | None = None,
) -> Scoring:
    inst = instruments.get(instrument)
    s = Scoring(
        citizen_id=citizen.id,
        goal_id=goal.id if goal else None,
        instrument=instrument,
        instrument_version=inst.version,
        occasion=occasion,
        scored_on=on,
        participation="together",
        total=inst.total(values),
        items=[ScoringItem(item=k, position=i, value=v) for i, (k, v) in enumerate(values.items())],
    )
    session.add(s)
    return s


def fko(session, goal: Goal, occasion: str, on: date, value: int) -> Scoring:
    return add_scoring(session, goal.citizen, "FKO", on, {"value": value}, goal, occasion)


def ors(session, citizen: Citizen, on: date, *items: float) -> Scoring:
    keys = instruments.get("ORS").item_ids
    return add_scoring(session, citizen, "ORS", on, dict(zip(keys, items, strict=True)))


def ors_total(session, citizen: Citizen, on: date, total: float) -> Scoring:
    """An ORS whose four items add up to `total` (one decimal)."""
    quarter = round(total / 4, 1)
    return ors(session, citizen, on, quarter, quarter, quarter, round(total - 3 * quarter, 1))


def forget_snapshots(session) -> None:
    """The next /statistik computes its numbers rather than read them stored."""
    session.execute(delete(StatSnapshot))
    session.commit()
