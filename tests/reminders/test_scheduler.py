"""06:00 Copenhagen across daylight saving; the CLI; the embedded and the own-process
scheduler."""

from datetime import UTC, datetime

import pytest

from bostotte.common.time import LOCAL_TZ
from bostotte.reminders import scheduler
from tests.reminders.conftest import reminders


def fire_times(start: datetime, n: int) -> list[datetime]:
    trigger, times, previous, now = scheduler.daily_trigger(), [], None, start
    for _ in range(n):
        fire = trigger.get_next_fire_time(previous, now)
        times.append(fire)
        previous = now = fire
    return times


@pytest.mark.parametrize(
    ("start", "expected_utc"),
    [
        # last Sunday of March 2026: clocks go forward on the 29th at 02:00 (CET → CEST)
        (datetime(2026, 3, 27, 12, tzinfo=UTC), [(28, 5), (29, 4), (30, 4), (31, 4)]),
        # last Sunday of October 2026: clocks go back on the 25th at 03:00 (CEST → CET)
        (datetime(2026, 10, 23, 12, tzinfo=UTC), [(24, 4), (25, 5), (26, 5), (27, 5)]),
    ],
)
def test_the_job_runs_at_six_local_time_across_daylight_saving(start, expected_utc):
    times = fire_times(start, 4)
    assert [(t.astimezone(LOCAL_TZ).hour, t.astimezone(LOCAL_TZ).minute) for t in times] == [
        (6, 0)
    ] * 4
    assert [(t.astimezone(UTC).day, t.astimezone(UTC).hour) for t in times] == expected_utc


def test_digests_go_out_from_six_in_the_morning():
    assert not scheduler.digests_due(datetime(2026, 3, 29, 5, 59, tzinfo=LOCAL_TZ))
    assert scheduler.digests_due(datetime(2026, 3, 29, 6, 0, tzinfo=LOCAL_TZ))
    assert scheduler.digests_due(datetime(2026, 3, 29, 4, 0, tzinfo=UTC))  # 06:00 CEST


def test_cli_runs_the_job_once_and_prints_the_counts(app, w, session, outbox):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["bostotte", "reminders", "run", "--today", "2026-03-20"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "created 4, resolved 0, mailed 3"
    assert len(list(outbox.glob("*.eml"))) == 3
    again = runner.invoke(args=["bostotte", "reminders", "run", "--today", "2026-03-20"])
    assert again.output.strip() == "created 0, resolved 0, mailed 0"
    bad = runner.invoke(args=["bostotte", "reminders", "run", "--today", "20-03-2026"])
    assert bad.exit_code == 2 and "Skriv datoen som ÅÅÅÅ-MM-DD" in bad.output


class FakeScheduler:
    started: list = []

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        self.kwargs, self.jobs = kwargs, []

    def add_job(self, func, trigger=None, **kwargs):  # type: ignore[no-untyped-def]
        self.jobs.append((func, trigger, kwargs))

    def start(self):  # type: ignore[no-untyped-def]
        FakeScheduler.started.append(self)

    def shutdown(self, wait=True):  # type: ignore[no-untyped-def]
        pass


@pytest.fixture()
def fake_schedulers(monkeypatch):  # type: ignore[no-untyped-def]
    FakeScheduler.started = []
    monkeypatch.setattr(scheduler, "BlockingScheduler", FakeScheduler)
    monkeypatch.setattr(scheduler, "BackgroundScheduler", FakeScheduler)
    monkeypatch.setattr(scheduler, "_embedded", None)
    return FakeScheduler


def test_scheduler_command_catches_up_then_runs_daily(app, w, session, fake_schedulers):
    result = app.test_cli_runner().invoke(args=["bostotte", "scheduler"])
    assert result.exit_code == 0, result.output
    assert "kl. 06:00 (Europe/Copenhagen)" in result.output
    (started,) = fake_schedulers.started
    (func, trigger, kwargs), (nightly, at, _), (monthly, when, _kwargs) = started.jobs
    assert func is scheduler.run_job and str(trigger) == str(scheduler.daily_trigger())
    assert kwargs["coalesce"] and kwargs["max_instances"] == 1
    assert nightly is scheduler.run_stats_refresh  # the statistics' views, at 05:00
    assert "hour='5'" in str(at) and "day=" not in str(at)
    assert monthly is scheduler.run_retention  # on the 1st of the month at 05:00
    assert "day='1'" in str(when) and "hour='5'" in str(when)
    assert reminders(session, w.c1)  # the start-up run created what was due


def test_embedded_scheduler_starts_once_and_never_in_tests(app, monkeypatch, fake_schedulers):
    assert scheduler.start_embedded(app) is None  # app.testing
    monkeypatch.setattr(app, "testing", False)
    first = scheduler.start_embedded(app)
    assert scheduler.start_embedded(app) is first
    assert len(fake_schedulers.started) == 1
    assert [j[2].get("id") for j in first.jobs] == [
        scheduler.JOB_ID,
        scheduler.STATS_JOB_ID,
        scheduler.RETENTION_JOB_ID,
        scheduler.JOB_ID + "-catch-up",
    ]
