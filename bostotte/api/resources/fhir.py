"""FHIR R4: a citizen's FKO scores as Observations and her goals as Goals, in searchset
Bundles (application/fhir+json). The mapping and its terminology are in bostotte/api/fhir.py.

Searches name one citizen (`patient`), are paged like the other lists (`_count`, then the
`next` link) and are read-checked and access-logged like any read of her record. Errors are
the API's problem+json, not OperationOutcome."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, validate
from sqlalchemy import Select, func, select

from bostotte.api import auth, fhir
from bostotte.api.paging import MAX_LIMIT, page
from bostotte.api.resources.common import owner
from bostotte.auth.permissions import Action, NotFound, citizen_for, goal_for, scoring_for
from bostotte.citizens.models import Citizen
from bostotte.common.db import MAX_ID
from bostotte.common.schema import Int, Str
from bostotte.extensions import db
from bostotte.goals.models import Goal
from bostotte.scoring.models import Scoring

blp = Blueprint(
    "api_fhir",
    __name__,
    description="FHIR R4: FKO-støttebehov som Observation (KL's FFB-støttebehovsniveau) og "
    "mål som Goal, til datavarehus og indberetning.",
)

WHAT = "API: FHIR"
PATIENT = re.compile(r"^(Patient/)?([0-9]{1,18})$")
BUNDLE_DOC = {
    "type": "object",
    "description": "Et FHIR R4 Bundle (type searchset), se http://hl7.org/fhir/R4/bundle.html.",
}
RESOURCE_DOC = {"type": "object", "description": "En FHIR R4-ressource."}


class SearchArgs(Schema):
    patient = Str(
        required=True,
        validate=validate.Regexp(PATIENT, error="Skriv borgerens id, fx 12 eller Patient/12."),
        metadata={"description": "Borgerens id i bostøtte (`12` eller `Patient/12`)."},
    )
    count = Int(
        data_key="_count",
        load_default=50,
        validate=validate.Range(1, MAX_LIMIT, error=f"Vælg et antal mellem 1 og {MAX_LIMIT}."),
        metadata={"description": f"Højst så mange på en side (1–{MAX_LIMIT})."},
    )
    cursor = Str(metadata={"description": "Fra `next`-linket på den forrige side."})


def _citizen_id(args: dict[str, Any]) -> int:
    match = PATIENT.match(args["patient"])
    if match is None:  # the schema let nothing else through
        raise NotFound
    if int(match.group(2)) > MAX_ID:  # no citizen has it (and PostgreSQL would refuse it)
        raise NotFound
    return int(match.group(2))


def _local() -> fhir.Local:
    return fhir.Local.at(current_app.config["BOSTOTTE_BASE_URL"])


def _base() -> str:
    """The FHIR endpoint's absolute URL (the base of every fullUrl)."""
    return url_for("api_fhir.Observations", _external=True).rsplit("/", 1)[0]


def _fhir(resource: fhir.Resource) -> Response:
    return Response(
        json.dumps(resource, ensure_ascii=False),
        status=200,
        mimetype=fhir.MEDIA_TYPE,
    )


def _search(
    endpoint: str,
    citizen: Citizen,
    query: Select[Any],
    id_column: Any,
    args: dict[str, Any],
    resources: Callable[[list[Any]], list[fhir.Resource]],
) -> Response:
    """One page of `query` as a searchset; `resources(rows)` maps the page's rows. The
    citizen comes along as an included Patient, so her references resolve in the Bundle."""
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    result = page(
        db.session, query, id_column, {"limit": args["count"], "cursor": args.get("cursor")}
    )
    query_args = {"patient": citizen.id, "_count": args["count"]}
    self_url = url_for(endpoint, **query_args, **_cursor(args.get("cursor")), _external=True)
    next_url = (
        url_for(endpoint, **query_args, cursor=result["next"], _external=True)
        if result["next"]
        else None
    )
    entries = [fhir.Entry(r) for r in resources(result["items"])]
    if entries:
        entries.append(fhir.Entry(fhir.to_patient(citizen, _local()), "include"))
    bundle = fhir.searchset(entries, total, _base(), self_url, next_url, result["as_of"])
    return _fhir(bundle)


def _cursor(cursor: str | None) -> dict[str, str]:
    return {"cursor": cursor} if cursor else {}


def _observations(citizen_id: int) -> Select[Any]:
    return select(Scoring).where(
        Scoring.citizen_id == citizen_id,
        Scoring.instrument == fhir.FKO,
        Scoring.goal_id.is_not(None),
        Scoring.occasion.in_(fhir.OBSERVED_OCCASIONS),
    )


def _targets(goal_ids: list[int]) -> dict[int, Scoring]:
    """Each goal's FKO target score (the latest, should there be more than one)."""
    if not goal_ids:
        return {}
    rows = db.session.scalars(
        select(Scoring)
        .where(
            Scoring.goal_id.in_(goal_ids),
            Scoring.instrument == fhir.FKO,
            Scoring.occasion == fhir.TARGET,
        )
        .order_by(Scoring.scored_on, Scoring.id)
    )
    return {s.goal_id: s for s in rows if s.goal_id is not None}


@blp.route("/fhir/Observation")
class Observations(MethodView):
    @auth.scoped("read:citizens")
    @blp.arguments(SearchArgs, location="query")
    @blp.response(200, BUNDLE_DOC, content_type=fhir.MEDIA_TYPE)
    def get(self, args: dict[str, Any]) -> Any:
        """A citizen's FKO baseline, status and final scores as FHIR Observations coded with
        KL's FFB støttebehovsniveau (the targets are on each Goal)."""
        citizen = citizen_for(db.session, auth.user(), _citizen_id(args), WHAT)
        local = _local()

        def resources(rows: list[Scoring]) -> list[fhir.Resource]:
            return [fhir.to_observation(s, citizen, local) for s in rows]

        query = _observations(citizen.id)
        return _search("api_fhir.Observations", citizen, query, Scoring.id, args, resources)


@blp.route("/fhir/Observation/<int:scoring_id>")
class ObservationResource(MethodView):
    @auth.scoped("read:citizens")
    @blp.response(200, RESOURCE_DOC, content_type=fhir.MEDIA_TYPE)
    def get(self, scoring_id: int) -> Any:
        """One FKO score as a FHIR Observation (the links in a Bundle point here)."""
        citizen, scoring = scoring_for(
            db.session, auth.user(), owner(Scoring, scoring_id), scoring_id, WHAT, Action.READ
        )
        if scoring.instrument != fhir.FKO or scoring.occasion not in fhir.OBSERVED_OCCASIONS:
            raise NotFound
        return _fhir(fhir.to_observation(scoring, citizen, _local()))


@blp.route("/fhir/Goal")
class Goals(MethodView):
    @auth.scoped("read:citizens")
    @blp.arguments(SearchArgs, location="query")
    @blp.response(200, BUNDLE_DOC, content_type=fhir.MEDIA_TYPE)
    def get(self, args: dict[str, Any]) -> Any:
        """A citizen's goals (indsatsmål) as FHIR Goals, each with its FKO target."""
        citizen = citizen_for(db.session, auth.user(), _citizen_id(args), WHAT)
        local = _local()

        def resources(rows: list[Goal]) -> list[fhir.Resource]:
            targets = _targets([g.id for g in rows])
            return [fhir.to_goal(g, citizen, targets.get(g.id), local) for g in rows]

        query = select(Goal).where(Goal.citizen_id == citizen.id)
        return _search("api_fhir.Goals", citizen, query, Goal.id, args, resources)


@blp.route("/fhir/Goal/<int:goal_id>")
class GoalResource(MethodView):
    @auth.scoped("read:citizens")
    @blp.response(200, RESOURCE_DOC, content_type=fhir.MEDIA_TYPE)
    def get(self, goal_id: int) -> Any:
        """One goal as a FHIR Goal."""
        citizen, goal = goal_for(
            db.session, auth.user(), owner(Goal, goal_id), goal_id, WHAT, Action.READ
        )
        target = _targets([goal.id]).get(goal.id)
        return _fhir(fhir.to_goal(goal, citizen, target, _local()))


@blp.route("/fhir/Patient/<int:citizen_id>")
class PatientResource(MethodView):
    @auth.scoped("read:citizens")
    @blp.response(200, RESOURCE_DOC, content_type=fhir.MEDIA_TYPE)
    def get(self, citizen_id: int) -> Any:
        """The citizen's identifiers (no name, no CPR): what the references point to."""
        citizen = citizen_for(db.session, auth.user(), citizen_id, WHAT)
        return _fhir(fhir.to_patient(citizen, _local()))
