"""The daily job on APScheduler: 06:00 Europe/Copenhagen, right across daylight saving.

Production runs `flask bostotte scheduler` as its own process; `make run` starts the same
scheduler inside the web process (BOSTOTTE_SCHEDULER=embedded). Either way the job is
safe to run in several processes at once (see jobs.py), and a run at start-up
catches up on what was missed while the service was down.
"""

from __future__ import annotations

import atexit
import logging
import os
from datetime import datetime, time

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from bostotte.common.time import LOCAL_TZ, local_today, utcnow
from bostotte.extensions import db
from bostotte.ops.services import SCHEDULER, beat
from bostotte.reminders.jobs import RunResult, run_daily
from bostotte.retention import services as retention
from bostotte.stats import snapshots

log = logging.getLogger(__name__)

RUN_AT = time(6, 0)
JOB_ID = "bostotte-reminders-daily"
RETENTION_JOB_ID = "bostotte-retention-monthly"
STATS_JOB_ID = "bostotte-statistics-nightly"
STATS_AT = time(5, 0)  # the leaders' numbers ready before the working day
# A run delayed by a busy or suspended process still happens if it is late by less than this.
MISFIRE_GRACE_SECONDS = 6 * 3600


def daily_trigger() -> CronTrigger:
    return CronTrigger(hour=RUN_AT.hour, minute=RUN_AT.minute, timezone=LOCAL_TZ)


def digests_due(now: datetime) -> bool:
    """Today's digests go out from 06:00 local time; a restart at night sends none early."""
    return now.astimezone(LOCAL_TZ).time() >= RUN_AT


def run_job(app: Flask, *, digests: bool = True) -> RunResult:
    with app.app_context():
        now = utcnow()
        try:
            result = run_daily(db.session, now.astimezone(LOCAL_TZ).date(), now, digests=digests)
            beat(db.session, SCHEDULER, utcnow())  # /readyz: the scheduler is alive
            db.session.commit()
        finally:
            db.session.remove()
    log.info("reminders: %s", result)
    return result


def catch_up(app: Flask) -> RunResult:
    """The start-up run: create what was missed; today's digests only from 06:00."""
    return run_job(app, digests=digests_due(utcnow()))


def run_retention(app: Flask) -> None:
    """The monthly retention run (bostotte/retention): anonymise, prune the access log."""
    with app.app_context():
        try:
            result = retention.apply(
                db.session,
                local_today(),
                utcnow(),
                app.config["BOSTOTTE_RETENTION_YEARS"],
                app.config["BOSTOTTE_ACCESS_LOG_YEARS"],
            )
            db.session.commit()
        finally:
            db.session.remove()
    log.info("retention: %s", result)


def run_stats_refresh(app: Flask) -> None:
    """The night's statistics: every view leaders read lately, computed anew
    (stats.snapshots.refresh). Two schedulers running it at once compute twice and store
    the same numbers; nothing is counted twice."""
    with app.app_context():
        try:
            done = snapshots.refresh(db.session, local_today())
        finally:
            db.session.remove()
    log.info("statistics: %d views computed", done)


def add_daily_job(app: Flask, scheduler: BaseScheduler) -> BaseScheduler:
    """The scheduler with the daily job at 06:00 on it, the statistics at 05:00, and
    retention on the 1st at 05:00. Each runs once at a time, a missed run once (coalesced)
    if it is late by less than MISFIRE_GRACE_SECONDS."""
    for func, trigger, job_id in (
        (run_job, daily_trigger(), JOB_ID),
        (
            run_stats_refresh,
            CronTrigger(hour=STATS_AT.hour, minute=STATS_AT.minute, timezone=LOCAL_TZ),
            STATS_JOB_ID,
        ),
        (run_retention, CronTrigger(day=1, hour=5, minute=0, timezone=LOCAL_TZ), RETENTION_JOB_ID),
    ):
        scheduler.add_job(
            func,
            trigger,
            args=[app],
            id=job_id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=MISFIRE_GRACE_SECONDS,
        )
    return scheduler


def run_blocking(app: Flask) -> None:
    """`flask bostotte scheduler`: catch up, then run daily until stopped."""
    scheduler = add_daily_job(app, BlockingScheduler(timezone=LOCAL_TZ))
    catch_up(app)
    scheduler.start()


_embedded: BackgroundScheduler | None = None


def start_embedded(app: Flask) -> BackgroundScheduler | None:
    """Start the scheduler inside this process, once (not in the reloader's watcher
    process, not twice when the app factory is called again)."""
    global _embedded
    if _embedded is not None or app.testing:
        return _embedded
    if app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return None  # the reloader's parent process: its child serves and schedules
    command = click.get_current_context(silent=True)
    if command is not None and command.info_name != "run":
        return None  # `flask db upgrade` and friends: only the web server schedules
    scheduler = add_daily_job(app, BackgroundScheduler(timezone=LOCAL_TZ, daemon=True))
    assert isinstance(scheduler, BackgroundScheduler)
    scheduler.add_job(catch_up, args=[app], id=JOB_ID + "-catch-up")  # runs at once
    scheduler.start()
    atexit.register(lambda: scheduler.shutdown(wait=False))
    _embedded = scheduler
    return scheduler
