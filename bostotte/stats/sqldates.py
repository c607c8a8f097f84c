"""Date arithmetic in SQL, compiled per dialect so the statistics read the same everywhere.

Months are calendar months clamped to the month's last day, exactly like
bostotte.common.time.add_months (31 January + 1 month = 28/29 February).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class add_months(FunctionElement[Any]):
    type = Date()
    inherit_cache = True
    name = "add_months"


class add_days(FunctionElement[Any]):
    type = Date()
    inherit_cache = True
    name = "add_days"


class days_between(FunctionElement[Any]):
    """Whole days from the first date to the second."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


class year_quarter(FunctionElement[Any]):
    """A date's calendar quarter as one sortable number: year * 10 + quarter (20253)."""

    type = Integer()
    inherit_cache = True
    name = "year_quarter"


class date_key(FunctionElement[Any]):
    """A date as a small integer that sorts as the date (for packing a sort key with other
    numbers into one integer): below 3 * 10^6 for dates from 1900 to 2199."""

    type = Integer()
    inherit_cache = True
    name = "date_key"


class greatest(FunctionElement[Any]):
    """The larger of two values (PostgreSQL's greatest, SQLite's two-argument max)."""

    type = Integer()
    inherit_cache = True
    name = "greatest"


# SQL per dialect, with {0} and {1} for the arguments.
TEMPLATES: dict[tuple[type, str], str] = {
    (add_months, "postgresql"): "CAST(({0}) + make_interval(months => CAST({1} AS INTEGER)) "
    "AS DATE)",
    # SQLite rolls 31 Jan + 1 month over to 3 March; the month's last day caps it.
    # (Modifiers "N months" and "N days" take a sign of their own: N may be negative.) Days
    # up to the 28th exist in every month; only later ones need the month's end as a cap.
    (add_months, "sqlite"): "(CASE WHEN substr({0}, 9, 2) <= '28' "
    "THEN date({0}, ({1}) || ' months') "
    "ELSE min(date({0}, ({1}) || ' months'), "
    "date({0}, 'start of month', (({1}) + 1) || ' months', '-1 day')) "
    "END)",
    (add_days, "postgresql"): "CAST(({0}) + CAST({1} AS INTEGER) AS DATE)",
    (add_days, "sqlite"): "date({0}, ({1}) || ' days')",
    (greatest, "postgresql"): "greatest({0}, {1})",
    (greatest, "sqlite"): "max({0}, {1})",
    (days_between, "postgresql"): "(CAST({1} AS DATE) - CAST({0} AS DATE))",
    (days_between, "sqlite"): "CAST(julianday({1}) - julianday({0}) AS INTEGER)",
    # Days since 1900 on PostgreSQL; on SQLite the digits YYYYMMDD less 19000000 (no
    # julianday() per row: a string's digits sort as its date).
    (date_key, "postgresql"): "(CAST({0} AS DATE) - DATE '1900-01-01')",
    (date_key, "sqlite"): "(CAST(replace({0}, '-', '') AS INTEGER) - 19000000)",
    (year_quarter, "postgresql"): "(CAST(EXTRACT(YEAR FROM {0}) AS INTEGER) * 10 "
    "+ CAST(EXTRACT(QUARTER FROM {0}) AS INTEGER))",
    (year_quarter, "sqlite"): "(CAST(strftime('%Y', {0}) AS INTEGER) * 10 "
    "+ (CAST(strftime('%m', {0}) AS INTEGER) + 2) / 3)",
}


def _compile(element: FunctionElement[Any], compiler: Any, **kw: Any) -> str:
    args = [compiler.process(c, **kw) for c in element.clauses]
    return TEMPLATES[(type(element), compiler.dialect.name)].format(*args)


for _function, _dialect in TEMPLATES:
    compiles(_function, _dialect)(_compile)
