"""Danish number and date formats for templates (27,5; 3. mar. 2026)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from babel.dates import format_date, format_datetime
from flask import Flask

from bostotte.common.time import LOCAL_TZ


def dk_date(value: date | None, fmt: str = "d. MMM y") -> str:
    if value is None:
        return "–"
    return _babel_date(value, fmt)


# Babel parses the pattern and looks the locale up on every call; a page repeats the same
# few dates many times (scoring tables, history), so the text is kept per (date, pattern).
@lru_cache(maxsize=8192)
def _babel_date(value: date, fmt: str) -> str:
    return format_date(value, fmt, locale="da")


def dk_datetime(value: datetime | None) -> str:
    if value is None:
        return "–"
    return format_datetime(value.astimezone(LOCAL_TZ), "d. MMM y 'kl.' HH:mm", locale="da")


def dk_number(
    value: float | None, decimals: int = 1, *, fixed: bool = False, machine: bool = False
) -> str:
    """The one number formatter: 27,5 · 6 · −2,5 (rounded to `decimals`; whole numbers
    without decimals unless `fixed`). `machine` keeps "." and "-" for files other programs
    read (the interchange export)."""
    if value is None:
        return "–"
    rounded = round(float(value), decimals) + 0.0  # + 0.0: no "-0"
    whole = not fixed and rounded == int(rounded)
    text = str(int(rounded)) if whole else f"{rounded:.{decimals}f}"
    return text if machine else text.replace(".", ",").replace("-", "−")


def options(objects: Iterable[Any], value_attr: str, label_attr: str) -> list[tuple[str, str]]:
    """Objects as (value, label) pairs for a select field."""
    return [(str(getattr(o, value_attr)), str(getattr(o, label_attr))) for o in objects]


def init_app(app: Flask) -> None:
    app.add_template_filter(options, "options")
    app.add_template_filter(dk_date, "dkdate")
    app.add_template_filter(dk_datetime, "dkdatetime")
    app.add_template_filter(dk_number, "dknum")
