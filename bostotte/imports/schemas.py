"""Row schemas of the interchange format (domain.md, "The interchange format")."""

from __future__ import annotations

from marshmallow import validate

from bostotte.citizens.models import GENDERS, LEGAL_BASES
from bostotte.common.dates import DomainDate
from bostotte.common.schema import FormSchema, Int, Str, max_len, one_of, required_text
from bostotte.goals.models import ALL_THEMES, GOAL_STATUSES

COLUMNS = {
    "teams.csv": ("external_id", "name"),
    "citizens.csv": (
        "external_id",
        "display_name",
        "birth_year",
        "gender",
        "team",
        "legal_basis",
        "start_date",
        "end_date",
        "methods",
        "pakke1",
    ),
    "goals.csv": (
        "external_id",
        "citizen",
        "theme",
        "specific",
        "measurable",
        "target_date",
        "status",
        "created_on",
    ),
    "scorings.csv": ("citizen", "goal", "instrument", "occasion", "scored_on", "item", "value"),
}
METHOD_NAMES = ("FKO", "FIT", "REM")


class TeamCsvRow(FormSchema):
    external_id = Str(required=True, validate=required_text(64))
    name = Str(required=True, validate=required_text(120))


class CitizenCsvRow(FormSchema):
    external_id = Str(required=True, validate=required_text(64))
    display_name = Str(required=True, validate=required_text(120))
    birth_year = Int(
        required=True,
        validate=validate.Range(
            min=1900, max=2100, error="Fødselsåret skal ligge mellem {min} og {max}."
        ),
    )
    gender = Str(required=True, validate=one_of(GENDERS))
    team = Str(required=True, validate=required_text(64))
    legal_basis = Str(required=True, validate=one_of(LEGAL_BASES))
    start_date = DomainDate(required=True)
    end_date = DomainDate(load_default=None)
    methods = Str(load_default="")
    pakke1 = Str(load_default="0", validate=validate.OneOf(["0", "1"], error="Skriv 0 eller 1."))


class GoalCsvRow(FormSchema):
    external_id = Str(required=True, validate=required_text(64))
    citizen = Str(required=True, validate=required_text(64))
    theme = Str(required=True, validate=one_of(ALL_THEMES))
    specific = Str(required=True, validate=required_text(1000))
    measurable = Str(load_default=None, validate=max_len(1000))
    target_date = DomainDate(load_default=None)
    status = Str(required=True, validate=one_of(GOAL_STATUSES))
    created_on = DomainDate(required=True)
