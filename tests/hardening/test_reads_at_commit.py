"""A page's access-log rows are written when its request commits, not when the read is
logged: on SQLite a pending insert held the database's one write lock from the next query
to the request's end, so every page that logs a read ran one at a time and 40 clients got
'database is locked' (bench/README.md, "Load")."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bostotte.audit.models import AccessLog
from bostotte.citizens import views as citizen_views


def test_the_citizen_page_holds_no_write_while_it_is_drawn(w, app, session, login_as, monkeypatch):  # type: ignore[no-untyped-def]
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        pytest.skip("SQLite's lock")
    client = login_as(w.w1)
    client.get(f"/borgere/{w.c1.id}")  # her session's time written: this test is the read
    before = session.scalar(select(func.count()).select_from(AccessLog))
    free: list[bool] = []
    real = citizen_views.render_template

    def drawing(*args: Any, **kwargs: Any) -> str:
        other = sqlite3.connect(url.database or "", timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # 'database is locked' while a write is open
            other.execute("ROLLBACK")
            free.append(True)
        except sqlite3.OperationalError:
            free.append(False)
        finally:
            other.close()
        return real(*args, **kwargs)

    monkeypatch.setattr(citizen_views, "render_template", drawing)
    assert client.get(f"/borgere/{w.c1.id}").status_code == 200
    assert free == [True]
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(AccessLog)) == before + 1


def test_a_refused_sub_object_still_logs_no_read(w, session, login_as):  # type: ignore[no-untyped-def]
    r = login_as(w.w1).get(f"/borgere/{w.c1.id}/scoringer/999999")
    assert r.status_code == 404
    assert session.scalar(select(func.count()).select_from(AccessLog)) == 0
