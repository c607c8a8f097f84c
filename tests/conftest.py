"""Fixtures: an app on a migrated database (SQLite by default, PostgreSQL when
BOSTOTTE_TEST_DATABASE_URL is set), emptied after each test, and logged-in clients."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session

from bostotte import create_app
from bostotte.auth import sessions
from bostotte.auth.identity import SESSION_KEY
from bostotte.auth.models import User
from bostotte.common.time import utcnow
from bostotte.config import normalise_db_url
from bostotte.extensions import db
from bostotte.progress import services as progress
from tests import factories as make

TODAY = make.TODAY


def database_url(tmp_dir: Path) -> str:
    url = os.environ.get("BOSTOTTE_TEST_DATABASE_URL")
    if url:
        return normalise_db_url(url)
    if os.environ.get("CI") == "true" and os.environ.get("BOSTOTTE_REQUIRE_POSTGRES") == "1":
        pytest.exit("CI requires BOSTOTTE_TEST_DATABASE_URL (PostgreSQL)", returncode=3)
    return f"sqlite:///{tmp_dir / 'test.db'}"


def reset_schema(app: Flask) -> None:
    """An empty database, then every migration: tests run on the schema users get."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        else:
            db.engine.dispose()
            Path(db.engine.url.database or "").unlink(missing_ok=True)
        upgrade(revision="heads")


class IsolatedClient(FlaskClient):
    """Each request in its own app context, as in production: its own `g` (so the logged-in
    user is not cached from the last request) and its own database session. Afterwards the
    test's session is expired, so the test reads what the request committed."""

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    tmp_dir = tmp_path_factory.mktemp("db")
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url(tmp_dir),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SECRET_KEY": "test-secret",
            # Off by default here; tests/auth/test_two_factor.py turns it on as an
            # administrator does (in production it is on unless BOSTOTTE_DEMO_MODE=1).
            "BOSTOTTE_REQUIRE_TOTP": False,
        }
    )
    app.test_client_class = IsolatedClient
    reset_schema(app)
    yield app


def _table_names() -> list[str]:
    return [t.name for t in reversed(db.metadata.sorted_tables)]


@pytest.fixture()
def session(app: Flask) -> Iterator[Session]:
    """The app's session inside an app context; every table emptied afterwards.

    Emptying (rather than rolling back one outer transaction) lets the code under test
    commit exactly as it does in production, on SQLite and PostgreSQL alike.
    """
    with app.app_context():
        yield db.session
        empty_tables()


def empty_tables() -> None:
    """Every table emptied (in an app context); also for a world shared by a module."""
    db.session.rollback()
    db.session.remove()
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(
                text("TRUNCATE " + ", ".join(_table_names()) + " RESTART IDENTITY CASCADE")
            )
        else:
            conn.execute(text("PRAGMA defer_foreign_keys = ON"))
            for name in _table_names():
                conn.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608 (our table names)
    # The expected-progress history is kept per day and number of citizens; emptied tables
    # start the next test's history afresh, whatever its count.
    progress.kept.clear()


@pytest.fixture()
def w(session: Session) -> make.World:
    """The shared cast (tests/factories.py `World`)."""
    return make.world(session)


@pytest.fixture()
def client(app: Flask, session: Session) -> FlaskClient:
    return app.test_client()


def login(client: FlaskClient, user: User, token: str | None = None) -> FlaskClient:
    """Log a user in without a password round-trip (login itself is tested in tests/auth):
    a session row as `complete_login` makes it, and its token in the cookie (`token`: a
    session started before, for many clients)."""
    if token is None:
        token = sessions.start(db.session, user, "password", utcnow())
        db.session.commit()
    with client.session_transaction() as s:
        s["_user_id"] = str(user.id)
        s["_fresh"] = True
        s[SESSION_KEY] = token
    return client


@pytest.fixture()
def login_as(app: Flask, session: Session):  # type: ignore[no-untyped-def]
    """login_as(user) -> a new client logged in as that user."""

    def _login(user: User) -> FlaskClient:
        return login(app.test_client(), user)

    return _login


@pytest.fixture()
def empty_database_url(app: Flask, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database of the kind the suite runs on (dropped after)."""
    main_url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not main_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"bostotte_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(main_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield main_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def count_queries(app: Flask) -> Any:
    """`with count_queries() as statements:` collects the SQL the block sends."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", count)

    return counting


def without_csrf(html: str) -> str:
    """A page without its CSRF tokens: a token carries the second it was signed, so two
    answers compared whole differ when the clock ticks over between them."""
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', html)
