"""Cadence rules: what falls due when (domain.md, "Cadences that drive reminders").

Pure functions over already-loaded facts, so pages, the daily job and tests share them.
The intervals come from the instrument files (`cadence`); how early a reminder shows
(the lead time) is the reminders' own setting, kept here in RULES.

A citizen's FKO-status and ORS intervals are her rhythm (`Rhythm`): the instruments' cadence
unless her worker agreed another with her, and always within the limits her team's leader
sets (`Limits`; "for hyppige evalueringer kan give nederlag", seed 004).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from bostotte import instruments
from bostotte.common.time import add_months


def _cadence(instrument_id: str, key: str) -> int:
    return int(instruments.get(instrument_id).cadence[key])  # type: ignore[call-overload]


def _span(instrument_id: str, key: str) -> tuple[int, int]:
    low, high = cast(list[int], instruments.get(instrument_id).cadence[key])
    return int(low), int(high)


FKO_STATUS_MONTHS = _cadence("FKO", "status_every_months")
REM_FIRST_MONTHS = _cadence("REM", "first_within_months")
REM_FOLLOW_UP_MONTHS = _cadence("REM", "follow_up_months")
ORS_WEEKS = _cadence("ORS", "flag_after_weeks")

# What a leader may allow at all: from monthly to yearly FKO status (practice varies from
# 2.5 months to yearly, seed 004) and an ORS at least every quarter of a year.
FKO_MONTHS_BOUNDS = (1, 12)
ORS_WEEKS_BOUNDS = (1, 12)


def _clamp(value: int, span: tuple[int, int]) -> int:
    return min(max(value, span[0]), span[1])


@dataclass(frozen=True)
class Rhythm:
    """How often her FKO status and her ORS fall due."""

    fko_status_months: int = FKO_STATUS_MONTHS
    ors_weeks: int = ORS_WEEKS

    @property
    def ors_days(self) -> int:
        return self.ors_weeks * 7

    @property
    def fko_text(self) -> str:
        return (
            "hver måned"
            if self.fko_status_months == 1
            else (f"hver {self.fko_status_months}. måned")
        )

    @property
    def ors_text(self) -> str:
        return "hver uge" if self.ors_weeks == 1 else f"hver {self.ors_weeks}. uge"


DEFAULT_RHYTHM = Rhythm()


@dataclass(frozen=True)
class Limits:
    """The shortest and longest intervals a team's leader allows: (months) and (weeks)."""

    fko_months: tuple[int, int]
    ors_weeks: tuple[int, int]

    def rhythm(self, fko_status_months: int | None, ors_weeks: int | None) -> Rhythm:
        """A citizen's rhythm: her own intervals or the instruments', within these limits
        (so a leader who narrows the limits narrows every citizen's rhythm with them)."""
        return Rhythm(
            _clamp(fko_status_months or FKO_STATUS_MONTHS, self.fko_months),
            _clamp(ors_weeks or ORS_WEEKS, self.ors_weeks),
        )

    @property
    def fko_text(self) -> str:
        low, high = self.fko_months
        return f"med {low} til {high} måneders mellemrum"

    @property
    def ors_text(self) -> str:
        low, high = self.ors_weeks
        return f"med {low} til {high} ugers mellemrum"

    def refusals(self, fko_status_months: int | None, ors_weeks: int | None) -> dict[str, str]:
        """Field → Danish message for a chosen interval outside the limits."""
        out = {}
        low, high = self.fko_months
        if fko_status_months is not None and not low <= fko_status_months <= high:
            out["fko_status_months"] = (
                f"Vælg mellem {low} og {high} måneder. Det er teamets grænser for FKO-status."
            )
        low, high = self.ors_weeks
        if ors_weeks is not None and not low <= ors_weeks <= high:
            out["ors_weeks"] = f"Vælg mellem {low} og {high} uger. Det er teamets grænser for ORS."
        return out


DEFAULT_LIMITS = Limits(
    _span("FKO", "status_every_months_limits"), _span("ORS", "flag_after_weeks_limits")
)


@dataclass(frozen=True)
class Rule:
    label: str  # short, for lists ("Næste scoring: FKO-status")
    task: str  # what to do, for Mine opgaver
    lead_days: int  # the reminder shows this many days before the due date
    scoring: bool = True  # resolved by recording a scoring (else: a date to follow up)


RULES = {
    "fko_status": Rule("FKO-status", "Registrér FKO-status for målet", 14),
    "fko_final": Rule("FKO afsluttende status", "Registrér afsluttende FKO-status for målet", 14),
    "rem_first": Rule("Første REM-scoring", "Registrér den første REM-scoring", 14),
    "rem_follow_up": Rule("REM-opfølgning", "Registrér den årlige REM-opfølgning", 30),
    # "Flag if no ORS for 4 weeks" (or her rhythm's weeks): the reminder shows on the day.
    "ors": Rule("ORS", "Registrér ORS – tid til en ny efter borgerens rytme", 0),
    "goal_target": Rule("Måldato for mål", "Følg op på målets måldato", 14, scoring=False),
    "subgoal_target": Rule("Måldato for delmål", "Følg op på delmålets måldato", 14, scoring=False),
    "plan_review": Rule(
        "Opfølgning på handleplan", "Følg op på handleplanen, før den udløber", 30, scoring=False
    ),
}
# A scoring recorded within the lead time before a quarterly mark counts for that mark, so
# answering the reminder early resolves it rather than bringing it back.
FKO_LEAD_DAYS = RULES["fko_status"].lead_days


@dataclass(frozen=True)
class Due:
    rule: str
    label: str
    due: date
    goal_id: int | None = None
    subgoal_id: int | None = None

    def is_overdue(self, today: date) -> bool:
        return self.due < today

    @property
    def subject(self) -> str:
        """What the reminder is about inside the citizen: '' or 'goal:12' or 'subgoal:5'."""
        return subject_key(self.goal_id, self.subgoal_id)

    @property
    def remind_from(self) -> date:
        return self.due - timedelta(days=RULES[self.rule].lead_days)


def subject_key(goal_id: int | None, subgoal_id: int | None) -> str:
    if subgoal_id is not None:
        return f"subgoal:{subgoal_id}"
    return f"goal:{goal_id}" if goal_id is not None else ""


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
    # Open delmål of the active goals: (delmål id, goal id, target date).
    open_subgoals: tuple[tuple[int, int, date | None], ...] = ()
    rhythm: Rhythm = DEFAULT_RHYTHM


def next_fko_status(
    plan_start: date, plan_end: date, last: date | None, months: int = FKO_STATUS_MONTHS
) -> date | None:
    """The first mark (every `months` from plan start) that comes after the last status."""
    k = 1
    while True:
        mark = add_months(plan_start, months * k)
        if mark >= plan_end:
            return None  # the final status at plan end takes over
        if last is None or mark > last:
            return mark
        k += 1


def _fko_items(facts: CitizenFacts, plan_start: date, plan_end: date) -> list[Due]:
    items = []
    for goal_id, _target in facts.active_goals:
        last = facts.last_scored.get(("FKO", goal_id))
        covered = last + timedelta(days=FKO_LEAD_DAYS) if last else None
        mark = next_fko_status(plan_start, plan_end, covered, facts.rhythm.fko_status_months)
        if mark:
            items.append(Due("fko_status", RULES["fko_status"].label, mark, goal_id))
        elif covered is None or covered < plan_end:
            items.append(Due("fko_final", RULES["fko_final"].label, plan_end, goal_id))
    return items


def due_items(facts: CitizenFacts) -> list[Due]:
    items: list[Due] = []
    if facts.ended:
        return items
    if facts.plan_start and facts.plan_end:
        if facts.uses_fko:
            items += _fko_items(facts, facts.plan_start, facts.plan_end)
        items.append(Due("plan_review", RULES["plan_review"].label, facts.plan_end))
        for goal_id, target in facts.active_goals:
            if target:
                items.append(Due("goal_target", RULES["goal_target"].label, target, goal_id))
        for subgoal_id, goal_id, target in facts.open_subgoals:
            if target:
                items.append(
                    Due(
                        "subgoal_target", RULES["subgoal_target"].label, target, goal_id, subgoal_id
                    )
                )
    if facts.uses_rem and not facts.pakke1 and facts.legal_basis == "§85":
        last_rem = facts.last_scored.get(("REM", None))
        if last_rem is None:
            items.append(
                Due(
                    "rem_first",
                    RULES["rem_first"].label,
                    add_months(facts.start_date, REM_FIRST_MONTHS),
                )
            )
        else:
            items.append(
                Due(
                    "rem_follow_up",
                    RULES["rem_follow_up"].label,
                    add_months(last_rem, REM_FOLLOW_UP_MONTHS),
                )
            )
    if facts.uses_fit:
        last_ors = facts.last_scored.get(("ORS", None))
        base = last_ors or facts.plan_start or facts.start_date
        items.append(Due("ors", RULES["ors"].label, base + timedelta(days=facts.rhythm.ors_days)))
    return sorted(items, key=lambda d: d.due)


def next_scoring_due(facts: CitizenFacts) -> Due | None:
    scorings = [d for d in due_items(facts) if RULES[d.rule].scoring]
    return scorings[0] if scorings else None


def reminders_due(facts: CitizenFacts, today: date) -> list[Due]:
    """The items whose reminder shows by `today` (including the overdue ones)."""
    return [d for d in due_items(facts) if d.remind_from <= today]
