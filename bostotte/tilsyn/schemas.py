"""The visit form's fixed fields (its scores and theme texts are read by the service, one
field per indicator and theme of the model version)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validates_schema
from marshmallow.validate import Range

from bostotte.common.schema import Date, FormSchema, Int, Str, max_len, one_of, required_text
from bostotte.stats.services import FIRST_YEAR, LAST_YEAR
from bostotte.tilsyn.models import ACTION_STATUSES, KINDS

LABELS = {
    "visit_date": "Dato for besøget",
    "kind": "Slags besøg",
    "visitor": "Hvem",
    "offer": "Tilbud",
    "team_ids": "Teams",
    "model_version": "Kvalitetsmodel",
}


class VisitSchema(FormSchema):
    visit_date = Date(required=True)
    kind = Str(required=True, validate=one_of(KINDS))
    visitor = Str(required=True, validate=required_text(200))
    offer = Str(required=True, validate=required_text(200))
    team_ids = fields.List(
        Str(validate=max_len(12)),
        load_default=list,
        error_messages={"invalid": "Vælg mindst ét team."},
    )


ACTION_LABELS = {
    "indicator": "Indikator",
    "recommendation_id": "Henstilling",
    "text": "Hvad vi gør",
    "owner_id": "Ansvarlig",
    "deadline": "Frist",
    "status": "Status",
    "note": "Note",
}


class ActionSchema(FormSchema):
    # One of them, or both: an action answers an indicator, a henstilling, or a henstilling
    # about an indicator (handleplan._check).
    indicator = Str(validate=max_len(10))
    recommendation_id = Str(validate=max_len(12))
    text = Str(required=True, validate=required_text(2000))
    owner_id = Str(validate=max_len(12))
    deadline = Str(required=True, validate=max_len(40))
    status = Str(required=True, validate=one_of(ACTION_STATUSES))
    note = Str(validate=max_len(2000))


SAMPLE_LABELS = {"size": "Antal borgere", "reason": "Hvorfor", "chosen": "Eller valgte borgere"}


class SampleSchema(FormSchema):
    size = Int()
    reason = Str(required=True, validate=required_text(500))
    chosen = Str(validate=max_len(200))


RESULT_LABELS = {
    "aar": "År",
    "fra": "Fra",
    "til": "Til",
    "team": "Team",
    "tekst": "Sådan har vi brugt resultaterne",
}


class ResultFilterSchema(FormSchema):
    """The resultatdokumentation's period (a year, or from and to) and team (URL parameters)."""

    aar = Int(
        validate=Range(
            FIRST_YEAR, LAST_YEAR, error=f"Vælg et år mellem {FIRST_YEAR} og {LAST_YEAR}."
        )
    )
    fra = Date()
    til = Date()
    team = Int()

    @validates_schema
    def _period(self, data: dict[str, Any], **_kw: Any) -> None:
        for key in ("fra", "til"):
            if key in data and not FIRST_YEAR <= data[key].year <= LAST_YEAR:
                raise ValidationError(f"Vælg en dato mellem {FIRST_YEAR} og {LAST_YEAR}.", key)
        if ("fra" in data) != ("til" in data):
            missing = "til" if "fra" in data else "fra"
            raise ValidationError("Udfyld både fra og til, eller vælg et år.", missing)
        if "fra" in data and data["til"] < data["fra"]:
            raise ValidationError("Slutdatoen ligger før startdatoen.", "til")


class ResultTextSchema(FormSchema):
    # The length is checked by the service, whose message says how long the text is.
    tekst = Str(load_default="")
