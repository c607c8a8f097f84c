"""Cadence rules: what falls due when (domain.md, "Cadences that drive reminders").

Pure functions over already-loaded facts, so pages, the daily job and tests share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bostotte.common.time import add_months

FKO_STATUS_MONTHS = 3
REM_FIRST_MONTHS = 3
REM_FOLLOW_UP_MONTHS = 12
ORS_FLAG_DAYS = 28


@dataclass(frozen=True)
class Due:
    rule: str
    label: str
    due: date
    goal_id: int | None = None

    def is_overdue(self, today: date) -> bool:
        return self.due < today


@dataclass(frozen=True)
class CitizenFacts:
    """What the rules need to know about one citizen and her active plan."""

    uses_fko: bool
    uses_fit: bool
    uses_rem: bool
    pakke1: bool
    legal_basis: str
    start_date: date
    plan_start: date | None
    plan_end: date | None
    active_goals: tuple[tuple[int, date | None], ...]  # (goal id, target date)
    # Latest dates: ("FKO", goal_id) -> last status/final/baseline; ("REM", None) etc.
    last_scored: dict[tuple[str, int | None], date]
    ended: bool = False  # the indsats has ended: nothing falls due any more


def next_fko_status(plan_start: date, plan_end: date, last: date | None) -> date | None:
    """The first quarterly mark from plan start that comes after the last status."""
    k = 1
    while True:
        mark = add_months(plan_start, FKO_STATUS_MONTHS * k)
        if mark >= plan_end:
            return None  # the final status at plan end takes over
        if last is None or mark > last:
            return mark
        k += 1


def due_items(facts: CitizenFacts) -> list[Due]:
    items: list[Due] = []
    if facts.ended:
        return items
    if facts.plan_start and facts.plan_end:
        if facts.uses_fko:
            for goal_id, _target in facts.active_goals:
                last = facts.last_scored.get(("FKO", goal_id))
                mark = next_fko_status(facts.plan_start, facts.plan_end, last)
                if mark:
                    items.append(Due("fko_status", "FKO-status", mark, goal_id))
                else:
                    items.append(Due("fko_final", "FKO afsluttende status", facts.plan_end,
                                     goal_id))
        items.append(Due("plan_review", "Opfølgning på handleplan", facts.plan_end))
        for goal_id, target in facts.active_goals:
            if target:
                items.append(Due("goal_target", "Måldato for mål", target, goal_id))
    if facts.uses_rem and not facts.pakke1 and facts.legal_basis == "§85":
        last_rem = facts.last_scored.get(("REM", None))
        if last_rem is None:
            items.append(Due("rem_first", "Første REM-scoring",
                             add_months(facts.start_date, REM_FIRST_MONTHS)))
        else:
            items.append(Due("rem_follow_up", "REM-opfølgning",
                             add_months(last_rem, REM_FOLLOW_UP_MONTHS)))
    if facts.uses_fit:
        last_ors = facts.last_scored.get(("ORS", None))
        base = last_ors or facts.plan_start or facts.start_date
        items.append(Due("ors", "ORS", base + timedelta(days=ORS_FLAG_DAYS)))
    return sorted(items, key=lambda d: d.due)


def next_scoring_due(facts: CitizenFacts) -> Due | None:
    scorings = [d for d in due_items(facts) if d.rule not in ("plan_review", "goal_target")]
    return scorings[0] if scorings else None
