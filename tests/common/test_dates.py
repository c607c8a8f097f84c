"""The domain's date rules (bostotte/common/dates.py)."""

from __future__ import annotations

from datetime import date

import pytest

from bostotte.common.dates import (
    IN_FUTURE,
    OUTSIDE_WINDOW,
    DomainDate,
    earliest_scoring,
    scoring_date_error,
    window_error,
)
from bostotte.common.schema import FormSchema, load_form
from bostotte.common.time import add_months

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("day", "error"),
    [
        (date(1999, 12, 31), OUTSIDE_WINDOW),
        (date(2000, 1, 1), None),
        (date(2100, 12, 31), None),
        (date(2101, 1, 1), OUTSIDE_WINDOW),
        (date(9999, 12, 31), OUTSIDE_WINDOW),
        (date(1, 1, 1), OUTSIDE_WINDOW),
    ],
)
def test_window(day, error):  # type: ignore[no-untyped-def]
    assert window_error(day) == error


@pytest.mark.parametrize(
    ("scored_on", "start", "refused"),
    [
        (date(2026, 11, 23), date(2026, 1, 1), None),  # today
        (date(2026, 11, 24), date(2026, 1, 1), IN_FUTURE),
        (date(2025, 1, 1), date(2026, 1, 1), None),  # a year before: the visitation
        (date(2024, 12, 31), date(2026, 1, 1), "mere end et år før"),
        (date(1, 12, 31), date(2026, 1, 1), OUTSIDE_WINDOW),
        (date(2026, 3, 1), date(9999, 1, 1), "mere end et år før"),  # a stored bad start
        (date(2026, 3, 1), date(1, 1, 1), None),
    ],
)
def test_scoring_date(scored_on, start, refused):  # type: ignore[no-untyped-def]
    error = scoring_date_error(scored_on, start, TODAY)
    assert (error is None) if refused is None else (error is not None and refused in error)


def test_earliest_scoring_of_a_leap_day_start():  # type: ignore[no-untyped-def]
    assert earliest_scoring(date(2028, 2, 29)) == date(2027, 2, 28)


class _Form(FormSchema):
    on = DomainDate(required=True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-03-01", ({"on": date(2026, 3, 1)}, {})),
        ("1-3-2026", ({"on": date(2026, 3, 1)}, {})),
        ("9999-12-31", ({}, {"on": [OUTSIDE_WINDOW]})),
        ("31-12-0001", ({}, {"on": [OUTSIDE_WINDOW]})),
    ],
)
def test_domain_date_field(raw, expected):  # type: ignore[no-untyped-def]
    assert load_form(_Form(), {"on": raw}) == expected


def test_add_months_stops_at_the_calendars_edge():  # type: ignore[no-untyped-def]
    assert add_months(date(9999, 12, 31), 6) == date.max
    assert add_months(date(1, 1, 31), -1) == date.min
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
