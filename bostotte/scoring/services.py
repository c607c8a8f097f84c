from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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


# ------------------------------------------------------------------ the quarter's FKO status

# One participation for every goal of the quarter. "Disagreed" needs the citizen's own value
# per goal, so that is recorded goal by goal on the ordinary form.
QUARTER_PARTICIPATION = ("together", "citizen_self", "worker_draft")
QUARTER_NOTE_MAX = 4000
NOTHING_ENTERED = "Vælg støttebehovet for mindst ét mål. Mål uden ny status kan stå tomme."


@dataclass(frozen=True)
class QuarterGoal:
    """An active goal of the quarter page with the FKO scores she compares against."""

    goal: Goal
    baseline: Scoring | None
    target: Scoring | None
    latest: Scoring | None  # the newest status (or final status)


@dataclass(frozen=True)
class QuarterEntry:
    """What the form holds for one goal, as typed: a value and a note may both be empty."""

    goal_id: int
    value: str
    worker_note: str

    @property
    def filled(self) -> bool:
        return bool(self.value.strip() or self.worker_note.strip())


def quarter_field(goal_id: int, field: str) -> str:
    """The form field (and error key) of one goal: 'goal-12.value', 'goal-12.worker_note'."""
    return f"goal-{goal_id}.{field}"


def active_goals(citizen: Citizen) -> list[Goal]:
    plan = citizen.active_plan
    return [g for g in plan.goals if g.status == "active"] if plan else []


def quarter_goals(session: Session, citizen: Citizen) -> list[QuarterGoal]:
    """Her active goals, each with its baseline, target and latest status (one query)."""
    goals = active_goals(citizen)
    by_goal: dict[int, list[Scoring]] = {}
    if goals:
        for s in session.scalars(
            select(Scoring)
            .where(Scoring.goal_id.in_([g.id for g in goals]), Scoring.instrument == "FKO")
            .order_by(Scoring.scored_on.desc(), Scoring.id.desc())
        ):
            by_goal.setdefault(s.goal_id or 0, []).append(s)

    def first(scorings: list[Scoring], *occasions: str) -> Scoring | None:
        return next((s for s in scorings if s.occasion in occasions), None)

    return [
        QuarterGoal(
            goal=g,
            baseline=first(by_goal.get(g.id, []), "baseline"),
            target=first(by_goal.get(g.id, []), "target"),
            latest=first(by_goal.get(g.id, []), "status", "final"),
        )
        for g in goals
    ]


def record_quarter(
    session: Session,
    actor: User,
    citizen: Citizen,
    meta: Mapping[str, Any],
    entries: list[QuarterEntry],
    *,
    today: date,
) -> list[Scoring]:
    """One FKO status per filled-in goal, all with the same date and participation.

    All or nothing: every entry is checked first and one InvalidInput carries every error
    (keyed by `quarter_field`, plus 'scored_on', 'participation' and '_form'); nothing is
    written unless all are valid. The caller runs it in one savepoint (common.views.submit),
    so a refusal by `record_scoring` half-way through leaves nothing either.
    """
    instrument = instruments.get("FKO")
    if instrument.method not in citizen.methods:
        raise DomainError("Borgeren bruger ikke FKO.")
    if not may_record(actor, instrument.id, "status"):
        raise DomainError("FKO-status registreres af mestringsvejlederen.")
    errors: Errors = {}
    scored_on = meta.get("scored_on")
    if scored_on is None:
        errors["scored_on"] = ["Udfyld datoen."]
    elif scored_on > today:
        errors["scored_on"] = ["Datoen må ikke ligge i fremtiden."]
    if meta.get("participation") not in QUARTER_PARTICIPATION:
        errors["participation"] = ["Vælg en af mulighederne."]
    goal_ids = {g.id for g in active_goals(citizen)}
    filled = [e for e in entries if e.filled]
    if not filled:
        errors["_form"] = [NOTHING_ENTERED]
    for entry in filled:
        if entry.goal_id not in goal_ids:
            errors["_form"] = ["Et af målene er ikke længere aktivt. Åbn siden igen."]
            continue
        if len(entry.worker_note.strip()) > QUARTER_NOTE_MAX:
            errors[quarter_field(entry.goal_id, "worker_note")] = [
                f"Højst {QUARTER_NOTE_MAX} tegn."
            ]
        if not entry.value.strip():
            errors[quarter_field(entry.goal_id, "value")] = [
                "Vælg støttebehovet, eller slet noten, hvis målet ikke skal have status nu."
            ]
            continue
        _, value_errors = instruments.validate_values(instrument, {"value": entry.value})
        for messages in value_errors.values():
            errors.setdefault(quarter_field(entry.goal_id, "value"), []).extend(messages)
    if errors:
        raise InvalidInput(errors)

    scorings = []
    for entry in filled:
        try:
            scorings.append(
                record_scoring(
                    session,
                    actor,
                    citizen,
                    instrument.id,
                    {
                        "scored_on": scored_on,
                        "occasion": "status",
                        "goal_id": entry.goal_id,
                        "participation": meta["participation"],
                        "worker_note": entry.worker_note.strip() or None,
                        "citizen_comment": None,
                    },
                    {"value": entry.value},
                    today=today,
                )
            )
        except InvalidInput as exc:  # checked above; kept as a safety net, all or nothing
            for key, messages in exc.errors.items():
                field = key if key in ("scored_on", "participation") else "_form"
                if key in instrument.item_ids:
                    field = quarter_field(entry.goal_id, key)
                known = errors.setdefault(field, [])
                known.extend(m for m in messages if m not in known)
    if errors:
        raise InvalidInput(errors)
    return scorings
