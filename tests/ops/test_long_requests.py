"""A download that takes seconds holds no write open while it works (found by the load bench,
bench/README.md "Load"): on SQLite an open write is the database's only write lock, so 4
citizens pulling their data PDF made every colleague's page, which logs a read, wait past
the busy timeout and answer 500. Her read is committed before the work starts; here the
slow step checks, from a connection of its own, that the database takes a write at once
and already holds her read."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, update
from sqlalchemy.engine import make_url

from bostotte import SQLITE_BUSY_TIMEOUT_MS
from bostotte.audit.models import AccessLog
from bostotte.auth.models import UserSession
from bostotte.auth.sessions import TOUCH_EVERY
from bostotte.common.time import utcnow
from bostotte.portal import views as portal_views
from bostotte.stats import views as stats_views


def _free_for_writes(url: str) -> int:
    """The database takes a write from another connection without waiting; returns the
    access-log rows that connection sees (committed ones only)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        conn = sqlite3.connect(parsed.database or "", timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")  # 'database is locked' while a write is open
            conn.execute("ROLLBACK")
        finally:
            conn.close()
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(AccessLog)).scalar_one())
    finally:
        engine.dispose()


@pytest.fixture()
def seen(app, monkeypatch):  # type: ignore[no-untyped-def]
    """Wraps a module's slow step: each call records what another connection saw then."""
    calls: list[int] = []

    def wrap(module: Any, name: str) -> list[int]:
        real = getattr(module, name)

        def slow_step(*args: Any, **kwargs: Any) -> Any:
            calls.append(_free_for_writes(app.config["SQLALCHEMY_DATABASE_URI"]))
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, slow_step)
        return calls

    return wrap


def _stale_session(session, user) -> None:  # type: ignore[no-untyped-def]
    """Her session last seen long enough ago that the request writes its new time first."""
    session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id)
        .values(last_seen_at=utcnow() - TOUCH_EVERY - timedelta(seconds=30))
    )
    session.commit()


@pytest.mark.parametrize(
    ("path", "module", "step"),
    [
        ("/mig/mine-data.pdf", portal_views, "render_plain_pdf"),
        ("/mig/mine-data.json", portal_views.export, "citizen_record"),
    ],
)
def test_her_download_commits_her_read_before_the_work(
    w, session, login_as, seen, path, module, step
):  # type: ignore[no-untyped-def]
    client = login_as(w.borger)
    _stale_session(session, w.borger)
    before = session.scalar(select(func.count()).select_from(AccessLog))
    calls = seen(module, step)
    r = client.get(path)
    assert r.status_code == 200
    assert calls == [before + 1]  # her read, committed; and nothing holds the write lock


def test_the_leaders_report_holds_no_write_while_it_is_drawn(w, session, login_as, seen):  # type: ignore[no-untyped-def]
    client = login_as(w.leader)
    _stale_session(session, w.leader)  # the request's first write: her session's time
    calls = seen(stats_views, "render_pdf")
    r = client.get("/statistik/rapport.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert len(calls) == 1


def test_a_sqlite_writer_waits_for_the_one_before_within_gunicorns_timeout(app, session):  # type: ignore[no-untyped-def]
    """Every page that logs a read holds SQLite's write lock until its request ends; under
    40 clients on a busy machine the next writer waited more than the old 5 s and answered
    500 (bench/README.md, "Load"). It now waits up to 30 s: less than gunicorn's timeout."""
    if make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "sqlite":
        pytest.skip("SQLite's lock")
    waits = session.connection().exec_driver_sql("PRAGMA busy_timeout").scalar_one()
    assert waits == SQLITE_BUSY_TIMEOUT_MS == 30_000
    assert SQLITE_BUSY_TIMEOUT_MS < 60_000  # deploy/gunicorn.conf.py's default timeout


def test_a_save_on_sqlite_waits_for_the_write_lock_rather_than_failing(app, session, w):  # type: ignore[no-untyped-def]
    """A form's save runs in a savepoint (common.views.submit) and reads before it writes. On
    SQLite a deferred transaction whose snapshot another request's commit has outdated
    cannot upgrade to a write: 'database is locked' at once, whatever the busy timeout (the
    load bench's 500s on scorings and goal edits). The savepoint now begins the transaction
    IMMEDIATE: it holds the write lock from its start, the other writer waits for it."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        pytest.skip("SQLite's lock")
    session.commit()
    savepoint = session.begin_nested()
    assert session.scalar(select(func.count()).select_from(AccessLog)) == 0  # her snapshot
    other = sqlite3.connect(url.database or "", timeout=0, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            other.execute(  # another request's read logged meanwhile: it has to wait
                "INSERT INTO access_log (actor_role, citizen_id, what, at)"
                " VALUES ('system', 1, 'x', '2026-12-07 12:00:00')"
            )
    finally:
        other.close()
    session.add(AccessLog(actor_role="system", citizen_id=w.c1.id, what="gemt"))
    session.flush()  # the save's write: no 'database is locked'
    savepoint.commit()
    session.commit()
    assert session.scalar(select(func.count()).select_from(AccessLog)) == 1
