"""Statistics (aggregates only) and reminders."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from bostotte.api import auth
from bostotte.api.paging import SyncArgs, page_schema
from bostotte.api.resources.common import citizens_page, write
from bostotte.api.schemas import ReminderOut, StatisticsArgs
from bostotte.auth.permissions import stats_scope
from bostotte.citizens.models import Citizen
from bostotte.common.time import local_today
from bostotte.extensions import db
from bostotte.reminders.models import Reminder
from bostotte.stats import services as stats

blp = Blueprint("api_insight", __name__, description="Statistik og påmindelser.")


@blp.route("/statistics")
class Statistics(MethodView):
    @auth.scoped("read:stats")
    @blp.arguments(StatisticsArgs, location="query")
    @blp.response(200, description="Statistikmotorens JSON, som `flask bostotte stats`.")
    def get(self, args: dict[str, Any]) -> Any:
        """The statistics of the token's teams (myndighed: the citizens she referred) for a
        period: the same engine, shape and numbers as `flask bostotte stats` and /statistik,
        small cells suppressed."""
        today = local_today()
        return write(
            lambda: stats.compute(
                db.session,
                stats.period_from_args(args.get("from_"), args.get("to"), today),
                by=args.get("by"),
                min_cell=current_app.config["BOSTOTTE_MIN_CELL"],
                today=today,
                scope=stats_scope(auth.user()),
            )
        )


@blp.route("/reminders")
class Reminders(MethodView):
    @auth.scoped("read:citizens")
    @blp.arguments(SyncArgs, location="query")
    @blp.response(200, page_schema(ReminderOut, "ReminderPage"))
    def get(self, args: dict[str, Any]) -> Any:
        """Scorings and goals falling due, open and done."""
        return citizens_page(
            select(Reminder).join(Citizen, Reminder.citizen_id == Citizen.id),
            args,
            id_column=Reminder.id,
            citizen_id=Reminder.citizen_id,
            # A reminder changes when it is made and when it is resolved.
            changed=lambda since: (Reminder.created_at >= since) | (Reminder.resolved_at >= since),
            what="API: påmindelse",
        )
