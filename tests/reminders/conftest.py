"""Reminders fixtures: the world of tests/factories.py, frozen days and a mail outbox."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import select

from bostotte.common.mail import MailSettings
from bostotte.common.time import LOCAL_TZ
from bostotte.reminders.jobs import RunResult, run_daily
from bostotte.reminders.models import Reminder


@pytest.fixture(autouse=True)
def outbox(app, tmp_path: Path, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    """Every mail of a test lands in its own folder (never the real instance/outbox)."""
    folder = tmp_path / "outbox"
    monkeypatch.setitem(app.config, "BOSTOTTE_OUTBOX", str(folder))
    monkeypatch.setitem(app.config, "BOSTOTTE_SMTP_HOST", "")
    return folder


@pytest.fixture()
def mail(outbox: Path) -> MailSettings:
    return MailSettings(
        sender="Bostøtte <bostotte@test.dk>", outbox=outbox, base_url="https://bostotte.test"
    )


def at(day: date, hour: int = 6) -> datetime:
    """`day` at 06:00 Copenhagen time, as the scheduler runs."""
    return datetime.combine(day, time(hour), LOCAL_TZ)


def run(session, day: date, mail: MailSettings, **kw) -> RunResult:  # type: ignore[no-untyped-def]
    return run_daily(session, day, at(day), mail=mail, **kw)


def reminders(session, citizen=None, status: str | None = "open"):  # type: ignore[no-untyped-def]
    """{(rule, due date, subject)} of the stored reminders."""
    query = select(Reminder)
    if citizen is not None:
        query = query.where(Reminder.citizen_id == citizen.id)
    if status:
        query = query.where(Reminder.status == status)
    session.expire_all()
    return {(r.rule, r.due_date, r.subject) for r in session.scalars(query)}
