"""Citizens and plans, and a citizen's access log."""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from bostotte.api import auth, etags
from bostotte.api.idempotency import idempotent
from bostotte.api.paging import ListArgs, SyncArgs, page, page_schema
from bostotte.api.resources.common import citizens_page, owner, write
from bostotte.api.schemas import AccessOut, CitizenIn, CitizenOut, PlanClose, PlanIn, PlanOut
from bostotte.audit.models import AccessLog
from bostotte.auth.permissions import Action, citizen_for, plan_for
from bostotte.citizens import services
from bostotte.citizens.models import Citizen, Plan
from bostotte.extensions import db

blp = Blueprint("api_citizens", __name__, description="Borgere, planer og adgangslog.")


@blp.route("/citizens")
class Citizens(MethodView):
    @auth.scoped("read:citizens")
    @blp.arguments(SyncArgs, location="query")
    @blp.response(200, page_schema(CitizenOut, "CitizenPage"))
    def get(self, args: dict[str, Any]) -> Any:
        """The citizens the token may see (a worker's or leader's teams, myndighed's own)."""
        return citizens_page(
            select(Citizen),
            args,
            id_column=Citizen.id,
            citizen_id=Citizen.id,
            changed=Citizen.updated_at.__ge__,
            what="API: borger",
            citizen_of=attrgetter("id"),
        )

    @idempotent
    @auth.scoped("write:citizens")
    @blp.arguments(CitizenIn)
    @blp.response(201, CitizenOut)
    def post(self, data: dict[str, Any]) -> Any:
        """A new citizen, in one of the token's teams."""
        citizen = write(lambda: services.create_citizen(db.session, auth.user(), data))
        return citizen, 201, {"Location": url_for(".CitizenResource", citizen_id=citizen.id)}


@blp.route("/citizens/<int:citizen_id>")
class CitizenResource(MethodView):
    @auth.scoped("read:citizens")
    @blp.etag
    @blp.response(200, CitizenOut)
    def get(self, citizen_id: int) -> Any:
        """One citizen (ETag; If-None-Match answers 304)."""
        return citizen_for(db.session, auth.user(), citizen_id, "API: borger")

    @etags.required
    @auth.scoped("write:citizens")
    @blp.arguments(CitizenIn)
    @blp.response(200, CitizenOut)
    def put(self, data: dict[str, Any], citizen_id: int) -> Any:
        """Replace the citizen's details, e.g. her end date when the indsats ends (If-Match)."""
        user = auth.user()
        citizen = citizen_for(db.session, user, citizen_id, "API: ret borger", Action.EDIT)
        etags.require_match(citizen, CitizenOut)
        write(lambda: services.update_citizen(db.session, user, citizen, data))
        return citizen, 200, etags.header(citizen, CitizenOut)


@blp.route("/plans")
class Plans(MethodView):
    @auth.scoped("read:citizens")
    @blp.arguments(SyncArgs, location="query")
    @blp.response(200, page_schema(PlanOut, "PlanPage"))
    def get(self, args: dict[str, Any]) -> Any:
        """Plans (§141 handleplan, §82b forløb with sessions) of the token's citizens."""
        return citizens_page(
            select(Plan).join(Citizen),
            args,
            id_column=Plan.id,
            citizen_id=Plan.citizen_id,
            changed=Plan.updated_at.__ge__,
            what="API: plan",
        )

    @idempotent
    @auth.scoped("write:citizens")
    @blp.arguments(PlanIn)
    @blp.response(201, PlanOut)
    def post(self, data: dict[str, Any]) -> Any:
        """A new plan; the citizen must have no active plan."""
        citizen = citizen_for(
            db.session, auth.user(), data.pop("citizen_id"), "API: ny plan", Action.EDIT
        )
        plan = write(lambda: services.create_plan(db.session, citizen, data))
        return plan, 201, {"Location": url_for(".PlanResource", plan_id=plan.id)}


@blp.route("/plans/<int:plan_id>")
class PlanResource(MethodView):
    @auth.scoped("read:citizens")
    @blp.etag
    @blp.response(200, PlanOut)
    def get(self, plan_id: int) -> Any:
        """One plan."""
        citizen_id = owner(Plan, plan_id)
        return plan_for(db.session, auth.user(), citizen_id, plan_id, "API: plan", Action.READ)[1]


@blp.route("/plans/<int:plan_id>/close")
class PlanClosing(MethodView):
    @etags.required
    @auth.scoped("write:citizens")
    @blp.arguments(PlanClose)
    @blp.response(200, PlanOut)
    def post(self, data: dict[str, Any], plan_id: int) -> Any:
        """Close the plan on a day (If-Match); its open goals stay as they are."""
        user = auth.user()
        plan = plan_for(db.session, user, owner(Plan, plan_id), plan_id, "API: afslut plan")[1]
        etags.require_match(plan, PlanOut)
        write(lambda: services.close_plan(db.session, plan, data["closed_on"]))
        return plan, 200, etags.header(plan, PlanOut)


@blp.route("/citizens/<int:citizen_id>/access-log")
class AccessLogResource(MethodView):
    @auth.scoped("read:citizens")
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, page_schema(AccessOut, "AccessPage"))
    def get(self, args: dict[str, Any], citizen_id: int) -> Any:
        """Who read this citizen's record, when, and through which token."""
        citizen = citizen_for(db.session, auth.user(), citizen_id, "API: adgangslog")
        query = select(AccessLog).where(AccessLog.citizen_id == citizen.id)
        return page(db.session, query, AccessLog.id, args)
