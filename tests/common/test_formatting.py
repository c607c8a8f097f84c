"""The one number formatter: Danish comma and minus, rounded first, whole numbers bare."""

import pytest

from bostotte.common.formatting import dk_number


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
