"""The one number formatter: Danish comma and minus, rounded first, whole numbers bare;
Danish dates, kept once formatted."""

from datetime import date, timedelta

import pytest
from babel.dates import format_date

from bostotte.common.formatting import _babel_date, dk_date, dk_number


@pytest.mark.parametrize(
    ("value", "kwargs", "text"),
    [
        (27.5, {}, "27,5"),
        (6, {}, "6"),
        (6.0, {}, "6"),
        (-2.5, {}, "−2,5"),  # a real minus sign, U+2212
        (2.96, {}, "3"),  # rounded to one decimal first, then shown without one
        (2.94, {}, "2,9"),
        (-0.04, {}, "0"),  # no "−0"
        (3, {"decimals": 2, "fixed": True}, "3,00"),
        (27.456, {"decimals": 2, "fixed": True}, "27,46"),
        (-1.5, {"decimals": 2, "fixed": True}, "−1,50"),
        (-2.5, {"machine": True}, "-2.5"),
        (6.0, {"machine": True}, "6"),
        (None, {}, "–"),
        (None, {"machine": True}, "–"),
    ],
)
def test_dk_number(value, kwargs, text):
    assert dk_number(value, **kwargs) == text


def test_dk_date_kept_text_is_babels():
    """The kept text of a date is Babel's, for every pattern in use, asked twice."""
    days = [date(2024, 1, 1) + timedelta(days=n) for n in range(0, 800, 7)]
    for fmt in ("d. MMM y", "d. MMMM y", "MMM y"):
        for _ in range(2):
            for day in days:
                assert dk_date(day, fmt) == format_date(day, fmt, locale="da")
    assert dk_date(date(2026, 3, 3)) == "3. mar. 2026"
    assert dk_date(None) == "–"
    assert _babel_date.cache_info().hits > 0
    assert _babel_date.cache_info().maxsize is not None  # bounded
