"""`flask bostotte reminders run` and `flask bostotte scheduler`: thin adapters."""

from __future__ import annotations

from datetime import date, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from bostotte.common.time import LOCAL_TZ, utcnow
from bostotte.extensions import db
from bostotte.reminders.jobs import run_daily
from bostotte.reminders.scheduler import RUN_AT, run_blocking

reminders_group = AppGroup("reminders", help="Påmindelser og signaler.")


@reminders_group.command("run")
@click.option("--today", help="Run as on this date (YYYY-MM-DD); default: today.")
def run_command(today: str | None) -> None:
    """Run the daily job once: create and resolve reminders, send the digests."""
    if today:
        try:
            day = date.fromisoformat(today)
        except ValueError as exc:
            raise click.BadParameter(
                "Skriv datoen som ÅÅÅÅ-MM-DD, fx 2026-11-23.", param_hint="--today"
            ) from exc
        now = datetime.combine(day, RUN_AT, LOCAL_TZ)
    else:
        now = utcnow()
        day = now.astimezone(LOCAL_TZ).date()
    click.echo(str(run_daily(db.session, day, now)))


@click.command("scheduler")
def scheduler_command() -> None:
    """Run the scheduler in this process (production): the daily job at 06:00."""
    click.echo(
        "Planlæggeren kører: påmindelser hver dag kl. 06:00 (Europe/Copenhagen). Stop med Ctrl+C."
    )
    run_blocking(current_app._get_current_object())  # type: ignore[attr-defined]
