"""The OpenAPI document's shared parts, added in one place rather than on every view:
the problem+json error responses each operation can give, the scope each one needs,
If-Match and Idempotency-Key, and Danish descriptions of the fields the schemas share."""

from __future__ import annotations

import http
from typing import Any

from apispec import APISpec, BasePlugin
from flask import Flask
from marshmallow import Schema, fields

from bostotte.api import problems
from bostotte.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from bostotte.api.idempotency import MAX_KEY
from bostotte.common.db import MAX_ID

METHODS = ("get", "put", "post", "patch", "delete")
# A body (or FHIR search) naming the record it belongs to: a missing (or unseen) one is a
# 404, as in a path. (The lists' filters, `citizen` and `team`, only narrow the list.)
PARENT_IDS = frozenset({"citizen_id", "plan_id", "goal_id", "patient"})


class FieldError(Schema):
    field = fields.String(
        required=True,
        metadata={
            "description": "Feltet: `display_name`, `values.generelt`; i forespørgslens "
            "adresse `query.limit`."
        },
    )
    message = fields.String(required=True, metadata={"description": "Fejlen, på dansk."})


class Problem(Schema):
    """RFC 9457 Problem Details, as bostotte/api/problems.py writes them."""

    type = fields.String(metadata={"description": "Altid `about:blank`: se `status`."})
    title = fields.String(required=True, metadata={"description": "Hvad fejlen er, på dansk."})
    status = fields.Integer(required=True, metadata={"description": "HTTP-statuskoden."})
    instance = fields.String(metadata={"description": "Stien, forespørgslen gik til."})
    detail = fields.String(metadata={"description": "Mere om netop denne fejl, på dansk."})
    errors = fields.List(
        fields.Nested(FieldError),
        metadata={"description": "Ved fejl i det indsendte: én pr. felt og fejl."},
    )


def problem_responses() -> dict[str, dict[str, Any]]:
    """Every 4xx/5xx status as a response component named as flask-smorest names them
    (UNPROCESSABLE_ENTITY …), so its own 422/412/428 use them too; plus DEFAULT_ERROR."""
    out: dict[str, dict[str, Any]] = {}
    for status in http.HTTPStatus:
        title = problems.TITLES.get(status, status.phrase)
        response: dict[str, Any] = {"description": title}
        if status >= 400:
            example: dict[str, Any] = {
                "type": "about:blank",
                "title": title,
                "status": int(status),
                "instance": "/api/v1/goals/17",
            }
            if status == 422:
                example["errors"] = [{"field": "target_date", "message": "Udfyld feltet."}]
            response["content"] = {problems.MEDIA_TYPE: {"schema": Problem, "example": example}}
        out[status.name] = response
    out["DEFAULT_ERROR"] = {
        "description": "Anden fejl (problem+json).",
        "content": {problems.MEDIA_TYPE: {"schema": Problem}},
    }
    return out


# flask-smorest's ETag parameters and header, in Danish.
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "description": "ETag'en fra din seneste GET af ressourcen: er den ændret siden, svares "
    "412, og intet gemmes.",
    "schema": {"type": "string"},
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "description": "ETag'en, du har: er ressourcen uændret, svares 304 uden indhold.",
    "schema": {"type": "string"},
}
ETAG = {
    "description": "Ressourcens ETag: send den som If-Match, når du retter den.",
    "schema": {"type": "string"},
}

IDEMPOTENCY_KEY = {
    "name": IDEMPOTENCY_HEADER,
    "in": "header",
    "required": False,
    "description": "Vælg en ny, unik nøgle til hver ny forespørgsel: sendes den samme "
    "forespørgsel igen med samme nøgle, fås det første svar, og intet oprettes to gange.",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY},
}


def _marked(func: Any, name: str) -> Any:
    """A marker set by our decorators (auth.scoped, idempotent, etags.required) on the view
    or anything it wraps."""
    while func is not None:
        if (value := getattr(func, name, None)) is not None:
            return value
        func = getattr(func, "__wrapped__", None)
    return None


class ProblemsPlugin(BasePlugin):
    """Completes each operation from what its view is: every one needs a token (401) and
    counts towards the rate limit (429); a scoped one can be refused (403) and names its
    scope; an id in the path can be missing (404); input can be wrong (400 unreadable,
    422 against the rules); If-Match and Idempotency-Key where the view uses them."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def init_spec(self, spec: APISpec) -> None:
        self.spec = spec

    def path_helper(
        self,
        path: str | None = None,
        operations: dict[Any, Any] | None = None,
        parameters: list[dict[Any, Any]] | None = None,
        **_kw: Any,
    ) -> None:
        """The ids in the path, described like the fields of the same name."""
        for parameter in parameters or []:
            if isinstance(parameter, dict) and parameter.get("in") == "path":
                text = PATH_IDS.get(parameter["name"]) or SHARED.get(parameter["name"])
                if text:
                    parameter.setdefault("description", text)
                if parameter.get("schema", {}).get("type") == "integer":
                    parameter["schema"]["maximum"] = MAX_ID

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        rule = kwargs.get("rule")
        if rule is None or not operations:
            return
        view = self.app.view_functions[rule.endpoint]
        has_path_id = bool(rule.arguments)
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            func = getattr(getattr(view, "view_class", None), method, view)
            scope = _marked(func, "api_scope")
            idempotent = bool(_marked(func, "api_idempotent"))
            if_match = bool(_marked(func, "api_if_match"))
            parameters = operation.setdefault("parameters", [])
            query = {p["name"] for p in parameters if isinstance(p, dict) and p["in"] == "query"}
            body = self._body_fields(operation)

            codes = [401, 429]
            if scope:
                codes.append(403)
                operation["security"] = [{"bearerAuth": [scope]}]
            if has_path_id or (body | query) & PARENT_IDS:
                codes.append(404)
            if body or query:
                codes.append(422)
            if "requestBody" in operation or "cursor" in query:
                codes.append(400)  # JSON that cannot be read; a cursor not from `next`
            if idempotent:
                codes += [400, 409]
                parameters.append(IDEMPOTENCY_KEY)
            if if_match:
                codes += [412, 428]
                if "IF_MATCH" not in parameters:
                    parameters.append("IF_MATCH")
                for code, response in operation.get("responses", {}).items():
                    if str(code).startswith("2") and isinstance(response, dict):
                        response.setdefault("headers", {})["ETag"] = "ETAG"
            responses = operation.setdefault("responses", {})
            present = {str(code) for code in responses}
            for code in sorted(set(codes)):
                if str(code) not in present:
                    responses[code] = http.HTTPStatus(code).name
            operation["tags"] = [self.tag(t) for t in operation.get("tags", [])]

    def _body_fields(self, operation: dict[str, Any]) -> set[str]:
        """The request body's fields (its schema is a reference by now)."""
        content = operation.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        name = schema.get("$ref", "").rpartition("/")[2] if isinstance(schema, dict) else ""
        component = self.spec.components.schemas.get(name, {})
        return set(component.get("properties", {})) if content else set()

    def tag(self, blueprint_name: str) -> str:
        blueprint = self.app.blueprints.get(blueprint_name)
        return tag_name(blueprint_name, getattr(blueprint, "description", None))


def tag_name(name: str, description: str | None) -> str:
    """A blueprint's tag is a heading on the documentation page: its Danish description up
    to a colon ("Scoringer: FKO, ORS …" → "Scoringer") reads better than its name."""
    return (description or name).partition(":")[0].rstrip(". ")


# Descriptions of fields by name, for fields that mean the same in every schema; a field's
# own description (metadata) wins, and (schema, field) wins over field.
SHARED: dict[str, str] = {
    "id": "Ressourcens id.",
    "actor_id": "Brugeren, der så oplysningerne.",
    "actor_role": "Brugerens rolle, da hun så dem.",
    "agreed": "Målet er aftalt med borgeren.",
    "agreed_on": "Datoen, målet blev aftalt med borgeren.",
    "approach": "Fremgangsmåde.",
    "at": "Tidspunktet (UTC).",
    "author_id": "Medarbejderen, der skrev noten.",
    "birth_year": "Fødselsår.",
    "case_ref": "Sagsnummer.",
    "caseworker_id": "Myndighedsrådgiveren (brugerens id).",
    "citizen_comment": "Borgerens egen kommentar.",
    "citizen_id": "Borgerens id.",
    "citizen_values": "Borgerens egne værdier, når participation er `disagreed`: punktets id "
    "→ tal.",
    "close_reason": "Hvorfor målet blev afsluttet.",
    "closed_on": "Datoen, målet blev afsluttet.",
    "created_at": "Oprettet (UTC).",
    "created_on": "Oprettet (dato).",
    "cutoffs": "Skæringsværdier: navn → værdi.",
    "display_name": "Navnet, som medarbejderne kender borgeren ved.",
    "due_date": "Forfaldsdato.",
    "email": "E-mailadresse.",
    "end_date": "Slutdato.",
    "filled_by": "Hvem der udfylder instrumentet.",
    "gender": "Køn: k (kvinde), m (mand) eller a (andet).",
    "goal_id": "Målets id.",
    "help": "Hjælpetekst til punktet.",
    "label": "Punktets tekst.",
    "legal_basis": "Lovgrundlag: §85 eller §82b.",
    "measurable": "Målbart: hvordan det ses.",
    "note": "Note til planen.",
    "noted_on": "Datoen, noten gælder.",
    "occasion": "FKO: baseline, target, status eller final.",
    "pakke1": "Borgeren er i pakke 1.",
    "participation": "Hvordan borgeren var med: together, citizen_self, worker_draft eller "
    "disagreed.",
    "plan_id": "Planens id.",
    "primary_worker_id": "Den primære mestringsvejleder (brugerens id).",
    "realistic": "Realistisk: hvorfor det kan nås.",
    "reliable_change": "Den mindste ændring, der regnes for pålidelig.",
    "resolved_at": "Løst (UTC); null, mens påmindelsen er åben.",
    "scale_labels": "Skalaens tekster: værdi → tekst.",
    "scale_max": "Skalaens højeste værdi.",
    "scale_min": "Skalaens laveste værdi.",
    "scored_by_id": "Medarbejderen, der registrerede scoringen.",
    "scored_on": "Datoen for scoringen.",
    "scoring_id": "Scoringens id.",
    "sessions_granted": "§82b: bevilgede samtaler.",
    "sessions_used": "§82b: brugte samtaler.",
    "specific": "Specifikt: hvad borgeren vil opnå.",
    "start_date": "Startdato.",
    "step": "Skridt mellem skalaens værdier.",
    "subgoal_id": "Delmålets id.",
    "target_date": "Måldato.",
    "team_id": "Teamets id.",
    "team_ids": "De teams, medarbejderen er i.",
    "text": "Notens tekst.",
    "theme": "Målets tema.",
    "title": "Delmålets titel.",
    "total_range": "Totalens laveste og højeste værdi.",
    "updated_at": "Senest ændret (UTC).",
    "uses_fit": "Borgeren bruger FIT (ORS og SRS).",
    "uses_fko": "Borgeren bruger FKO.",
    "uses_rem": "Borgeren bruger REM.",
    "version": "Stiger ved hver ændring.",
    "worker_note": "Medarbejderens note.",
}
BY_SCHEMA: dict[tuple[str, str], str] = {
    ("ItemOut", "id"): "Punktets id: nøglen i en scorings values.",
    ("InstrumentOut", "id"): "Instrumentets id: FKO, ORS, SRS eller REM.",
    ("InstrumentOut", "name"): "Instrumentets navn.",
    ("InstrumentOut", "version"): "Instrumentets version.",
    ("InstrumentOut", "method"): "Metoden, instrumentet hører til.",
    ("InstrumentOut", "description"): "Hvad instrumentet måler.",
    ("InstrumentOut", "direction"): "Om en høj eller en lav værdi er bedst.",
    ("InstrumentOut", "items"): "Instrumentets punkter, i rækkefølge.",
    ("StaffOut", "name"): "Medarbejderens navn.",
    ("SubGoalIn", "method"): "Metoden, delmålet arbejdes med.",
    ("SubGoalUpdate", "method"): "Metoden, delmålet arbejdes med.",
    ("SubGoalIn", "status"): "not_started, in_progress, achieved eller dropped.",
    ("SubGoalUpdate", "status"): "not_started, in_progress, achieved eller dropped.",
    ("GoalClose", "status"): "Hvordan målet endte: achieved, partly_achieved, abandoned "
    "eller replaced.",
    ("ScoringOut", "instrument"): "FKO, ORS, SRS eller REM.",
    ("ScoringOut", "instrument_version"): "Instrumentets version, da der blev scoret.",
    ("ScoringOut", "values"): "Punkternes værdier: punktets id → tal.",
    ("ScoringOut", "version"): "Stiger, hver gang scoringen rettes.",
    ("ScoringUpdate", "values"): "Punkternes værdier: punktets id → tal.",
    ("ScoringIn", "goal_id"): "FKO: målet, der scores.",
    ("ScoringUpdate", "goal_id"): "FKO: målet, der scores.",
    ("ReminderOut", "subject"): "Hvad påmindelsen gælder.",
}
PATH_IDS = {"instrument_id": "Instrumentets id: FKO, ORS, SRS eller REM."}
PAGE_ITEMS = "Listens elementer på denne side, i id-orden."


def describe(self: Any, field: fields.Field, ret: dict[str, Any], **_kw: Any) -> dict[str, Any]:
    """apispec attribute function: a description for a schema's field without its own."""
    if "description" in ret or not isinstance(field.parent, Schema) or not field.name:
        return {}
    schema = type(field.parent).__name__
    text = BY_SCHEMA.get((schema, field.name)) or SHARED.get(field.name)
    if text is None and field.name == "items" and schema.endswith("Page"):
        text = PAGE_ITEMS
    return {"description": text} if text else {}
