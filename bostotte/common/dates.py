"""The domain's rules for dates, one place for forms, API and import.

Plans, goals, delmål, citizens and notes live between 2000 and 2100: nothing in this
service predates it, and a year such as 9999 or 0001 is a typing slip that would break
every page doing date arithmetic with it. Scorings are never in the future and at most a
year before the citizen's start: an FKO baseline and target are set at the visitation,
which comes before the start, usually by weeks; a year leaves room for a long wait for a
place without letting a slipped year (2025 for 2026) through unnoticed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import ValidationError

from bostotte.common.formatting import dk_date
from bostotte.common.schema import Date

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
OUTSIDE_WINDOW = "Datoen skal ligge mellem 1. januar 2000 og 31. december 2100."
IN_FUTURE = "Datoen må ikke ligge i fremtiden."
SCORING_LEAD_YEARS = 1  # how long before her start a scoring may be (the visitation)


def window_error(day: date) -> str | None:
    """Why a plan, goal, delmål, citizen or note date is refused, or None."""
    return None if EARLIEST <= day <= LATEST else OUTSIDE_WINDOW


def clamped(day: date) -> date:
    """`day` moved into the window: for reckoning with a date stored before these rules (a
    reminder a year 9999 plan would give, a day before year 1), never for showing it."""
    return min(max(day, EARLIEST), LATEST)


def earliest_scoring(citizen_start: date) -> date:
    """The first day a scoring of a citizen starting on `citizen_start` may have."""
    try:
        return citizen_start.replace(year=citizen_start.year - SCORING_LEAD_YEARS)
    except ValueError:  # 29 February, or a stored start in year 1
        if citizen_start.year <= SCORING_LEAD_YEARS:
            return EARLIEST
        return date(citizen_start.year - SCORING_LEAD_YEARS, 2, 28)


def scoring_date_error(scored_on: date, citizen_start: date, today: date) -> str | None:
    """Why a scoring's date is refused, or None."""
    if scored_on > today:
        return IN_FUTURE
    if error := window_error(scored_on):
        return error
    if scored_on < earliest_scoring(citizen_start):
        return f"Datoen ligger mere end et år før borgerens start ({dk_date(citizen_start)})."
    return None


def _in_window(day: date) -> None:
    if error := window_error(day):
        raise ValidationError(error)


class DomainDate(Date):
    """A date field that refuses days outside the domain's window (2000–2100)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=_in_window, **kwargs)
