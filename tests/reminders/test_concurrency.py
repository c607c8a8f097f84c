"""Two runs at the same moment on PostgreSQL: every reminder and digest exactly once.

Each run has its own engine and connection, as two app servers would. SQLite serialises
writers anyway, so these tests run on PostgreSQL only."""

import threading
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from bostotte.citizens.models import Citizen
from bostotte.reminders.jobs import run_daily
from bostotte.reminders.models import DigestLog, Reminder
from bostotte.reminders.sync import sync as sync_reminders
from bostotte.reminders.sync import with_plans
from tests import factories as make
from tests.reminders.conftest import at

DAY = date(2026, 3, 20)


@pytest.fixture()
def pg_url(app):  # type: ignore[no-untyped-def]
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("concurrency is tested on PostgreSQL (BOSTOTTE_TEST_DATABASE_URL)")
    return url


@pytest.fixture()
def many(w, session):  # type: ignore[no-untyped-def]
    for i in range(30):
        c = make.citizen(session, w.t1 if i % 2 else w.t2)
        g = make.goal(session, w.w1, make.plan(session, c), target_date=date(2026, 4, 1))
        make.subgoal(session, g, target_date=date(2026, 4, 2))
    session.commit()
    return w


def in_two_threads(url: str, work: Callable[[Session], object]) -> list[object]:
    """Run `work` in two threads, each with its own engine, released at the same moment."""
    barrier, results, errors = threading.Barrier(2), [], []

    def worker() -> None:
        engine = create_engine(url, pool_size=1)
        try:
            with Session(engine) as s:
                barrier.wait(timeout=30)
                results.append(work(s))
        except Exception as exc:  # noqa: BLE001 (any failure in the thread is reported below)
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return results


def test_two_concurrent_inserts_create_each_reminder_once(pg_url, many, session):
    def sync(s: Session) -> int:
        citizens = list(s.scalars(with_plans(select(Citizen))))
        created, _resolved = sync_reminders(s, citizens, DAY, at(DAY))  # no advisory lock here
        s.commit()
        return created

    created = in_two_threads(pg_url, sync)
    total = session.scalar(select(func.count()).select_from(Reminder))
    assert total == 32 * 2 + 30 * 3  # each citizen: ORS, REM; the 30 also FKO, goal, delmål
    assert sum(created) == total  # whoever came second created nothing


def test_two_concurrent_daily_runs_create_and_mail_everything_once(
    pg_url, many, session, mail, outbox
):
    results = in_two_threads(pg_url, lambda s: run_daily(s, DAY, at(DAY), mail=mail))
    reminders = session.scalar(select(func.count()).select_from(Reminder))
    assert sum(r.created for r in results) == reminders == 154
    digests = session.scalar(select(func.count()).select_from(DigestLog))
    assert sum(r.mailed for r in results) == digests == len(list(outbox.glob("*.eml"))) == 3
