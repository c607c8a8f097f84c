"""Mine opgaver: the worker's citizens, one card each with what is over its deadline, what
falls due, the signals and what the citizen wrote ("Fra borgeren"), most urgent first; and the
leader's overview.

"Her citizens": those she may see and is contact person for, and those of her teams whose
contact person is missing or no longer active, so no citizen falls between chairs. As SQL
for the pages (`mine`) and in Python for the digests (`is_mine`), like citizen_scope and
can_view.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import selectinload

from bostotte.auth.models import Team, User
from bostotte.auth.permissions import can_view, citizen_scope
from bostotte.citizens.models import Citizen, Plan
from bostotte.citizens.services import facts_for
from bostotte.common import paging
from bostotte.common.db import Session, insert_on_conflict
from bostotte.common.schema import DomainError
from bostotte.goals.models import Goal, SubGoal
from bostotte.reminders.cadence import RULES
from bostotte.reminders.models import Reminder, SignalAck
from bostotte.reminders.schemas import NOTE_MAX
from bostotte.reminders.signals import SIGNAL_KINDS, Signal, acks_for, current_signals
from bostotte.reminders.voice import VoiceItem, load_voice

CARDS_PER_PAGE = 20  # 250 citizens' cards would be megabytes; 20 make 40–150 KB
ABOUT_MAX = 70  # a goal's or delmål's text on a task line


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


@dataclass(frozen=True)
class OpenReminder:
    """An open reminder as Mine opgaver reads it: plain values, with the goal's text or the
    delmål's title it is about."""

    id: int
    citizen_id: int
    rule: str
    due_date: date
    goal_id: int | None
    subgoal_id: int | None
    goal_text: str | None
    subgoal_title: str | None


def open_reminders(session: Session, user: User, *, whole_team: bool = False) -> list[OpenReminder]:
    """Open reminders of the user's citizens, soonest first (one query)."""
    rows = session.execute(
        select(
            Reminder.id,
            Reminder.citizen_id,
            Reminder.rule,
            Reminder.due_date,
            Reminder.goal_id,
            Reminder.subgoal_id,
            Goal.specific,
            SubGoal.title,
        )
        .join(Citizen, Citizen.id == Reminder.citizen_id)
        .outerjoin(Goal, Goal.id == Reminder.goal_id)
        .outerjoin(SubGoal, SubGoal.id == Reminder.subgoal_id)
        .where(Reminder.status == "open", mine(user, whole_team))
        .order_by(Reminder.due_date, Reminder.id)
    )
    return [OpenReminder(*row) for row in rows]


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


# --- Signals and what the citizen wrote ------------------------------------------------


def with_goals(query: Any) -> Any:
    """Load what signals and the end of her indsats read: team, plans and goals (3 queries
    however many citizens)."""
    return query.options(
        selectinload(Citizen.team), selectinload(Citizen.plans).joinedload(Plan.goals)
    )


def running(citizens: Iterable[Citizen], today: date) -> list[Citizen]:
    """The citizens whose indsats has not ended (the rule the cadences use): only they have
    signals and items from the citizen. Their plans and goals must be loaded."""
    return [c for c in citizens if not facts_for(c, {}, today).ended]


def signals_of(session: Session, citizens: Iterable[Citizen], today: date) -> list[Signal]:
    """The signals of those citizens whose indsats has not ended."""
    return current_signals(session, running(citizens, today))


def voice_of(session: Session, citizens: Iterable[Citizen], today: date) -> list[VoiceItem]:
    """What those citizens whose indsats has not ended wrote or declined on Mine mål."""
    return load_voice(session, [c.id for c in running(citizens, today)], today)


def unseen_voice(session: Session, today: date) -> list[VoiceItem]:
    """What citizens whose indsats runs wrote or declined and nobody has read yet, for every
    worker at once (the daily digests)."""
    items = load_voice(session, None, today)
    if not items:
        return []
    ids = {i.citizen_id for i in items}
    citizens = session.scalars(with_goals(select(Citizen).where(Citizen.id.in_(ids))))
    keep = {c.id for c in running(citizens, today)}
    items = [i for i in items if i.citizen_id in keep]
    acks = acks_for(session, items)
    return [i for i in items if i.key not in acks]


def mark_seen(
    session: Session, user: User, citizen: Citizen, data: dict[str, Any], today: date, now: datetime
) -> SignalAck:
    """The worker has seen a signal (with her note) or read what the citizen wrote (a note
    is optional there)."""
    key = (citizen.id, data["kind"], data.get("subject") or "", data["basis"])
    current = [i.key for i in signals_of(session, [citizen], today)]
    current += [i.key for i in voice_of(session, [citizen], today)]
    if key not in current:
        raise DomainError("Det er ikke længere aktuelt. Opdatér siden.")
    note = (data.get("note") or "").strip()
    if key[1] in SIGNAL_KINDS and not note:
        raise DomainError(f"Udfyld feltet (højst {NOTE_MAX} tegn).", "note")
    ack_id = session.scalar(
        insert_on_conflict(session, SignalAck)
        .values(
            citizen_id=citizen.id,
            kind=key[1],
            subject=key[2],
            basis=key[3],
            note=note,
            seen_by_id=user.id,
            seen_at=now,
        )
        .on_conflict_do_nothing(index_elements=["citizen_id", "kind", "subject", "basis"])
        .returning(SignalAck.id)
    )
    if ack_id is None:  # a colleague (or a double click) was first
        raise DomainError("Det er allerede markeret som set.")
    return session.get_one(SignalAck, ack_id)


# --- Mine opgaver: one card per citizen -------------------------------------------------


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= ABOUT_MAX else text[: ABOUT_MAX - 1].rstrip() + "…"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def when(due: date, today: date) -> str:
    """How far the deadline is, as the citizen page says it: "for 12 dage siden", "i dag"."""
    days = (due - today).days
    if days < -1:
        return f"for {-days} dage siden"
    return {-1: "i går", 0: "i dag", 1: "i morgen"}.get(days, f"om {days} dage")


@dataclass(frozen=True)
class TaskLine:
    """One line of a card: a reminder, or the FKO statuses of her goals due the same day."""

    citizen_id: int
    rule: str
    due: date
    text: str  # what to do
    about: tuple[str, ...]  # the texts of the goals or the delmål it is about
    when: str  # how far the deadline is, in words
    overdue: bool
    reminder_ids: tuple[int, ...]
    goal_id: int | None = None  # when the line is about one goal
    subgoal_id: int | None = None

    @property
    def dom_id(self) -> str:
        return f"task-{self.reminder_ids[0]}"


def _lines(reminders: Sequence[OpenReminder], today: date) -> list[TaskLine]:
    """The lines of one citizen's open reminders, soonest first."""
    groups: dict[tuple[str, date, int], list[OpenReminder]] = {}
    for r in reminders:
        # The quarter's FKO statuses go on one line per date: one page records them all.
        key = (r.rule, r.due_date, 0 if r.rule == "fko_status" else r.id)
        groups.setdefault(key, []).append(r)
    lines = []
    for (rule, due, _), group in groups.items():
        about = []
        for r in group:
            if r.subgoal_title is not None:
                about.append(_short(r.subgoal_title))
            elif r.goal_text is not None:
                about.append(_short(r.goal_text))
        text = RULES[rule].task
        if len(group) > 1:
            text = f"Registrér FKO-status for {len(group)} mål"
        lines.append(
            TaskLine(
                group[0].citizen_id,
                rule,
                due,
                text,
                tuple(about),
                when(due, today),
                due < today,
                tuple(r.id for r in group),
                group[0].goal_id if len(group) == 1 else None,
                group[0].subgoal_id if len(group) == 1 else None,
            )
        )
    return sorted(lines, key=lambda line: (line.due, line.reminder_ids))


@dataclass(frozen=True)
class Seen:
    """A signal or something from the citizen that a worker has marked as seen."""

    label: str
    text: str
    ack: SignalAck


@dataclass
class Card:
    """One citizen on Mine opgaver. Her lines are worded only when her card is shown."""

    citizen: Citizen
    today: date
    reminders: list[OpenReminder] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)  # not yet seen
    voice: list[VoiceItem] = field(default_factory=list)  # not yet read
    seen: list[Seen] = field(default_factory=list)

    @cached_property
    def lines(self) -> list[TaskLine]:
        return _lines(self.reminders, self.today)

    @property
    def overdue_count(self) -> int:
        return sum(1 for r in self.reminders if r.due_date < self.today)

    @property
    def coming_count(self) -> int:
        return len(self.reminders) - self.overdue_count

    @property
    def has_work(self) -> bool:
        return bool(self.reminders or self.signals or self.voice)

    @property
    def urgency(self) -> tuple[int, int, str, int]:
        """Most over its deadline first, then the nearest deadline; a card with only signals
        or the citizen's words after those, the newest first."""
        c = self.citizen
        if self.reminders:
            return (0, min(r.due_date for r in self.reminders).toordinal(), c.display_name, c.id)
        newest = max([s.basis for s in self.signals] + [v.basis for v in self.voice])
        return (1, -newest.toordinal(), c.display_name, c.id)


@dataclass(frozen=True)
class Totals:
    citizens: int
    overdue: int
    coming: int
    signals: int
    voice: int


def cards_for(
    session: Session,
    citizens: Sequence[Citizen],
    reminders: Sequence[OpenReminder],
    today: date,
) -> list[Card]:
    """A card for each citizen with anything to do, most urgent first. The citizens' team,
    plans and goals must be loaded."""
    items: list[Signal | VoiceItem] = [
        *signals_of(session, citizens, today),
        *voice_of(session, citizens, today),
    ]
    acks = acks_for(session, items)
    cards = {c.id: Card(c, today) for c in citizens}
    for r in reminders:
        if r.citizen_id in cards:
            cards[r.citizen_id].reminders.append(r)
    for item in sorted(items, key=lambda i: (i.basis, i.kind), reverse=True):
        card, ack = cards[item.citizen_id], acks.get(item.key)
        if ack is not None:
            said = item.said if isinstance(item, VoiceItem) else item.text
            card.seen.append(Seen(item.label, said, ack))
        elif isinstance(item, VoiceItem):
            card.voice.append(item)
        else:
            card.signals.append(item)
    return sorted((c for c in cards.values() if c.has_work), key=lambda c: c.urgency)


@dataclass(frozen=True)
class Worklist:
    cards: list[Card]  # this page's
    totals: Totals  # over every page
    page: int
    pages: int

    @property
    def page_links(self) -> list[int | None]:
        return paging.page_links(self.page, self.pages)


def worklist(
    session: Session, user: User, today: date, *, whole_team: bool = False, page: int = 1
) -> Worklist:
    """Mine opgaver: her citizens' cards, most urgent first, CARDS_PER_PAGE to a page (a
    page outside the range shows the nearest one). A fixed number of queries."""
    citizens = list(session.scalars(with_goals(select(Citizen).where(mine(user, whole_team)))))
    cards = cards_for(
        session, citizens, open_reminders(session, user, whole_team=whole_team), today
    )
    pages = max(1, -(-len(cards) // CARDS_PER_PAGE))
    page = min(max(page, 1), pages)
    totals = Totals(
        len(cards),
        sum(c.overdue_count for c in cards),
        sum(c.coming_count for c in cards),
        sum(len(c.signals) for c in cards),
        sum(len(c.voice) for c in cards),
    )
    first = (page - 1) * CARDS_PER_PAGE
    return Worklist(cards[first : first + CARDS_PER_PAGE], totals, page, pages)
