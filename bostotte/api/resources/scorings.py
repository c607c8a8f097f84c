"""Scorings: FKO per goal, ORS/SRS and REM per citizen, with item values, how the citizen
took part, and her own values."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bostotte import instruments
from bostotte.api import auth, etags
from bostotte.api.idempotency import idempotent
from bostotte.api.paging import SyncArgs, page_schema
from bostotte.api.resources.common import citizens_page, owner, write
from bostotte.api.schemas import ScoringIn, ScoringOut, ScoringUpdate
from bostotte.auth.permissions import (
    Action,
    Forbidden,
    citizen_for,
    may_record,
    scoring_for,
)
from bostotte.citizens.models import Citizen
from bostotte.common.schema import Str
from bostotte.common.time import local_today
from bostotte.extensions import db
from bostotte.scoring import services
from bostotte.scoring.models import Scoring

blp = Blueprint("api_scorings", __name__, description="Scoringer: FKO, ORS, SRS og REM.")


class ScoringArgs(SyncArgs):
    instrument = Str(metadata={"description": "Kun dette instrument (FKO, ORS, SRS, REM)."})


META_FIELDS = frozenset(ScoringUpdate().fields) | {"_form"}


def _field(name: str) -> str:
    """The service names an item by its id ("generelt", "citizen.generelt"); the API's
    body has them under values and citizen_values."""
    if name in META_FIELDS:
        return name
    if name.startswith(services.CITIZEN_PREFIX):
        return "citizen_values." + name.removeprefix(services.CITIZEN_PREFIX)
    return "values." + name


def _may_record(instrument_id: str, occasion: str | None) -> None:
    """As on the pages: 403 for an instrument or FKO occasion the role never records (an
    occasion that does not exist is the service's 422)."""
    instrument = instruments.get(instrument_id)
    if instrument.subject != "goal":
        occasion = None
    elif occasion not in instrument.occasions:
        return
    if not may_record(auth.user(), instrument_id, occasion):
        raise Forbidden("Din rolle registrerer ikke denne måling.")


def _scoring(scoring_id: int, what: str, action: Action) -> Scoring:
    user = auth.user()
    return scoring_for(db.session, user, owner(Scoring, scoring_id), scoring_id, what, action)[1]


@blp.route("/scorings")
class Scorings(MethodView):
    @auth.scoped("read:citizens")
    @blp.arguments(ScoringArgs, location="query")
    @blp.response(200, page_schema(ScoringOut, "ScoringPage"))
    def get(self, args: dict[str, Any]) -> Any:
        """Scorings with item values, participation and the citizen's own values."""
        query = (
            select(Scoring)
            .join(Citizen, Scoring.citizen_id == Citizen.id)
            .options(selectinload(Scoring.items))
        )
        if args.get("instrument"):
            query = query.where(Scoring.instrument == args["instrument"])
        return citizens_page(
            query,
            args,
            id_column=Scoring.id,
            citizen_id=Scoring.citizen_id,
            changed=Scoring.updated_at.__ge__,
            what="API: scoring",
        )

    @idempotent
    @auth.scoped("write:scorings")
    @blp.arguments(ScoringIn)
    @blp.response(201, ScoringOut)
    def post(self, data: dict[str, Any]) -> Any:
        """Record a scoring; the values are checked against the instrument's definition,
        and FKO occasions by who records them (a worker records status and final)."""
        user = auth.user()
        citizen = citizen_for(
            db.session, user, data.pop("citizen_id"), "API: ny scoring", Action.SCORE
        )
        instrument = data.pop("instrument")
        _may_record(instrument, data.get("occasion"))
        values, citizen_values = data.pop("values"), data.pop("citizen_values")
        scoring = write(
            lambda: services.record_scoring(
                db.session,
                user,
                citizen,
                instrument,
                data,
                values,
                citizen_values,
                today=local_today(),
            ),
            _field,
        )
        return scoring, 201, {"Location": url_for(".ScoringResource", scoring_id=scoring.id)}


@blp.route("/scorings/<int:scoring_id>")
class ScoringResource(MethodView):
    @auth.scoped("read:citizens")
    @blp.etag
    @blp.response(200, ScoringOut)
    def get(self, scoring_id: int) -> Any:
        """One scoring (ETag for If-Match)."""
        return _scoring(scoring_id, "API: scoring", Action.READ)

    @etags.required
    @auth.scoped("write:scorings")
    @blp.arguments(ScoringUpdate)
    @blp.response(200, ScoringOut)
    def put(self, data: dict[str, Any], scoring_id: int) -> Any:
        """A new version of the scoring; the one it replaces is kept (If-Match required)."""
        scoring = _scoring(scoring_id, "API: ret scoring", Action.SCORE)
        etags.require_match(scoring, ScoringOut)
        values, citizen_values = data.pop("values"), data.pop("citizen_values")
        write(
            lambda: services.edit_scoring(
                db.session, auth.user(), scoring, data, values, citizen_values, today=local_today()
            ),
            _field,
        )
        return scoring, 200, etags.header(scoring, ScoringOut)
