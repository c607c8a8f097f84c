"""The API's shapes. Input reuses the forms' schemas (one set of rules and Danish messages
for forms, import and API), refusing unknown fields; output schemas are read-only views of
the models. Field descriptions are Danish, as the users' words are."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, fields, validate

from bostotte import instruments
from bostotte.api.paging import DatabaseInts
from bostotte.citizens.schemas import CitizenSchema, ClosePlanSchema, PlanSchema
from bostotte.common.dates import DomainDate
from bostotte.common.schema import FormSchema, Int, Str, max_len
from bostotte.goals.schemas import CloseGoalSchema, GoalSchema, NoteSchema, SubGoalSchema
from bostotte.scoring.schemas import ScoringMetaSchema
from bostotte.stats.queries import DIMENSIONS


def d(text: str, **extra: Any) -> dict[str, Any]:
    return {"description": text, **extra}


# ------------------------------------------------------------------------------- input


class Strict(FormSchema, DatabaseInts):
    """Unknown fields are refused (a misspelt field must not be silently dropped)."""

    class Meta(FormSchema.Meta):
        unknown = RAISE

    error_messages = {
        "unknown": "Ukendt felt.",
        "type": "Send et JSON-objekt.",
    }


EXTERNAL_ID = {"description": "Id i kommunens eget system (entydigt)."}


class CitizenIn(CitizenSchema, Strict):
    external_id = Str(load_default=None, validate=max_len(64), metadata=EXTERNAL_ID)


class PlanIn(PlanSchema, Strict):
    citizen_id = Int(required=True, metadata=d("Borgeren, planen hører til."))


class PlanClose(ClosePlanSchema, Strict):
    pass


class GoalIn(GoalSchema, Strict):
    plan_id = Int(required=True, metadata=d("Planen, målet hører til (borgerens aktive plan)."))
    external_id = Str(load_default=None, validate=max_len(64), metadata=EXTERNAL_ID)
    created_on = DomainDate(
        load_default=None,
        metadata=d("Hvornår målet blev sat (standard: i dag), fx fra sagssystemet."),
    )


class GoalUpdate(GoalSchema, Strict):
    pass


class GoalClose(CloseGoalSchema, Strict):
    pass


class SubGoalIn(SubGoalSchema, Strict):
    goal_id = Int(required=True, metadata=d("Målet, delmålet hører til."))


class SubGoalUpdate(SubGoalSchema, Strict):
    pass


class NoteIn(NoteSchema, Strict):
    pass


Values = fields.Dict(
    keys=fields.String(),
    values=fields.Raw(),
    load_default=dict,
    metadata=d("Punkternes værdier: punktets id → tal (se /instruments)."),
)


class ScoringIn(ScoringMetaSchema, Strict):
    citizen_id = Int(required=True, metadata=d("Borgeren, der er scoret."))
    instrument = Str(
        required=True,
        validate=validate.OneOf(
            sorted(instruments.registry()), error="Ukendt instrument. Se /api/v1/instruments."
        ),
        metadata=d("FKO, ORS, SRS eller REM."),
    )
    values = Values
    citizen_values = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        load_default=dict,
        metadata=d("Borgerens egne værdier, når participation er `disagreed`."),
    )


class ScoringUpdate(ScoringMetaSchema, Strict):
    values = Values
    citizen_values = fields.Dict(keys=fields.String(), values=fields.Raw(), load_default=dict)


class StatisticsArgs(Schema):
    # Read as text and parsed by the statistics' own rule, as `flask bostotte stats` does.
    from_ = Str(data_key="from", metadata=d("Periodens første dag, ÅÅÅÅ-MM-DD (standard 1/1)."))
    to = Str(metadata=d("Periodens sidste dag, ÅÅÅÅ-MM-DD (standard 31/12)."))
    by = Str(validate=validate.OneOf(DIMENSIONS), metadata=d("Opdel efter en dimension."))


# ------------------------------------------------------------------------------ output


class VersionedOut(Schema):
    version = fields.Integer(metadata=d("Stiger ved hver ændring."))
    updated_at = fields.AwareDateTime(metadata=d("Senest ændret (UTC)."))


class TeamOut(Schema):
    id = fields.Integer()
    name = fields.String(metadata=d("Teamets navn."))
    external_id = fields.String(allow_none=True, metadata=d("Id i kommunens eget system."))


class StaffOut(Schema):
    id = fields.Integer()
    name = fields.String()
    email = fields.String()
    role = fields.String(metadata=d("mestringsvejleder, leder, myndighed …"))
    team_ids = fields.List(fields.Integer())


class CitizenOut(VersionedOut):
    id = fields.Integer()
    external_id = fields.String(allow_none=True, metadata=d("Id i kommunens eget system."))
    display_name = fields.String(metadata=d("Navnet, som medarbejderne kender borgeren ved."))
    case_ref = fields.String(allow_none=True, metadata=d("Sagsnummer."))
    birth_year = fields.Integer()
    gender = fields.String(metadata=d("k, m eller a."))
    team_id = fields.Integer()
    legal_basis = fields.String(metadata=d("§85 eller §82b."))
    start_date = fields.Date()
    end_date = fields.Date(allow_none=True)
    methods = fields.List(fields.String(), metadata=d("FKO, FIT og/eller REM."))
    pakke1 = fields.Boolean()
    caseworker_id = fields.Integer(allow_none=True, metadata=d("Myndighedsrådgiveren."))
    primary_worker_id = fields.Integer(
        allow_none=True, metadata=d("Den primære mestringsvejleder.")
    )
    created_at = fields.AwareDateTime()


class PlanOut(VersionedOut):
    id = fields.Integer()
    citizen_id = fields.Integer()
    legal_basis = fields.String()
    start_date = fields.Date()
    end_date = fields.Date()
    status = fields.String(metadata=d("active eller closed."))
    sessions_used = fields.Integer(allow_none=True, metadata=d("§82b: brugte samtaler."))
    sessions_granted = fields.Integer(allow_none=True, metadata=d("§82b: bevilgede samtaler."))
    note = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()


class FkoPoint(Schema):
    scoring_id = fields.Integer(attribute="id")
    occasion = fields.String(metadata=d("baseline, target, status eller final."))
    scored_on = fields.Date()
    value = fields.Float(attribute="total", metadata=d("Støttebehovet (0–4)."))


class GoalOut(VersionedOut):
    id = fields.Integer()
    plan_id = fields.Integer()
    citizen_id = fields.Integer()
    theme = fields.String(metadata=d("Målets tema."))
    specific = fields.String(metadata=d("Specifikt: hvad borgeren vil opnå."))
    measurable = fields.String(allow_none=True, metadata=d("Målbart: hvordan det ses."))
    agreed = fields.Boolean(metadata=d("Accepteret af borgeren."))
    agreed_on = fields.Date(allow_none=True)
    realistic = fields.String(allow_none=True, metadata=d("Realistisk: hvorfor det kan nås."))
    target_date = fields.Date(allow_none=True, metadata=d("Tidsbestemt: måldato."))
    status = fields.String(metadata=d("active, achieved, partly_achieved, abandoned, replaced."))
    close_reason = fields.String(allow_none=True)
    closed_on = fields.Date(allow_none=True)
    created_on = fields.Date()
    history = fields.List(
        fields.Nested(FkoPoint),
        attribute="fko_history",
        metadata=d("Målets FKO-scoringer, ældste først: støttebehovet over tid."),
    )


class NoteOut(Schema):
    id = fields.Integer()
    noted_on = fields.Date()
    text = fields.String()
    author_id = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()


class SubGoalOut(VersionedOut):
    id = fields.Integer()
    goal_id = fields.Integer()
    title = fields.String()
    method = fields.String(metadata=d("Metoden, delmålet arbejdes med."))
    approach = fields.String(allow_none=True, metadata=d("Fremgangsmåde."))
    target_date = fields.Date(allow_none=True)
    status = fields.String(metadata=d("not_started, in_progress, achieved, dropped."))
    created_on = fields.Date()
    notes = fields.List(fields.Nested(NoteOut), metadata=d("Noter, ældste først."))


class ScoringOut(Schema):
    id = fields.Integer()
    citizen_id = fields.Integer()
    goal_id = fields.Integer(allow_none=True, metadata=d("FKO: målet, der er scoret."))
    instrument = fields.String()
    instrument_version = fields.String()
    occasion = fields.String(
        allow_none=True, metadata=d("FKO: baseline, target, status eller final.")
    )
    scored_on = fields.Date()
    participation = fields.String(
        metadata=d("together, citizen_self, worker_draft eller disagreed.")
    )
    total = fields.Float(metadata=d("Instrumentets total (sum, eller FKO's ene værdi)."))
    values = fields.Dict(keys=fields.String(), values=fields.Float())
    citizen_values = fields.Dict(
        keys=fields.String(), values=fields.Float(), metadata=d("Borgerens egne værdier.")
    )
    citizen_comment = fields.String(allow_none=True)
    worker_note = fields.String(allow_none=True)
    scored_by_id = fields.Integer(allow_none=True)
    version = fields.Integer()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class ReminderOut(Schema):
    id = fields.Integer()
    citizen_id = fields.Integer()
    rule = fields.String(metadata=d("Hvad der forfalder."))
    subject = fields.String()
    goal_id = fields.Integer(allow_none=True)
    subgoal_id = fields.Integer(allow_none=True)
    due_date = fields.Date()
    status = fields.String(metadata=d("open eller done."))
    created_at = fields.AwareDateTime()
    resolved_at = fields.AwareDateTime(allow_none=True)


class AccessOut(Schema):
    id = fields.Integer()
    at = fields.AwareDateTime()
    actor_id = fields.Integer(allow_none=True)
    actor_role = fields.String()
    what = fields.String(metadata=d("Hvad der blev set."))
    via = fields.String(allow_none=True, metadata=d("API-nøglens navn, når det var via API'et."))


class ItemOut(Schema):
    id = fields.String()
    label = fields.String()
    help = fields.String()


class OccasionOut(Schema):
    id = fields.String()
    label = fields.String()
    recorded_by = fields.List(fields.String(), metadata=d("Rollerne, der registrerer den."))


class InstrumentOut(Schema):
    id = fields.String()
    name = fields.String()
    version = fields.String()
    method = fields.String()
    subject = fields.String(metadata=d("citizen eller goal."))
    description = fields.String()
    items = fields.List(fields.Nested(ItemOut))
    scale_min = fields.Float()
    scale_max = fields.Float()
    step = fields.Float()
    scale_labels = fields.Dict(keys=fields.String(), values=fields.String())
    direction = fields.String()
    total_range = fields.List(fields.Float())
    cutoffs = fields.Dict(keys=fields.String(), values=fields.Float())
    reliable_change = fields.Float(allow_none=True)
    occasions = fields.Function(
        lambda instrument: OccasionOut(many=True).dump(instrument.occasions.values()),
        metadata=d("FKO: hvem registrerer hvad.", type="array", items={"type": "object"}),
    )
    filled_by = fields.List(fields.String())
