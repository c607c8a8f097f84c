"""The digests: a daily one to each worker with anything new or overdue, a weekly overdue
summary per team to leaders. Counts and a link only, never a citizen's data.

A digest goes out once, however many processes try: it is claimed by inserting its
DigestLog row (unique per person, kind and day). Claiming here only writes the row; the
daily job (`jobs.py`) commits the claim before it sends, and withdraws it if sending fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from bostotte.auth.models import Role, Team, User
from bostotte.citizens.models import Citizen
from bostotte.common.db import Session, insert_on_conflict
from bostotte.common.formatting import dk_date
from bostotte.reminders.cadence import RULES
from bostotte.reminders.models import DigestLog, Reminder
from bostotte.reminders.signals import Signal
from bostotte.reminders.tasks import is_mine, overdue_by_team, unseen_voice


@dataclass(frozen=True)
class Outgoing:
    """A digest ready to go: plain data, so committing its claim reloads nothing."""

    user_id: int
    email: str
    kind: str
    day: date
    subject: str
    body: str


def claim(session: Session, user_id: int, kind: str, day: date, now: datetime) -> bool:
    """Insert the digest's log row; True if it went in (nobody had claimed it yet)."""
    return (
        session.execute(
            insert_on_conflict(session, DigestLog)
            .values(user_id=user_id, kind=kind, day=day, created_at=now)
            .on_conflict_do_nothing(index_elements=["user_id", "kind", "day"])
            .returning(DigestLog.id)
        ).first()
        is not None
    )


def withdraw(session: Session, mail: Outgoing) -> None:
    """Delete a claim whose mail could not be sent, so a later run sends it."""
    session.execute(
        delete(DigestLog).where(
            DigestLog.user_id == mail.user_id,
            DigestLog.kind == mail.kind,
            DigestLog.day == mail.day,
        )
    )


# --- The worker's daily digest ----------------------------------------------------------


@dataclass(frozen=True)
class DigestCounts:
    """What Mine opgaver shows her, counted: the same reminders, signals and items from the
    citizens (tasks.py), so the mail and the page agree."""

    new: int
    overdue: int
    due_soon: int
    new_signals: int
    unseen_signals: int
    new_voice: int = 0
    unread_voice: int = 0

    @property
    def worth_sending(self) -> bool:
        return bool(self.new or self.overdue or self.new_signals or self.new_voice)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def worker_digest(counts: DigestCounts, base_url: str) -> tuple[str, str]:
    """Subject and body of a worker's daily digest: counts and a link, no personal data."""
    parts = []
    if counts.new:
        parts.append(_plural(counts.new, "ny opgave", "nye opgaver"))
    if counts.overdue:
        parts.append(f"{counts.overdue} over fristen")
    if counts.new_signals:
        parts.append(_plural(counts.new_signals, "nyt signal", "nye signaler"))
    if counts.new_voice:
        parts.append(
            _plural(counts.new_voice, "ny besked fra en borger", "nye beskeder fra borgere")
        )
    subject = "Bostøtte: " + ", ".join(parts)
    lines = [
        "Hej",
        "",
        "Her er dagens overblik fra Bostøtte for de borgere, du er kontaktperson for:",
        "",
    ]
    lines.append(f"- {_plural(counts.new, 'ny opgave', 'nye opgaver')} siden sidst")
    lines.append(f"- {_plural(counts.overdue, 'opgave', 'opgaver')} over fristen")
    lines.append(f"- {_plural(counts.due_soon, 'opgave', 'opgaver')} med frist snart")
    lines.append(
        f"- {_plural(counts.unseen_signals, 'signal', 'signaler')}, du ikke har "
        f"markeret som set ({_plural(counts.new_signals, 'nyt', 'nye')})"
    )
    lines.append(
        f"- {_plural(counts.unread_voice, 'besked', 'beskeder')} fra borgerne, du ikke har "
        f"markeret som læst ({_plural(counts.new_voice, 'ny', 'nye')})"
    )
    lines += [
        "",
        "Se dem under Mine opgaver:",
        f"{base_url.rstrip('/')}/opgaver",
        "",
        "Mailen indeholder ingen oplysninger om borgerne. Log ind for at se dem.",
        "",
        "Venlig hilsen",
        "Bostøtte",
    ]
    return subject, "\n".join(lines) + "\n"


def _last_digest_times(session: Session, kind: str) -> dict[int, datetime]:
    return dict(
        session.execute(
            select(DigestLog.user_id, func.max(DigestLog.created_at))
            .where(DigestLog.kind == kind)
            .group_by(DigestLog.user_id)
        )
        .tuples()
        .all()
    )


def worker_digests(
    session: Session, today: date, now: datetime, base_url: str, signals: Sequence[Signal]
) -> list[Outgoing]:
    """Today's digest for each active worker with anything new or overdue who has not had
    one today (`signals`: those nobody has marked as seen)."""
    workers = list(
        session.scalars(
            select(User)
            .where(User.role == Role.WORKER, User.active)
            .options(selectinload(User.teams))
            .order_by(User.id)
        )
    )
    sent_today = set(
        session.scalars(
            select(DigestLog.user_id).where(DigestLog.kind == "daily", DigestLog.day == today)
        )
    )
    last = _last_digest_times(session, "daily")
    open_rows = session.execute(
        select(Reminder.citizen_id, Reminder.created_at, Reminder.due_date).where(
            Reminder.status == "open"
        )
    ).all()
    voice = unseen_voice(session, today)
    citizen_ids = (
        {r.citizen_id for r in open_rows}
        | {s.citizen_id for s in signals}
        | {v.citizen_id for v in voice}
    )
    citizens = (
        {
            c.id: c
            for c in session.scalars(
                select(Citizen)
                .where(Citizen.id.in_(citizen_ids))
                .options(selectinload(Citizen.primary_worker))
            )
        }
        if citizen_ids
        else {}
    )
    outgoing = []
    for worker in workers:
        if worker.id in sent_today:
            continue
        since = last.get(worker.id, now - timedelta(days=1))
        own = {cid for cid, c in citizens.items() if is_mine(worker, c)}
        reminders = [r for r in open_rows if r.citizen_id in own]
        own_signals = [s for s in signals if s.citizen_id in own]
        own_voice = [v for v in voice if v.citizen_id in own]
        counts = DigestCounts(
            new=sum(1 for r in reminders if r.created_at > since),
            overdue=sum(1 for r in reminders if r.due_date < today),
            due_soon=sum(1 for r in reminders if r.due_date >= today),
            new_signals=sum(1 for s in own_signals if s.since > since),
            unseen_signals=len(own_signals),
            new_voice=sum(1 for v in own_voice if v.since > since),
            unread_voice=len(own_voice),
        )
        if counts.worth_sending:
            subject, body = worker_digest(counts, base_url)
            outgoing.append(Outgoing(worker.id, worker.email, "daily", today, subject, body))
    return outgoing


# --- The leader's weekly summary --------------------------------------------------------


def leader_summary(
    rows: Sequence[tuple[Team, dict[str, int]]], today: date, base_url: str
) -> tuple[str, str]:
    def overdue(n: int) -> str:
        return _plural(n, "opgave", "opgaver") + " over fristen"

    total = sum(sum(c.values()) for _t, c in rows)
    subject = f"Bostøtte: ugens overblik – {overdue(total)}"
    lines = ["Hej", "", f"Opgaver over fristen i dine teams den {dk_date(today)}:", ""]
    for team, counts in rows:
        lines.append(f"{team.name}: {overdue(sum(counts.values()))}")
        lines += [f"  - {RULES[rule].label}: {n}" for rule, n in counts.items()]
    lines += [
        "",
        "Se overblikket her:",
        f"{base_url.rstrip('/')}/opgaver/overblik",
        "",
        "Mailen indeholder ingen oplysninger om borgerne.",
        "",
        "Venlig hilsen",
        "Bostøtte",
    ]
    return subject, "\n".join(lines) + "\n"


def week_of(today: date) -> date:
    """The weekly summary's day: the Monday of the week."""
    return today - timedelta(days=today.weekday())


def leader_summaries(
    session: Session, today: date, base_url: str
) -> tuple[list[Outgoing], list[int]]:
    """This week's summaries not yet sent, and the leaders with nothing overdue (whose week
    is done all the same). Leaders get one a week, on the first run of the week."""
    monday = week_of(today)
    leaders = list(
        session.scalars(
            select(User)
            .where(User.role == Role.LEADER, User.active)
            .options(selectinload(User.teams))
            .order_by(User.id)
        )
    )
    done = set(
        session.scalars(
            select(DigestLog.user_id).where(DigestLog.kind == "weekly", DigestLog.day == monday)
        )
    )
    outgoing, quiet = [], []
    for leader in leaders:
        if leader.id in done or not leader.teams:
            continue
        rows = overdue_by_team(session, leader.teams, today)
        if any(counts for _t, counts in rows):
            subject, body = leader_summary(rows, today, base_url)
            outgoing.append(Outgoing(leader.id, leader.email, "weekly", monday, subject, body))
        else:
            quiet.append(leader.id)
    return outgoing, quiet
