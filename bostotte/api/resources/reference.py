"""Teams, staff and instruments: what a client needs to build its forms."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bostotte import instruments
from bostotte.api import auth
from bostotte.api.schemas import InstrumentOut, StaffOut, TeamOut
from bostotte.auth.models import Role, User, user_teams
from bostotte.citizens.services import teams_for
from bostotte.extensions import db

blp = Blueprint("api_reference", __name__, description="Teams, medarbejdere og instrumenter.")


@blp.get("/teams")
@auth.scoped("read:citizens")
@blp.response(200, TeamOut(many=True))
def list_teams() -> Any:
    """The teams the token's user works in (myndighed: every team)."""
    return teams_for(db.session, auth.user())


@blp.get("/staff")
@auth.scoped("read:citizens")
@blp.response(200, StaffOut(many=True))
def list_staff() -> Any:
    """Active staff of the token's teams: to match workers with the case system's users."""
    user = auth.user()
    team_ids = [t.id for t in teams_for(db.session, user)]
    members = select(user_teams.c.user_id).where(user_teams.c.team_id.in_(team_ids))
    return db.session.scalars(
        select(User)
        .where(
            User.active.is_(True),
            User.role.not_in((Role.CITIZEN, Role.SERVICE, Role.ADMIN)),
            User.id.in_(members) | (User.id == user.id),
        )
        .options(selectinload(User.teams))
        .order_by(User.id)
    ).all()


@blp.get("/instruments")
@blp.response(200, InstrumentOut(many=True))
def list_instruments() -> Any:
    """FKO, ORS, SRS and REM: items, scales and who records which occasion."""
    return list(instruments.registry().values())


@blp.get("/instruments/<instrument_id>")
@blp.response(200, InstrumentOut)
def get_instrument(instrument_id: str) -> Any:
    """One instrument's definition."""
    if not instruments.exists(instrument_id):
        abort(404)
    return instruments.get(instrument_id)
