"""The daily job: an edge, like a request or a CLI command, so the one place in reminders
that commits. `flask bostotte reminders run` and the scheduler both call `run_daily`.

It commits step by step, so that it happens exactly once however many processes run it:
1. every citizen's reminders are created and resolved (`sync.py`), then committed. On
   PostgreSQL this step holds a transaction advisory lock, so concurrent runs queue up
   instead of doing the same work side by side (correctness does not depend on it: the
   unique reminder rows do that); the commit releases it.
2. on SQLite, the planner statistics are refreshed (`analyze`, on its own connection).
3. each digest is claimed (its DigestLog row, `digests.py`) and the claim committed
   *before* the mail is sent: only the process whose insert went in sends. If sending
   fails, the claim is withdrawn and committed, so a later run sends it instead.
4. the owners of handleplan actions after a tilsyn hear of a deadline that nears and of one
   that has passed, each once, claimed the same way (`tilsyn/handleplan.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import func, select

from bostotte.citizens.models import Citizen
from bostotte.common.db import Session, analyze
from bostotte.common.mail import MailSettings, build_message, send
from bostotte.reminders.digests import (
    Outgoing,
    claim,
    leader_summaries,
    week_of,
    withdraw,
    worker_digests,
)
from bostotte.reminders.signals import Signal, unseen
from bostotte.reminders.sync import BATCH, chunks, job_citizen_ids, sync, with_plans
from bostotte.reminders.tasks import signals_of
from bostotte.tilsyn.handleplan import send_reminders as send_action_reminders

log = logging.getLogger(__name__)

ADVISORY_LOCK_KEY = 85_082  # pg_advisory_xact_lock key of the reminder step


@dataclass(frozen=True)
class RunResult:
    created: int
    resolved: int
    mailed: int

    def __str__(self) -> str:
        return f"created {self.created}, resolved {self.resolved}, mailed {self.mailed}"


def run_daily(
    session: Session,
    today: date,
    now: datetime,
    *,
    mail: MailSettings | None = None,
    digests: bool = True,
) -> RunResult:
    """Create and resolve reminders for every citizen, then send the digests due today.

    Safe to run any number of times and in any number of processes at once.
    """
    settings = mail or MailSettings.from_config(current_app.config)
    created, resolved, signals = _sync_everyone(session, today, now)
    session.commit()  # releases the advisory lock
    if session.get_bind().dialect.name == "sqlite":
        analyze(session)  # the daily moment to keep SQLite's planner statistics fresh
    mailed = 0
    if digests:
        mailed += _claim_and_send(
            session,
            settings,
            worker_digests(session, today, now, settings.base_url, unseen(session, signals)),
            now,
        )
        outgoing, quiet = leader_summaries(session, today, settings.base_url)
        for leader_id in quiet:  # nothing overdue: the week is done all the same
            claim(session, leader_id, "weekly", week_of(today), now)
        session.commit()
        mailed += _claim_and_send(session, settings, outgoing, now)
        mailed += send_action_reminders(session, settings, today, now)
    return RunResult(created, resolved, mailed)


def _sync_everyone(session: Session, today: date, now: datetime) -> tuple[int, int, list[Signal]]:
    """(created, resolved) reminders of every citizen, and the signals of those whose
    indsats is running, batch by batch (each batch's citizens loaded once for both)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(ADVISORY_LOCK_KEY)))
    created = resolved = 0
    signals: list[Signal] = []
    for chunk in chunks(job_citizen_ids(session, today), BATCH):
        citizens = list(session.scalars(with_plans(select(Citizen).where(Citizen.id.in_(chunk)))))
        c, r = sync(session, citizens, today, now)
        created, resolved = created + c, resolved + r
        signals += signals_of(session, citizens, today)
    return created, resolved, signals


def _claim_and_send(
    session: Session, settings: MailSettings, mails: Sequence[Outgoing], now: datetime
) -> int:
    """Send each mail this process can claim. If sending fails, the claim is withdrawn so
    a later run (in this or another process) sends it instead."""
    sent = 0
    for m in mails:
        got = claim(session, m.user_id, m.kind, m.day, now)
        session.commit()  # the claim is everyone's to see before the mail goes
        if not got:
            continue  # another process has it
        try:
            send(settings, build_message(settings, m.email, m.subject, m.body, now))
            sent += 1
        except Exception:
            log.exception("digest %s for user %s could not be sent", m.kind, m.user_id)
            session.rollback()
            withdraw(session, m)
            session.commit()
    return sent
