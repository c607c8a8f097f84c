"""Who the demo citizens are: forty profiles (age, team, legal basis, methods, trajectory)
drawn from the seeded random generator, and the plan periods each profile's history runs
through."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from bostotte.common.time import add_months
from bostotte.demo.logins import BORGER_NAME
from bostotte.demo.texts import FIRST_NAMES, SURNAMES

CITIZEN_COUNT = 40
AGE_BANDS = ((18, 29), (30, 49), (50, 64), (65, 75))
AGE_BAND_WEIGHTS = (3, 4, 3, 1)


@dataclass
class Profile:
    name: str
    gender: str
    birth_year: int
    team: int
    kind: str  # "85", "82b", or "82b_85" (a §82b forløb followed by §85)
    start: date
    ended: bool = False
    fko: bool = True
    fit: bool = False
    rem: bool = False
    pakke1: bool = False
    trend: str = "improve"  # FKO and REM: improve, flat, worse
    ors_trend: str = "improve"  # improve, flat, decline
    srs_low: bool = False
    overdue: bool = False  # the latest FKO statuses are missing
    ors_special: str | None = None  # one ORS "worker_draft" (declined) or "disagreed"
    rem_disagreed: bool = False
    is_borger: bool = False


class PlanPeriod(NamedTuple):
    """One plan in a citizen's history."""

    legal_basis: str
    start: date
    end: date  # the plan's end date as created
    closed_on: date | None  # None: the plan is still active
    carry: bool = False  # the active goals continue in the next plan


def plan_periods(p: Profile, today: date) -> list[PlanPeriod]:
    """The plans a profile's history runs through, oldest first; §85 plans last a year."""
    if p.kind == "82b":
        end = add_months(p.start, 6)
        return [PlanPeriod("§82b", p.start, end, end if p.ended else None)]
    if p.kind == "82b_85":
        moved = add_months(p.start, 6) - timedelta(days=10)
        return [
            PlanPeriod("§82b", p.start, add_months(p.start, 6), moved, carry=True),
            PlanPeriod("§85", moved, add_months(moved, 12), None),
        ]
    periods, start = [], p.start
    while True:
        end = add_months(start, 12)
        if p.ended or end <= today:
            periods.append(PlanPeriod("§85", start, end, end))
            if p.ended:
                return periods
            start = end + timedelta(days=1)
        else:
            periods.append(PlanPeriod("§85", start, end, None))
            return periods


def make_profiles(rng: random.Random, today: date) -> list[Profile]:
    """Forty citizens; the first is the one behind the borger login."""
    borger = Profile(
        BORGER_NAME,
        "k",
        today.year - 34,
        0,
        "85",
        today - timedelta(days=680),
        fit=True,
        rem=True,
        is_borger=True,
    )
    others = list(range(1, CITIZEN_COUNT))
    rng.shuffle(others)
    kinds = {others[0]: "82b_85"} | dict.fromkeys(others[1:5], "82b")
    ended = {others[4], others[5]}  # one finished §82b forløb and one finished §85 plan
    pakke1 = set(others[6:9])
    other_gender = set(rng.sample(others, 2))
    forced_band = {i: band for band, i in enumerate(rng.sample(others, len(AGE_BANDS)))}
    used_names = {BORGER_NAME}
    profiles = [borger]
    for i in range(1, CITIZEN_COUNT):
        kind = kinds.get(i, "85")
        band = AGE_BANDS[
            forced_band[i]
            if i in forced_band
            else rng.choices(range(len(AGE_BANDS)), AGE_BAND_WEIGHTS)[0]
        ]
        birth_year = today.year - rng.randint(*band)
        gender = "a" if i in other_gender else rng.choice("km")
        profiles.append(
            Profile(
                name=_unique_name(rng, gender, birth_year, used_names),
                gender=gender,
                birth_year=birth_year,
                team=i % 2,
                kind=kind,
                start=today - timedelta(days=_start_days_ago(rng, kind, i in ended)),
                ended=i in ended,
                pakke1=i in pakke1,
                trend=rng.choices(("improve", "flat", "worse"), (13, 5, 2))[0],
            )
        )
    _assign_methods(rng, profiles, today)
    return profiles


def _start_days_ago(rng: random.Random, kind: str, ended: bool) -> int:
    if kind == "82b":
        return rng.randint(250, 500) if ended else rng.randint(20, 160)
    if kind == "82b_85":
        return rng.randint(300, 400)
    return rng.randint(420, 700) if ended else rng.randint(25, 715)


def _unique_name(rng: random.Random, gender: str, birth_year: int, used: set[str]) -> str:
    """First names are not repeated while the pool lasts; a surname at most twice."""
    pool = FIRST_NAMES[gender, birth_year >= 1980]
    taken = {name.split()[0] for name in used}
    surnames = [n.split()[-1] for n in used]
    while True:
        first = rng.choice([n for n in pool if n not in taken] or pool)
        name = f"{first} {rng.choice([n for n in SURNAMES if surnames.count(n) < 2])}"
        if name not in used:
            used.add(name)
            return name


def _assign_methods(rng: random.Random, profiles: list[Profile], today: date) -> None:
    """Most FKO, about half FIT, about a third REM (§85 only, never pakke 1)."""
    rest = profiles[1:]
    fit = rng.sample(rest, 19)
    for p in fit:
        p.fit = True
    for p in rng.sample([p for p in fit if p.kind != "82b"], 3):
        p.fko = False
    # REM mostly for the longer-running citizens, so some have a yearly follow-up.
    rem_ok = sorted((p for p in rest if p.kind != "82b" and not p.pakke1), key=lambda p: p.start)
    for p in rng.sample(rem_ok[:16], 8) + rng.sample(rem_ok[16:], 4):
        p.rem = True
    # Special trajectories go to the citizens with the longest FIT history.
    picked = rng.sample(sorted(fit, key=lambda p: p.start)[:10], 7)
    for p in picked[:2]:
        p.ors_trend = "decline"
    for p in picked[2:4]:
        p.ors_trend = "flat"
    picked[4].ors_special, picked[5].ors_special = "worker_draft", "disagreed"
    picked[6].srs_low = True
    for p in rng.sample([p for p in fit if p not in picked], 2):
        p.srs_low = True
    rng.choice(sorted((p for p in rest if p.rem), key=lambda p: p.start)[:3]).rem_disagreed = True
    # Missing quarterly FKO statuses, in plans old enough to have had some.
    overdue_ok = sorted(
        (p for p in rest if p.fko and not p.ended and p.kind == "85"),
        key=lambda p: plan_periods(p, today)[-1].start,
    )
    for p in rng.sample(overdue_ok[:8], 4):
        p.overdue = True
