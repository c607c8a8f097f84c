"""The leader's forms on /statistik: the page's filters (URL parameters) and a target."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validates_schema
from marshmallow.validate import Range

from bostotte.common.schema import Date, FormSchema, Int, Str, one_of
from bostotte.goals.models import ALL_THEMES, THEMES
from bostotte.stats import report, services


def _check_period(data: dict[str, Any], start: str, end: str) -> None:
    for key in (start, end):
        if key in data and not services.FIRST_YEAR <= data[key].year <= services.LAST_YEAR:
            raise ValidationError(
                f"Vælg en dato mellem {services.FIRST_YEAR} og {services.LAST_YEAR}.", key
            )
    if start in data and end in data and data[end] < data[start]:
        raise ValidationError("Slutdatoen ligger før startdatoen.", end)


class FilterSchema(FormSchema):
    fra = Date()
    til = Date()
    team = Int()
    tema = Str(validate=one_of(ALL_THEMES))
    type = Str(validate=one_of(report.REPORT_TYPES))
    basisaar = Int(
        validate=Range(
            services.FIRST_YEAR,
            services.LAST_YEAR,
            error=f"Vælg et basisår mellem {services.FIRST_YEAR} og {services.LAST_YEAR}.",
        )
    )

    @validates_schema
    def _period(self, data: dict[str, Any], **_kw: Any) -> None:
        _check_period(data, "fra", "til")


class Percent(fields.Field):
    """ "63", "63 %" or "63,5" → 0.63 / 0.635 (a share, as the engine stores targets)."""

    default_error_messages = {
        "required": "Udfyld feltet.",
        "invalid": "Skriv målet som en procent mellem 0 og 100, fx 63.",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> float:
        text = str(value).replace("%", "").replace(",", ".").strip()
        try:
            number = float(text)
        except ValueError as exc:
            raise self.make_error("invalid") from exc
        if not 0 <= number <= 100:
            raise self.make_error("invalid")
        return number / 100


class TargetSchema(FormSchema):
    maal_tema = Str(required=True, validate=one_of(THEMES))
    andel = Percent(required=True)
    maal_fra = Date(required=True)
    maal_til = Date(required=True)

    @validates_schema
    def _period(self, data: dict[str, Any], **_kw: Any) -> None:
        _check_period(data, "maal_fra", "maal_til")
