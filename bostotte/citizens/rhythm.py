"""A citizen's rhythm (how often her FKO status and ORS fall due) and her team's limits.

The worker sets the rhythm she agreed with the citizen; the team's leader sets the limits it
must stay within. The rules that turn a rhythm into due dates are the cadence rules'
(`bostotte.reminders.cadence`); here are the forms' input, the writes, and the reminders
brought in step at once (the daily job would otherwise do it the next morning).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from bostotte.auth.models import Team
from bostotte.citizens.models import Citizen
from bostotte.citizens.services import last_scored_dates
from bostotte.common.db import Session
from bostotte.common.schema import FormSchema, Int, InvalidInput, Str, max_len
from bostotte.common.versions import expect_version
from bostotte.reminders.cadence import (
    DEFAULT_RHYTHM,
    FKO_MONTHS_BOUNDS,
    ORS_WEEKS_BOUNDS,
    Limits,
    Rhythm,
    due_items,
)
from bostotte.reminders.sync import BATCH, chunks, citizen_facts, job_citizen_ids, sync, with_plans

REASON_MAX = 500
BOUNDS = {"fko": FKO_MONTHS_BOUNDS, "ors": ORS_WEEKS_BOUNDS}  # what a leader may allow at all


class RhythmSchema(FormSchema):
    """Empty interval fields: the instruments' cadence."""

    fko_status_months = Int(load_default=None)
    ors_weeks = Int(load_default=None)
    rhythm_reason = Str(load_default=None, validate=max_len(REASON_MAX))


class LimitsSchema(FormSchema):
    fko_months_min = Int(required=True)
    fko_months_max = Int(required=True)
    ors_weeks_min = Int(required=True)
    ors_weeks_max = Int(required=True)


def set_rhythm(
    session: Session,
    citizen: Citizen,
    data: dict[str, Any],
    today: date,
    now: datetime,
    version: int | None = None,
) -> Citizen:
    """Her intervals, refused outside her team's limits; her reminders follow at once.
    `version`: the citizen's, as the form was opened at (None: as this request read it)."""
    expect_version(session, citizen, version)
    refused = citizen.team.rhythm_limits.refusals(data["fko_status_months"], data["ors_weeks"])
    if refused:
        raise InvalidInput({field: [message] for field, message in refused.items()})
    citizen.fko_status_months = data["fko_status_months"]
    citizen.ors_weeks = data["ors_weeks"]
    citizen.rhythm_reason = data["rhythm_reason"]
    session.flush()
    sync(session, [citizen], today, now)
    return citizen


def _span_errors(
    data: dict[str, Any], low: str, high: str, bounds: tuple[int, int], unit: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field in (low, high):
        if not bounds[0] <= data[field] <= bounds[1]:
            errors[field] = [f"Skriv et tal mellem {bounds[0]} og {bounds[1]} {unit}."]
    if not errors and data[low] > data[high]:
        errors[high] = ["Det længste interval må ikke være kortere end det korteste."]
    return errors


def set_limits(
    session: Session, team: Team, data: dict[str, Any], today: date, now: datetime
) -> Team:
    """The team's limits; every citizen's rhythm is kept within them, and the team's
    reminders follow at once."""
    errors = _span_errors(
        data, "fko_months_min", "fko_months_max", FKO_MONTHS_BOUNDS, "måneder"
    ) | _span_errors(data, "ors_weeks_min", "ors_weeks_max", ORS_WEEKS_BOUNDS, "uger")
    if errors:
        raise InvalidInput(errors)
    for field in LimitsSchema().fields:
        setattr(team, field, data[field])
    session.flush()
    for chunk in chunks(job_citizen_ids(session, today, team_id=team.id), BATCH):
        citizens = list(session.scalars(with_plans(select(Citizen).where(Citizen.id.in_(chunk)))))
        sync(session, citizens, today, now)
    return team


# ------------------------------------------------------------------ what the pages show


@dataclass(frozen=True)
class NextDate:
    due: date
    overdue: bool


@dataclass(frozen=True)
class RhythmPage:
    """The worker's form: her rhythm now, the team's limits, and what falls due next."""

    rhythm: Rhythm
    limits: Limits
    default: Rhythm  # without an agreement: the instruments' cadence, within the limits
    own_fko: bool  # an interval agreed with her (else the default)
    own_ors: bool
    shows_fko: bool
    shows_ors: bool
    # An interval she agreed that the team's limits have since moved past: the limit holds.
    limited: bool
    next_fko: NextDate | None  # her next FKO status (or final status) by this rhythm
    next_ors: NextDate | None
    # Documentation on time is measured per quarter (domain.md, the statistics): where the
    # limits allow a longer FKO rhythm, the form says what that means there.
    quarter_note: bool


def rhythm_page(session: Session, citizen: Citizen, today: date) -> RhythmPage:
    limits = citizen.team.rhythm_limits
    rhythm = citizen.rhythm
    last = last_scored_dates(session, [citizen.id]).get(citizen.id, {})
    next_due: dict[str, NextDate] = {}
    for d in due_items(citizen_facts(citizen, last, today)):  # soonest first
        kind = "fko" if d.rule in ("fko_status", "fko_final") else d.rule
        next_due.setdefault(kind, NextDate(d.due, d.is_overdue(today)))
    fko, ors = citizen.fko_status_months, citizen.ors_weeks
    return RhythmPage(
        rhythm=rhythm,
        limits=limits,
        default=limits.rhythm(None, None),
        own_fko=fko is not None,
        own_ors=ors is not None,
        shows_fko=citizen.uses_fko,
        shows_ors=citizen.uses_fit,
        limited=fko not in (None, rhythm.fko_status_months) or ors not in (None, rhythm.ors_weeks),
        next_fko=next_due.get("fko"),
        next_ors=next_due.get("ors"),
        quarter_note=citizen.uses_fko and limits.fko_months[1] > DEFAULT_RHYTHM.fko_status_months,
    )


@dataclass(frozen=True)
class TeamLimits:
    team: Team
    limits: Limits
    own: int  # citizens of the team, indsats running, with a rhythm of their own


def limits_page(session: Session, teams: list[Team], today: date) -> list[TeamLimits]:
    """The leader's teams with their limits (counts only: no citizen is named)."""
    own: dict[int, int] = dict(
        session.execute(  # type: ignore[arg-type]
            select(Citizen.team_id, func.count())
            .where(
                Citizen.team_id.in_([t.id for t in teams]),
                Citizen.fko_status_months.is_not(None) | Citizen.ors_weeks.is_not(None),
                Citizen.end_date.is_(None) | (Citizen.end_date > today),
            )
            .group_by(Citizen.team_id)
        ).all()
    )
    return [
        TeamLimits(t, t.rhythm_limits, own.get(t.id, 0))
        for t in sorted(teams, key=lambda t: t.name)
    ]
