"""Mine opgaver: the worker's open reminders and signals, and the leader's overview.

"Her citizens": those she may see and is contact person for, and those of her teams whose
contact person is missing or no longer active, so no citizen falls between chairs. As SQL
for the pages (`mine`) and in Python for the digests (`is_mine`), like citizen_scope and
can_view.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import selectinload

from bostotte.auth.models import Team, User
from bostotte.auth.permissions import can_view, citizen_scope
from bostotte.citizens.models import Citizen
from bostotte.citizens.services import facts_for
from bostotte.common.db import Session
from bostotte.common.schema import DomainError
from bostotte.reminders.cadence import RULES
from bostotte.reminders.models import Reminder, SignalAck
from bostotte.reminders.signals import Signal, acks_for, current_signals
from bostotte.reminders.sync import insert_ignoring, with_plans


def mine(user: User, whole_team: bool) -> ColumnElement[bool]:
    """Her citizens (or, on request, all her teams' citizens)."""
    scope = citizen_scope(user)
    if whole_team:
        return scope
    return and_(
        scope,
        or_(
            Citizen.primary_worker_id == user.id,
            Citizen.primary_worker_id.is_(None),
            Citizen.primary_worker_id.in_(select(User.id).where(User.active.is_(False))),
        ),
    )


def is_mine(user: User, citizen: Citizen) -> bool:
    contact = citizen.primary_worker
    return can_view(user, citizen) and (
        contact is None or contact.id == user.id or not contact.active
    )


def open_tasks(session: Session, user: User, *, whole_team: bool = False) -> list[Reminder]:
    """Open reminders of the user's citizens, soonest first."""
    return list(
        session.scalars(
            select(Reminder)
            .join(Citizen, Citizen.id == Reminder.citizen_id)
            .where(Reminder.status == "open", mine(user, whole_team))
            .options(
                selectinload(Reminder.citizen),
                selectinload(Reminder.goal),
                selectinload(Reminder.subgoal),
            )
            .order_by(Reminder.due_date, Citizen.display_name, Reminder.id)
        )
    )


def overdue_by_team(
    session: Session, teams: Sequence[Team], today: date
) -> list[tuple[Team, dict[str, int]]]:
    """Overdue open reminders per team and rule (counts only: no names)."""
    rows = session.execute(
        select(Citizen.team_id, Reminder.rule, func.count())
        .join(Citizen, Citizen.id == Reminder.citizen_id)
        .where(
            Reminder.status == "open",
            Reminder.due_date < today,
            Citizen.team_id.in_([t.id for t in teams]),
        )
        .group_by(Citizen.team_id, Reminder.rule)
    ).all()
    counts: dict[int, dict[str, int]] = {t.id: {} for t in teams}
    for team_id, rule, n in rows:
        counts[team_id][rule] = n
    return [
        (t, {rule: counts[t.id][rule] for rule in RULES if rule in counts[t.id]})
        for t in sorted(teams, key=lambda t: t.name)
    ]


# --- Signals ----------------------------------------------------------------------------


def signals_of(session: Session, citizens: Iterable[Citizen], today: date) -> list[Signal]:
    """The signals of those citizens whose indsats has not ended (the rule the cadences
    use); their plans and goals must be loaded."""
    running = [c for c in citizens if not facts_for(c, {}, today).ended]
    return current_signals(session, running, today)


@dataclass(frozen=True)
class SignalView:
    signal: Signal
    citizen: Citizen
    ack: SignalAck | None


def signals_page(
    session: Session, user: User, today: date, *, whole_team: bool = False
) -> tuple[list[SignalView], list[SignalView]]:
    """(not yet seen, seen) signals of the user's citizens, newest evidence first."""
    citizens = {
        c.id: c for c in session.scalars(with_plans(select(Citizen).where(mine(user, whole_team))))
    }
    signals = signals_of(session, citizens.values(), today)
    acks = acks_for(session, signals)
    views = sorted(
        (SignalView(s, citizens[s.citizen_id], acks.get(s.key)) for s in signals),
        key=lambda v: (v.signal.basis, v.citizen.display_name),
        reverse=True,
    )
    return [v for v in views if v.ack is None], [v for v in views if v.ack is not None]


def mark_seen(
    session: Session, user: User, citizen: Citizen, data: dict[str, Any], today: date, now: datetime
) -> SignalAck:
    """The worker has seen the signal; her note is kept with it."""
    key = (citizen.id, data["kind"], data.get("subject") or "", data["basis"])
    signals = signals_of(session, [citizen], today)
    if key not in {s.key for s in signals}:
        raise DomainError("Signalet er ikke længere aktuelt. Opdatér siden.")
    ack_id = session.scalar(
        insert_ignoring(session, SignalAck)
        .values(
            citizen_id=citizen.id,
            kind=key[1],
            subject=key[2],
            basis=key[3],
            note=data["note"],
            seen_by_id=user.id,
            seen_at=now,
        )
        .on_conflict_do_nothing(index_elements=["citizen_id", "kind", "subject", "basis"])
        .returning(SignalAck.id)
    )
    if ack_id is None:  # a colleague (or a double click) was first
        raise DomainError("Signalet er allerede markeret som set.")
    return session.get_one(SignalAck, ack_id)
