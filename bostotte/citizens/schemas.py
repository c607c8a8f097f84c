from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validate, validates_schema

from bostotte.citizens.models import GENDERS, LEGAL_BASES
from bostotte.common.dates import DomainDate
from bostotte.common.schema import Bool, FormSchema, Int, Str, max_len, one_of, required_text


def check_period(data: dict[str, Any]) -> None:
    start, end = data.get("start_date"), data.get("end_date")
    if start and end and end < start:
        raise ValidationError("Slutdatoen skal ligge efter startdatoen.", "end_date")


class CitizenSchema(FormSchema):
    display_name = Str(required=True, validate=required_text(120))
    case_ref = Str(load_default=None, validate=max_len(64))
    birth_year = Int(
        required=True,
        validate=validate.Range(
            min=1900, max=2100, error="Skriv et fødselsår mellem {min} og {max}."
        ),
    )
    gender = Str(required=True, validate=one_of(GENDERS))
    team_id = Int(required=True)
    legal_basis = Str(required=True, validate=one_of(LEGAL_BASES))
    start_date = DomainDate(required=True)
    end_date = DomainDate(load_default=None)
    uses_fko = Bool(load_default=False)
    uses_fit = Bool(load_default=False)
    uses_rem = Bool(load_default=False)
    pakke1 = Bool(load_default=False)
    caseworker_id = Int(load_default=None)
    primary_worker_id = Int(load_default=None)

    @validates_schema(skip_on_field_errors=False)
    def _period(self, data: dict[str, Any], **_kw: Any) -> None:
        check_period(data)


class PlanSchema(FormSchema):
    legal_basis = Str(required=True, validate=one_of(LEGAL_BASES))
    start_date = DomainDate(required=True)
    end_date = DomainDate(required=True)
    sessions_granted = Int(
        load_default=None,
        validate=validate.Range(min=1, max=40, error="Skriv et antal mellem {min} og {max}."),
    )
    sessions_used = Int(
        load_default=None,
        validate=validate.Range(min=0, max=40, error="Skriv et antal mellem {min} og {max}."),
    )
    note = Str(load_default=None, validate=max_len(2000))

    @validates_schema(skip_on_field_errors=False)
    def _period(self, data: dict[str, Any], **_kw: Any) -> None:
        check_period(data)


class ClosePlanSchema(FormSchema):
    closed_on = DomainDate(required=True)
