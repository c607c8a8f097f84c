"""The ORS clinical cut-off for the citizen's age at a score (age = the score's year − birth
year; domain.md: the children's and adolescents' cut-offs where she was under 18 then), once
in Python and once in SQL, so the signals and the statistics read the same rule."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import case, extract
from sqlalchemy.sql import ColumnElement

from bostotte import instruments


def ors_cutoff(birth_year: int, on: date) -> float:
    return instruments.get("ORS").cutoff_for_age(on.year - birth_year)


def ors_cutoff_sql(on: Any, birth_year: Any) -> ColumnElement[float]:
    ors = instruments.get("ORS")
    age = extract("year", on) - birth_year
    return case(
        *[(age <= high, value) for _low, high, value in ors.age_cutoffs],
        else_=ors.cutoffs["adult"],
    )
