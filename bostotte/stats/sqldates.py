"""Date arithmetic in SQL, compiled per dialect so the statistics read the same everywhere.

Months are calendar months clamped to the month's last day, exactly like
bostotte.common.time.add_months (31 January + 1 month = 28/29 February).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class add_months(FunctionElement[Any]):  # noqa: N801 (reads like the SQL function it is)
    type = Date()
    inherit_cache = True
    name = "add_months"


class add_days(FunctionElement[Any]):  # noqa: N801
    type = Date()
    inherit_cache = True
    name = "add_days"


@compiles(add_months, "postgresql")
def _pg_add_months(element: add_months, compiler: Any, **kw: Any) -> str:
    day, months = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(({day}) + make_interval(months => CAST({months} AS INTEGER)) AS DATE)"


@compiles(add_months, "sqlite")
def _sqlite_add_months(element: add_months, compiler: Any, **kw: Any) -> str:
    day, months = (compiler.process(c, **kw) for c in element.clauses)
    # SQLite rolls 31 Jan + 1 month over to 3 March; the month's last day caps it.
    return (f"min(date({day}, '+' || ({months}) || ' months'), "
            f"date({day}, 'start of month', '+' || (({months}) + 1) || ' months', '-1 day'))")


@compiles(add_days, "postgresql")
def _pg_add_days(element: add_days, compiler: Any, **kw: Any) -> str:
    day, days = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(({day}) + CAST({days} AS INTEGER) AS DATE)"


@compiles(add_days, "sqlite")
def _sqlite_add_days(element: add_days, compiler: Any, **kw: Any) -> str:
    day, days = (compiler.process(c, **kw) for c in element.clauses)
    return f"date({day}, '+' || ({days}) || ' days')"


class days_between(FunctionElement[Any]):  # noqa: N801
    """Whole days from the first date to the second."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "postgresql")
def _pg_days_between(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST({end} AS DATE) - CAST({start} AS DATE))"


@compiles(days_between, "sqlite")
def _sqlite_days_between(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"
