"""The citizen's own pages: what she sees of her plan, her comments and her "no, thank you",
and who has read her record. Rules only; the views render."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bostotte import instruments
from bostotte.audit.models import AccessLog
from bostotte.audit.services import SYSTEM, LogPage, log_page
from bostotte.auth.models import ROLE_LABELS, Role, User
from bostotte.auth.permissions import NotFound
from bostotte.citizens.models import Citizen, Plan
from bostotte.common.db import Session
from bostotte.common.schema import DomainError
from bostotte.goals.models import OPEN_SUBGOAL_STATUSES, SubGoal
from bostotte.instruments import Instrument
from bostotte.portal import plain
from bostotte.portal.models import ScoringComment, ScoringDecline
from bostotte.scoring.models import Scoring
from bostotte.scoring.services import instruments_for

# How each measure works, in two plain lines (seed 003: citizens were unsure how their goals
# are measured). Keyed by instrument id; an instrument added as a file without lines here
# falls back to its own description.
PLAIN_WORDS = {
    "FKO": (
        "FKO viser, hvor meget støtte du har brug for til hvert mål.",
        "Tallet går fra 0 (ingen støtte) til 4 (fuld støtte). Lavere er bedre.",
    ),
    "ORS": (
        "ORS viser, hvordan du har det. Du sætter fire tal fra 0 til 10 før et møde.",
        "Højere er bedre. Vi ser, om tallet ændrer sig over tid.",
    ),
    "SRS": (
        "SRS viser, hvordan mødet var for dig. Du sætter fire tal fra 0 til 10 efter mødet.",
        "Højere er bedre. Et lavt tal hjælper os med at gøre det bedre.",
    ),
    "REM": (
        "REM ser på ni dele af dit liv, fx bolig, økonomi og venner.",
        "Hver del får et tal fra 0 til 4. Lavere er bedre.",
    ),
}
# Self-filled instruments and when (FIT practice: ORS at the start, SRS at the end).
SELF_FILLED = {"ORS": "Før mødet: Hvordan har du det?", "SRS": "Efter mødet: Hvordan var mødet?"}
ALL_INSTRUMENTS = "alle"


def plain_words(instrument: Instrument) -> tuple[str, str]:
    if instrument.id in PLAIN_WORDS:
        return PLAIN_WORDS[instrument.id]
    better = "Højere er bedre." if instrument.higher_is_better else "Lavere er bedre."
    return instrument.description, better


def self_fillable(citizen: Citizen, role: str) -> list[Instrument]:
    """The instruments she may fill in herself (the instrument files say who may)."""
    return [i for i in instruments_for(citizen) if i.id in SELF_FILLED and i.may_record(role, None)]


def next_focus(plan: Plan | None, limit: int = 3) -> list[SubGoal]:
    """The next meeting's focus: the open delmål of her active goals, those in progress
    first, then the soonest target date. Derived, so the worker keeps one list, not two."""
    if plan is None:
        return []
    open_steps = [
        sg for g in plan.active_goals for sg in g.subgoals if sg.status in OPEN_SUBGOAL_STATUSES
    ]
    open_steps.sort(key=lambda sg: (sg.status != "in_progress", sg.target_date or date.max, sg.id))
    return open_steps[:limit]


def reached(plan: Plan | None) -> list[str]:
    """What she has reached in this plan: achieved goals and delmål, in plain words."""
    if plan is None:
        return []
    out = [g.specific for g in plan.goals if g.status in ("achieved", "partly_achieved")]
    out += [sg.title for g in plan.goals for sg in g.subgoals if sg.status == "achieved"]
    return out


def latest_by_instrument(scorings: Iterable[Scoring]) -> dict[tuple[str, int | None], Scoring]:
    """The newest scoring per (instrument, goal); `scorings` newest first."""
    latest: dict[tuple[str, int | None], Scoring] = {}
    for s in scorings:
        latest.setdefault((s.instrument, s.goal_id), s)
    return latest


# -- comments --------------------------------------------------------------------------------


def add_comment(
    session: Session, actor: User, citizen: Citizen, scoring: Scoring, text: str
) -> ScoringComment:
    if scoring.citizen_id != citizen.id:
        raise DomainError("Du kan kun skrive om dine egne målinger.")
    comment = ScoringComment(
        scoring_id=scoring.id, citizen_id=citizen.id, text=text, author_id=actor.id
    )
    session.add(comment)
    session.flush()
    return comment


def comments_by_scoring(
    session: Session, citizen_id: int, scoring_id: int | None = None
) -> dict[int, list[ScoringComment]]:
    """Her later comments, oldest first, by scoring (one query)."""
    query = select(ScoringComment).where(ScoringComment.citizen_id == citizen_id)
    if scoring_id is not None:
        query = query.where(ScoringComment.scoring_id == scoring_id)
    out: dict[int, list[ScoringComment]] = {}
    for c in session.scalars(query.order_by(ScoringComment.created_at, ScoringComment.id)):
        out.setdefault(c.scoring_id, []).append(c)
    return out


# -- "I do not want to be scored" ------------------------------------------------------------


def decline_choices(citizen: Citizen) -> dict[str, str]:
    choices = {ALL_INSTRUMENTS: "Alle målinger"}
    choices.update({i.id: plain.name(i.id) for i in instruments_for(citizen)})
    return choices


def decline_label(decline: ScoringDecline) -> str:
    return "alle målinger" if decline.instrument is None else instrument_label(decline.instrument)


def active_declines(session: Session, citizen_id: int) -> list[ScoringDecline]:
    return list(
        session.scalars(
            select(ScoringDecline)
            .where(ScoringDecline.citizen_id == citizen_id, ScoringDecline.withdrawn_at.is_(None))
            .order_by(ScoringDecline.created_at, ScoringDecline.id)
        )
    )


def decline(
    session: Session, actor: User, citizen: Citizen, choice: str, reason: str | None
) -> ScoringDecline:
    if choice not in decline_choices(citizen):
        raise DomainError("Vælg en af mulighederne.", "instrument")
    instrument = None if choice == ALL_INSTRUMENTS else choice
    for existing in active_declines(session, citizen.id):
        if existing.instrument is None:
            raise DomainError("Du har allerede sagt nej tak til alle målinger.", "instrument")
        if existing.instrument == instrument:
            raise DomainError("Du har allerede sagt nej tak til den måling.", "instrument")
    row = ScoringDecline(
        citizen_id=citizen.id, instrument=instrument, reason=reason, author_id=actor.id
    )
    session.add(row)
    session.flush()
    return row


def withdraw_decline(
    session: Session, citizen: Citizen, decline_id: int, now: datetime
) -> ScoringDecline:
    row = session.get(ScoringDecline, decline_id)
    if row is None or row.citizen_id != citizen.id:
        raise NotFound  # as for any record not hers (auth/permissions.py)
    if row.withdrawn_at is not None:  # a second click
        raise DomainError("Det nej tak findes ikke længere.")
    row.withdrawn_at = now
    return row


# -- who has seen her record -----------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    at: datetime
    name: str
    role: str
    teams: str
    what: str


def _role_label(role: str) -> str:
    if role == SYSTEM:
        return "System"
    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return role


def _no_user(role: str) -> str:
    """A row without a user: the system's (the export), or a user since deleted."""
    return "Kommunens it-drift" if role == SYSTEM else "Ukendt (brugeren findes ikke længere)"


@dataclass(frozen=True)
class SeenPage:
    entries: list[Seen]
    log: LogPage  # which page of how many, and the links between them


def seen_by(session: Session, citizen_id: int, viewer_id: int, page: int) -> SeenPage:
    """Who read her record, newest first, a page at a time (the whole log, however long):
    when, name, role and team. Her own visits are left out; they are in her data download."""
    log = log_page(
        session,
        [
            AccessLog.citizen_id == citizen_id,
            (AccessLog.actor_id != viewer_id) | AccessLog.actor_id.is_(None),
        ],
        page,
    )
    users = people(session, {e.actor_id for e in log.entries if e.actor_id is not None})
    out = []
    for e in log.entries:
        user = users.get(e.actor_id) if e.actor_id is not None else None
        out.append(
            Seen(
                at=e.at,
                name=user.name if user else _no_user(e.actor_role),
                role=_role_label(e.actor_role),
                teams=", ".join(t.name for t in user.teams) if user else "",
                what=plain.log_what(e.what),
            )
        )
    return SeenPage(out, log)


def people(session: Session, ids: Iterable[int]) -> dict[int, User]:
    ids = set(ids)
    if not ids:
        return {}
    return {
        u.id: u
        for u in session.scalars(
            select(User).where(User.id.in_(ids)).options(selectinload(User.teams))
        )
    }


# -- what the worker sees of the citizen's voice ---------------------------------------------


@dataclass(frozen=True)
class CitizenVoice:
    """Her active "no, thank you"s and her latest comments, for the worker's citizen page."""

    declines: list[tuple[ScoringDecline, str]]  # with what she declined, in words
    comments: list[tuple[ScoringComment, Scoring, str]]  # with the instrument's name


def citizen_voice(session: Session, citizen_id: int, limit: int = 10) -> CitizenVoice:
    comments = list(
        session.scalars(
            select(ScoringComment)
            .where(ScoringComment.citizen_id == citizen_id)
            .order_by(ScoringComment.created_at.desc(), ScoringComment.id.desc())
            .limit(limit)
        )
    )
    scorings = (
        {
            s.id: s
            for s in session.scalars(
                select(Scoring).where(Scoring.id.in_({c.scoring_id for c in comments}))
            )
        }
        if comments
        else {}
    )
    return CitizenVoice(
        declines=[(d, decline_label(d)) for d in active_declines(session, citizen_id)],
        comments=[
            (c, scorings[c.scoring_id], instrument_label(scorings[c.scoring_id].instrument))
            for c in comments
        ],
    )


def instrument_label(instrument_id: str) -> str:
    """An instrument's short name; an id no file defines any more is shown as it is."""
    return (
        instruments.get(instrument_id).short_label
        if instruments.exists(instrument_id)
        else instrument_id
    )
