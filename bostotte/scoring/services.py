from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bostotte import instruments
from bostotte.auth.models import Role, User
from bostotte.auth.permissions import may_record
from bostotte.citizens.models import Citizen
from bostotte.common.db import Session
from bostotte.common.schema import DomainError, Errors, InvalidInput
from bostotte.common.time import utcnow
from bostotte.goals.models import Goal
from bostotte.instruments import Instrument
from bostotte.scoring.models import Scoring, ScoringItem, ScoringRevision

# FKO occasions set once per goal by myndighed.
SINGLE_OCCASIONS = ("baseline", "target")
CITIZEN_PREFIX = "citizen."


def instruments_for(citizen: Citizen) -> list[Instrument]:
    """The instruments a citizen's methods use, in a fixed order."""
    order = {"FKO": 0, "ORS": 1, "SRS": 2, "REM": 3}
    methods = set(citizen.methods)
    return sorted(
        (i for i in instruments.registry().values() if i.method in methods),
        key=lambda i: order.get(i.id, 99),
    )


def _validate(
    session: Session,
    actor: User,
    citizen: Citizen,
    instrument: Instrument,
    meta: dict[str, Any],
    raw_values: Mapping[str, object],
    raw_citizen_values: Mapping[str, object],
    today: date,
    existing: Scoring | None = None,
) -> tuple[dict[str, float], dict[str, float]]:
    errors: Errors = {}
    if instrument.method not in citizen.methods:
        raise DomainError(f"Borgeren bruger ikke {instrument.method}.")
    if meta["scored_on"] > today:
        errors["scored_on"] = ["Datoen må ikke ligge i fremtiden."]
    occasion = meta.get("occasion")
    if instrument.subject == "goal":
        goal = session.get(Goal, meta["goal_id"]) if meta.get("goal_id") else None
        if goal is None or goal.citizen_id != citizen.id:
            errors["goal_id"] = ["Vælg et af borgerens mål."]
        if occasion not in instrument.occasions:
            errors["occasion"] = ["Vælg hvilken slags score det er."]
        elif not may_record(actor, instrument.id, occasion):
            who = " eller ".join(instrument.occasions[occasion].recorded_by)
            errors["occasion"] = [f"{instrument.occasions[occasion].label} registreres af {who}."]
        elif goal is not None and occasion in SINGLE_OCCASIONS:
            duplicate = session.scalar(
                select(Scoring.id)
                .where(Scoring.goal_id == goal.id, Scoring.occasion == occasion)
                .limit(1)
            )
            if duplicate and (existing is None or duplicate != existing.id):
                errors["occasion"] = ["Målet har allerede denne score. Ret den eksisterende."]
    else:
        meta["goal_id"], meta["occasion"] = None, None
        if not may_record(actor, instrument.id, None):
            raise DomainError("Du kan ikke registrere denne måling.")
    if actor.role == Role.CITIZEN:
        meta["participation"] = "citizen_self"

    values, value_errors = instruments.validate_values(instrument, raw_values)
    errors.update(value_errors)
    citizen_values: dict[str, float] = {}
    if meta.get("participation") == "disagreed":
        citizen_values, citizen_errors = instruments.validate_values(instrument, raw_citizen_values)
        errors.update({CITIZEN_PREFIX + k: v for k, v in citizen_errors.items()})
    if errors:
        raise InvalidInput(errors)
    return values, citizen_values


def _apply(
    scoring: Scoring,
    instrument: Instrument,
    meta: dict[str, Any],
    values: dict[str, float],
    citizen_values: dict[str, float],
) -> None:
    for key in (
        "scored_on",
        "occasion",
        "goal_id",
        "participation",
        "citizen_comment",
        "worker_note",
    ):
        setattr(scoring, key, meta.get(key))
    scoring.total = instrument.total(values)
    scoring.items = [
        ScoringItem(
            item=item_id,
            position=pos,
            value=values[item_id],
            citizen_value=citizen_values.get(item_id),
        )
        for pos, item_id in enumerate(instrument.item_ids)
    ]


def record_scoring(
    session: Session,
    actor: User,
    citizen: Citizen,
    instrument_id: str,
    meta: dict[str, Any],
    raw_values: Mapping[str, object],
    raw_citizen_values: Mapping[str, object] | None = None,
    *,
    today: date,
) -> Scoring:
    """Validate against the instrument and store one scoring. Raises InvalidInput."""
    instrument = instruments.get(instrument_id)
    meta = dict(meta)  # _validate normalises it; the caller's dict stays as it was
    values, citizen_values = _validate(
        session, actor, citizen, instrument, meta, raw_values, raw_citizen_values or {}, today
    )
    scoring = Scoring(
        citizen_id=citizen.id,
        instrument=instrument.id,
        instrument_version=instrument.version,
        scored_by_id=actor.id,
    )
    _apply(scoring, instrument, meta, values, citizen_values)
    session.add(scoring)
    session.flush()
    return scoring


def edit_scoring(
    session: Session,
    actor: User,
    scoring: Scoring,
    meta: dict[str, Any],
    raw_values: Mapping[str, object],
    raw_citizen_values: Mapping[str, object] | None = None,
    *,
    today: date,
) -> Scoring:
    """A new version; the one it replaces is kept as a revision."""
    instrument = instruments.get(scoring.instrument)
    citizen = session.get_one(Citizen, scoring.citizen_id)
    meta = {
        **meta,
        "goal_id": scoring.goal_id,
        "occasion": meta.get("occasion") if meta.get("occasion") else scoring.occasion,
    }
    values, citizen_values = _validate(
        session,
        actor,
        citizen,
        instrument,
        meta,
        raw_values,
        raw_citizen_values or {},
        today,
        existing=scoring,
    )
    session.add(
        ScoringRevision(
            scoring=scoring,
            version=scoring.version,
            data=scoring.snapshot(),
            valid_from=scoring.updated_at,
            replaced_by_id=actor.id,
        )
    )
    _apply(scoring, instrument, meta, values, citizen_values)
    scoring.version += 1
    scoring.scored_by_id = actor.id
    scoring.updated_at = utcnow()
    session.flush()
    return scoring


def has_occasion(session: Session, goal_id: int | None, occasion: str) -> bool:
    return (
        goal_id is not None
        and session.scalar(
            select(Scoring.id)
            .where(Scoring.goal_id == goal_id, Scoring.occasion == occasion)
            .limit(1)
        )
        is not None
    )


def scorings_for(session: Session, citizen_id: int) -> list[Scoring]:
    """All of a citizen's scorings, newest first, items and revisions loaded."""
    return list(
        session.scalars(
            select(Scoring)
            .where(Scoring.citizen_id == citizen_id)
            .options(
                selectinload(Scoring.items),
                selectinload(Scoring.revisions),
                selectinload(Scoring.scored_by),
            )
            .order_by(Scoring.scored_on.desc(), Scoring.id.desc())
        )
    )
