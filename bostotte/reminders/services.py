"""Reminders and signals: the daily job, Mine opgaver, the digests.

Exactly once, however many processes run the job:
- a reminder row is unique per (citizen, rule, subject, due date) and inserted with
  INSERT … ON CONFLICT DO NOTHING, so a second or concurrent run creates nothing;
- a digest is claimed by inserting its DigestLog row (unique per person, kind and day)
  and committing *before* the mail is sent: only the process whose insert went in sends;
- on PostgreSQL the reminder phase also takes a transaction advisory lock, so concurrent
  runs queue up instead of doing the same work side by side (correctness does not depend
  on it: the constraints above do that).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, and_, delete, func, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from bostotte.auth.models import Role, Team, User
from bostotte.auth.permissions import can_view, citizen_scope
from bostotte.citizens.models import Citizen, Plan
from bostotte.citizens.services import OPEN_SUBGOAL_STATUSES, facts_for, last_scored_dates
from bostotte.common.db import Session, analyze
from bostotte.common.formatting import dk_date
from bostotte.common.schema import DomainError
from bostotte.goals.models import Goal
from bostotte.reminders import mail as mailer
from bostotte.reminders.cadence import RULES, CitizenFacts, Due, due_items
from bostotte.reminders.models import DigestLog, Reminder, SignalAck
from bostotte.reminders.signals import Signal, acks_for, current_signals, unseen

log = logging.getLogger(__name__)

BATCH = 500  # citizens per round of queries in the daily job
INSERT_CHUNK = 500  # rows per INSERT statement (SQLite limits bound parameters)
ADVISORY_LOCK_KEY = 85_082  # pg_advisory_xact_lock key of the reminder phase

Key = tuple[int, str, str, date]  # (citizen id, rule, subject, due date)


@dataclass(frozen=True)
class RunResult:
    created: int
    resolved: int
    mailed: int

    def __str__(self) -> str:
        return f"created {self.created}, resolved {self.resolved}, mailed {self.mailed}"


# --- What is due ------------------------------------------------------------------------

def _with_plans(query: Any) -> Any:
    return query.options(selectinload(Citizen.team), selectinload(Citizen.plans)
                         .selectinload(Plan.goals).selectinload(Goal.subgoals))


def citizen_facts(citizen: Citizen, last: dict[tuple[str, int | None], date],
                  today: date) -> CitizenFacts:
    """The citizens list's facts plus the open delmål of the active goals."""
    facts = facts_for(citizen, last, today)
    plan = citizen.active_plan
    subgoals = tuple((sg.id, g.id, sg.target_date) for g in (plan.active_goals if plan else [])
                     for sg in g.subgoals if sg.status in OPEN_SUBGOAL_STATUSES)
    return replace(facts, open_subgoals=subgoals)


def _due_now(session: Session, citizens: Sequence[Citizen], today: date) -> dict[int, list[Due]]:
    last = last_scored_dates(session, [c.id for c in citizens])
    return {c.id: due_items(citizen_facts(c, last.get(c.id, {}), today)) for c in citizens}


def _insert(session: Session, model: type[Any]) -> Any:
    """INSERT with the dialect's ON CONFLICT support (SQLite and PostgreSQL); with
    RETURNING, only the rows actually inserted come back (rowcount is not reliable)."""
    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(model)


def _sync(session: Session, citizens: Sequence[Citizen], today: date, now: datetime, *,
          create: bool = True) -> tuple[int, int]:
    """Create the reminders that show by `today` and resolve those no longer due.

    A reminder is resolved when its (rule, subject, due date) has left the citizen's due
    items: a scoring was recorded, a goal closed, a plan ended or a date moved. One that is
    due again (a goal reopened) is reopened rather than created twice.
    """
    if not citizens:
        return 0, 0
    due = _due_now(session, citizens, today)
    current: set[Key] = {(cid, d.rule, d.subject, d.due) for cid, items in due.items()
                         for d in items}
    wanted = {(cid, d.rule, d.subject, d.due): d for cid, items in due.items()
              for d in items if d.remind_from <= today}
    created = 0
    if create and wanted:
        keys = list(wanted)
        for chunk in _chunks(keys, INSERT_CHUNK):
            created += len(session.execute(
                update(Reminder)
                .where(tuple_(Reminder.citizen_id, Reminder.rule, Reminder.subject,
                              Reminder.due_date).in_(chunk), Reminder.status == "resolved")
                .values(status="open", resolved_at=None).returning(Reminder.id)).all())
            rows = [{"citizen_id": k[0], "rule": k[1], "subject": k[2], "due_date": k[3],
                     "goal_id": wanted[k].goal_id, "subgoal_id": wanted[k].subgoal_id,
                     "status": "open", "created_at": now} for k in chunk]
            created += len(session.execute(
                _insert(session, Reminder).values(rows).on_conflict_do_nothing(
                    index_elements=["citizen_id", "rule", "subject", "due_date"])
                .returning(Reminder.id)).all())
    open_rows = session.execute(
        select(Reminder.id, Reminder.citizen_id, Reminder.rule, Reminder.subject,
               Reminder.due_date)
        .where(Reminder.citizen_id.in_([c.id for c in citizens]), Reminder.status == "open")
    ).all()
    stale = [r.id for r in open_rows if (r.citizen_id, r.rule, r.subject, r.due_date)
             not in current]
    for chunk in _chunks(stale, INSERT_CHUNK):
        session.execute(update(Reminder).where(Reminder.id.in_(chunk),
                                               Reminder.status == "open")
                        .values(status="resolved", resolved_at=now))
    return created, len(stale)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def resolve_done(session: Session, citizen_ids: Iterable[int], today: date,
                 now: datetime) -> int:
    """Resolve the citizens' reminders that are no longer due (a scoring recorded, a goal
    closed …). Creates nothing: that is the daily job's."""
    ids = sorted(set(citizen_ids))
    resolved = 0
    for chunk in _chunks(ids, BATCH):
        citizens = list(session.scalars(
            _with_plans(select(Citizen).where(Citizen.id.in_(chunk)))
            .execution_options(populate_existing=True)))
        resolved += _sync(session, citizens, today, now, create=False)[1]
    return resolved


def _job_citizen_ids(session: Session, today: date) -> list[int]:
    """Citizens who may have something due, or reminders still open."""
    return list(session.scalars(
        select(Citizen.id).where(or_(
            Citizen.end_date.is_(None), Citizen.end_date > today,
            Citizen.plans.any(Plan.status == "active"),
            Citizen.id.in_(select(Reminder.citizen_id).where(Reminder.status == "open")),
        )).order_by(Citizen.id)))


# --- The daily job ----------------------------------------------------------------------

def run_daily(session: Session, today: date, now: datetime, *,
              mail: mailer.MailSettings | None = None, digests: bool = True) -> RunResult:
    """Create and resolve reminders for every citizen, then send the digests due today.

    Safe to run any number of times and in any number of processes at once.
    """
    settings = mail or mailer.MailSettings.from_config(current_app.config)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(ADVISORY_LOCK_KEY)))
    created = resolved = 0
    all_signals: list[Signal] = []
    for chunk in _chunks(_job_citizen_ids(session, today), BATCH):
        citizens = list(session.scalars(_with_plans(select(Citizen)
                                                    .where(Citizen.id.in_(chunk)))))
        c, r = _sync(session, citizens, today, now)
        created, resolved = created + c, resolved + r
        all_signals += _signals(session, citizens, today)
    session.commit()  # releases the advisory lock
    if session.get_bind().dialect.name == "sqlite":
        analyze(session)  # the daily moment to keep SQLite's planner statistics fresh
    mailed = 0
    if digests:
        mailed += send_worker_digests(session, today, now, settings,
                                      unseen(session, all_signals))
        mailed += send_leader_summaries(session, today, now, settings)
    return RunResult(created, resolved, mailed)


# --- Signals ----------------------------------------------------------------------------

def _active(citizens: Iterable[Citizen], today: date) -> list[Citizen]:
    """Citizens whose indsats has not ended (the same rule the cadences use)."""
    return [c for c in citizens if not facts_for(c, {}, today).ended]


def _signals(session: Session, citizens: Sequence[Citizen], today: date) -> list[Signal]:
    return current_signals(session, _active(citizens, today), today)


@dataclass(frozen=True)
class SignalView:
    signal: Signal
    citizen: Citizen
    ack: SignalAck | None


def signals_page(session: Session, user: User, today: date, *, whole_team: bool = False
                 ) -> tuple[list[SignalView], list[SignalView]]:
    """(not yet seen, seen) signals of the user's citizens, newest evidence first."""
    citizens = {c.id: c for c in session.scalars(
        _with_plans(select(Citizen).where(_mine(user, whole_team))))}
    signals = _signals(session, list(citizens.values()), today)
    acks = acks_for(session, signals)
    views = sorted((SignalView(s, citizens[s.citizen_id], acks.get(s.key)) for s in signals),
                   key=lambda v: (v.signal.basis, v.citizen.display_name), reverse=True)
    return [v for v in views if v.ack is None], [v for v in views if v.ack is not None]


def mark_seen(session: Session, user: User, citizen: Citizen, data: dict[str, Any],
              today: date, now: datetime) -> SignalAck:
    """The worker has seen the signal; her note is kept with it."""
    key = (citizen.id, data["kind"], data.get("subject") or "", data["basis"])
    signals = _signals(session, [citizen], today)
    if key not in {s.key for s in signals}:
        raise DomainError("Signalet er ikke længere aktuelt. Opdatér siden.")
    ack_id = session.scalar(
        _insert(session, SignalAck).values(citizen_id=citizen.id, kind=key[1], subject=key[2],
                                           basis=key[3], note=data["note"],
                                           seen_by_id=user.id, seen_at=now)
        .on_conflict_do_nothing(index_elements=["citizen_id", "kind", "subject", "basis"])
        .returning(SignalAck.id))
    if ack_id is None:  # a colleague (or a double click) was first
        raise DomainError("Signalet er allerede markeret som set.")
    return session.get_one(SignalAck, ack_id)


# --- Mine opgaver -----------------------------------------------------------------------

# "Her citizens": those she may see and is contact person for, and those of her teams
# whose contact person is missing or no longer active, so no citizen falls between chairs.
# As SQL for the pages and in Python for the digests (like citizen_scope and can_view).

def _mine(user: User, whole_team: bool) -> ColumnElement[bool]:
    """Her citizens (or, on request, all her teams' citizens)."""
    scope = citizen_scope(user)
    if whole_team:
        return scope
    return and_(scope, or_(
        Citizen.primary_worker_id == user.id, Citizen.primary_worker_id.is_(None),
        Citizen.primary_worker_id.in_(select(User.id).where(User.active.is_(False)))))


def _is_mine(user: User, citizen: Citizen) -> bool:
    contact = citizen.primary_worker
    return can_view(user, citizen) and (contact is None or contact.id == user.id
                                        or not contact.active)


def open_tasks(session: Session, user: User, *, whole_team: bool = False) -> list[Reminder]:
    """Open reminders of the user's citizens, soonest first."""
    return list(session.scalars(
        select(Reminder).join(Citizen, Citizen.id == Reminder.citizen_id)
        .where(Reminder.status == "open", _mine(user, whole_team))
        .options(selectinload(Reminder.citizen), selectinload(Reminder.goal),
                 selectinload(Reminder.subgoal))
        .order_by(Reminder.due_date, Citizen.display_name, Reminder.id)))


def overdue_by_team(session: Session, teams: Sequence[Team], today: date
                    ) -> list[tuple[Team, dict[str, int]]]:
    """Overdue open reminders per team and rule (counts only: no names)."""
    rows = session.execute(
        select(Citizen.team_id, Reminder.rule, func.count())
        .join(Citizen, Citizen.id == Reminder.citizen_id)
        .where(Reminder.status == "open", Reminder.due_date < today,
               Citizen.team_id.in_([t.id for t in teams]))
        .group_by(Citizen.team_id, Reminder.rule)).all()
    counts: dict[int, dict[str, int]] = {t.id: {} for t in teams}
    for team_id, rule, n in rows:
        counts[team_id][rule] = n
    return [(t, {rule: counts[t.id][rule] for rule in RULES if rule in counts[t.id]})
            for t in sorted(teams, key=lambda t: t.name)]


# --- Digests ----------------------------------------------------------------------------

def _claim(session: Session, user_id: int, kind: str, day: date, now: datetime) -> bool:
    """Insert the digest's log row and commit; True if this process got it."""
    got = session.execute(
        _insert(session, DigestLog).values(user_id=user_id, kind=kind, day=day, created_at=now)
        .on_conflict_do_nothing(index_elements=["user_id", "kind", "day"])
        .returning(DigestLog.id)).first() is not None
    session.commit()
    return got


@dataclass(frozen=True)
class Outgoing:
    """A digest ready to go: plain data, so claiming (which commits) reloads nothing."""

    user_id: int
    email: str
    kind: str
    day: date
    subject: str
    body: str


def _claim_and_send(session: Session, settings: mailer.MailSettings, mails: list[Outgoing],
                    now: datetime) -> int:
    """Send each mail this process can claim. If sending fails, the claim is withdrawn so
    a later run (in this or another process) sends it instead."""
    sent = 0
    for m in mails:
        if not _claim(session, m.user_id, m.kind, m.day, now):
            continue  # another process has it
        try:
            mailer.send(settings, mailer.build(settings, m.email, m.subject, m.body, now))
            sent += 1
        except Exception:
            log.exception("digest %s for user %s could not be sent", m.kind, m.user_id)
            session.rollback()
            session.execute(delete(DigestLog).where(
                DigestLog.user_id == m.user_id, DigestLog.kind == m.kind,
                DigestLog.day == m.day))
            session.commit()
    return sent


@dataclass(frozen=True)
class DigestCounts:
    new: int
    overdue: int
    due_soon: int
    new_signals: int
    unseen_signals: int

    @property
    def worth_sending(self) -> bool:
        return bool(self.new or self.overdue or self.new_signals)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def worker_digest(counts: DigestCounts, base_url: str) -> tuple[str, str]:
    """Subject and body of a worker's daily digest: counts and a link, no personal data."""
    parts = []
    if counts.new:
        parts.append(_plural(counts.new, "ny opgave", "nye opgaver"))
    if counts.overdue:
        parts.append(_plural(counts.overdue, "overskredet", "overskredne"))
    if counts.new_signals:
        parts.append(_plural(counts.new_signals, "nyt signal", "nye signaler"))
    subject = "Bostøtte: " + ", ".join(parts)
    lines = ["Hej", "", "Her er dagens overblik fra Bostøtte for de borgere, du er "
             "kontaktperson for:", ""]
    lines.append(f"- {_plural(counts.new, 'ny opgave', 'nye opgaver')} siden sidst")
    lines.append(f"- {_plural(counts.overdue, 'opgave', 'opgaver')} med overskredet frist")
    lines.append(f"- {_plural(counts.due_soon, 'opgave', 'opgaver')} med frist snart")
    lines.append(f"- {_plural(counts.unseen_signals, 'signal', 'signaler')}, du ikke har "
                 f"markeret som set ({_plural(counts.new_signals, 'nyt', 'nye')})")
    lines += ["", "Se dem under Mine opgaver:", f"{base_url.rstrip('/')}/opgaver", "",
              "Mailen indeholder ingen oplysninger om borgerne. Log ind for at se dem.", "",
              "Venlig hilsen", "Bostøtte"]
    return subject, "\n".join(lines) + "\n"


def _last_digest_times(session: Session, kind: str) -> dict[int, datetime]:
    return {uid: at for uid, at in session.execute(
        select(DigestLog.user_id, func.max(DigestLog.created_at))
        .where(DigestLog.kind == kind).group_by(DigestLog.user_id)).all()}


def send_worker_digests(session: Session, today: date, now: datetime,
                        settings: mailer.MailSettings, signals: Sequence[Signal]) -> int:
    """Each active worker with anything new or overdue gets one digest a day."""
    workers = list(session.scalars(
        select(User).where(User.role == Role.WORKER, User.active)
        .options(selectinload(User.teams)).order_by(User.id)))
    sent_today = set(session.scalars(select(DigestLog.user_id).where(
        DigestLog.kind == "daily", DigestLog.day == today)))
    last = _last_digest_times(session, "daily")
    open_rows = session.execute(
        select(Reminder.citizen_id, Reminder.created_at, Reminder.due_date)
        .where(Reminder.status == "open")).all()
    citizen_ids = {r.citizen_id for r in open_rows} | {s.citizen_id for s in signals}
    citizens = {c.id: c for c in session.scalars(
        select(Citizen).where(Citizen.id.in_(citizen_ids))
        .options(selectinload(Citizen.primary_worker)))} if citizen_ids else {}
    outgoing = []
    for worker in workers:
        if worker.id in sent_today:
            continue
        since = last.get(worker.id, now - timedelta(days=1))
        mine = {cid for cid, c in citizens.items() if _is_mine(worker, c)}
        reminders = [r for r in open_rows if r.citizen_id in mine]
        own_signals = [s for s in signals if s.citizen_id in mine]
        counts = DigestCounts(
            new=sum(1 for r in reminders if r.created_at > since),
            overdue=sum(1 for r in reminders if r.due_date < today),
            due_soon=sum(1 for r in reminders if r.due_date >= today),
            new_signals=sum(1 for s in own_signals if s.since > since),
            unseen_signals=len(own_signals))
        if counts.worth_sending:
            subject, body = worker_digest(counts, settings.base_url)
            outgoing.append(Outgoing(worker.id, worker.email, "daily", today, subject, body))
    return _claim_and_send(session, settings, outgoing, now)


def leader_summary(rows: Sequence[tuple[Team, dict[str, int]]], today: date, base_url: str
                   ) -> tuple[str, str]:
    def overdue(n: int) -> str:
        return _plural(n, "overskredet opgave", "overskredne opgaver")

    total = sum(sum(c.values()) for _t, c in rows)
    subject = f"Bostøtte: ugens overblik – {overdue(total)}"
    lines = ["Hej", "", f"Overskredne opgaver i dine teams den {dk_date(today)}:", ""]
    for team, counts in rows:
        lines.append(f"{team.name}: {overdue(sum(counts.values()))}")
        lines += [f"  - {RULES[rule].label}: {n}" for rule, n in counts.items()]
    lines += ["", "Se overblikket her:", f"{base_url.rstrip('/')}/opgaver/overblik", "",
              "Mailen indeholder ingen oplysninger om borgerne.", "", "Venlig hilsen",
              "Bostøtte"]
    return subject, "\n".join(lines) + "\n"


def send_leader_summaries(session: Session, today: date, now: datetime,
                          settings: mailer.MailSettings) -> int:
    """Leaders get one overdue summary a week, on the first run of the week (Monday)."""
    monday = today - timedelta(days=today.weekday())
    leaders = list(session.scalars(
        select(User).where(User.role == Role.LEADER, User.active)
        .options(selectinload(User.teams)).order_by(User.id)))
    done = set(session.scalars(select(DigestLog.user_id).where(
        DigestLog.kind == "weekly", DigestLog.day == monday)))
    outgoing, quiet = [], []
    for leader in leaders:
        if leader.id in done or not leader.teams:
            continue
        rows = overdue_by_team(session, leader.teams, today)
        if any(counts for _t, counts in rows):
            subject, body = leader_summary(rows, today, settings.base_url)
            outgoing.append(Outgoing(leader.id, leader.email, "weekly", monday, subject, body))
        else:
            quiet.append(leader.id)
    for leader_id in quiet:  # nothing overdue: the week is done all the same
        _claim(session, leader_id, "weekly", monday, now)
    return _claim_and_send(session, settings, outgoing, now)
