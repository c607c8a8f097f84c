"""Danish words for numbers, dates and changes in chart summaries (27,5; 3. mar. 2026)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bostotte.common.formatting import dk_date, dk_number

NBSP = "\u00a0"


def day(value: date) -> str:
    return dk_date(value)


def month(value: date) -> str:
    return dk_date(value, "MMM y")


def percent(share: float) -> str:
    """0.596 → "60 %" (Danish puts a space before the sign)."""
    return f"{round(share * 100)}{NBSP}%"


def times(n: int) -> str:
    return "én gang" if n == 1 else f"{n} gange"


def months_between(a: date, b: date) -> int:
    return round((b - a).days / 30.44)


def change(diff: float, unit: str = "point", *, since: str = "første gang") -> str:
    """ "6 point højere end første gang"; "det samme som første gang"."""
    if round(diff, 1) == 0:
        return f"det samme som {since}"
    word = "højere" if diff > 0 else "lavere"
    return f"{dk_number(abs(diff))} {unit} {word} end {since}"


def count_list(parts: Sequence[tuple[int, str]]) -> str:
    """[(1, "opnået"), (2, "i gang"), (0, "droppet")] → "1 opnået og 2 i gang"."""
    shown = [f"{n} {label}" for n, label in parts if n]
    return join(shown)


def join(words: Sequence[str], last: str = "og") -> str:
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def sign(diff: float) -> str:
    """+6 · −2,5 · 0 for table cells."""
    rounded = round(diff, 1)
    return f"+{dk_number(rounded)}" if rounded > 0 else dk_number(rounded)
