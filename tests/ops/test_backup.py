"""Backups: SQLite's online backup and restore through the CLI, and the PostgreSQL routine
(pg_dump, pg_restore) the README's Drift section gives, run once."""

from __future__ import annotations

import os
import subprocess

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bostotte import create_app
from bostotte.citizens.models import Citizen
from bostotte.extensions import db
from tests import factories as make


@pytest.fixture()
def sqlite_app(tmp_path):  # type: ignore[no-untyped-def]
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.db'}", "TESTING": True}
    )
    with app.app_context():
        upgrade(revision="heads")
        make.citizen(db.session, make.team(db.session), display_name="Før Kopien")
        db.session.commit()
    return app


def _names(app) -> list[str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        names = list(db.session.scalars(select(Citizen.display_name).order_by(Citizen.id)))
        db.session.remove()
        return names


def _cli(app, *args: str):  # type: ignore[no-untyped-def]
    with app.app_context():
        return app.test_cli_runner().invoke(args=["bostotte", *args])


def test_backup_while_serving_then_restore(sqlite_app, tmp_path):
    with sqlite_app.app_context():  # a transaction open on the live file meanwhile
        db.session.execute(text("SELECT count(*) FROM citizens")).scalar()
        result = _cli(sqlite_app, "backup", str(tmp_path / "kopi.db"))
        db.session.remove()
    assert result.exit_code == 0 and "Sikkerhedskopi gemt" in result.output
    with sqlite_app.app_context():
        make.citizen(db.session, make.team(db.session), display_name="Efter Kopien")
        db.session.commit()
    assert _names(sqlite_app) == ["Før Kopien", "Efter Kopien"]
    result = _cli(sqlite_app, "restore", "--yes", str(tmp_path / "kopi.db"))
    assert result.exit_code == 0, result.output
    assert _names(sqlite_app) == ["Før Kopien"]


def test_restore_refuses_what_is_not_a_bostotte_database(sqlite_app, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    result = _cli(sqlite_app, "restore", "--yes", str(junk))
    assert result.exit_code == 1 and "ikke en SQLite-database" in result.output
    other = tmp_path / "other.db"
    create_engine(f"sqlite:///{other}").connect().execute(text("CREATE TABLE x (a int)"))
    result = _cli(sqlite_app, "restore", "--yes", str(other))
    assert result.exit_code == 1 and "ikke en hel bostotte-database" in result.output
    assert _names(sqlite_app) == ["Før Kopien"]  # untouched
    result = _cli(sqlite_app, "backup", str(junk))
    assert result.exit_code == 1 and "findes allerede" in result.output


def test_backup_points_postgresql_users_to_pg_dump(app):
    pg = create_app(
        {**app.config, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    )
    result = _cli(pg, "backup", "/tmp/never.db")
    assert result.exit_code == 1 and "pg_dump" in result.output


def test_the_postgresql_routine_restores_everything(app, session, w):
    """pg_dump -Fc, then pg_restore into a new database: the same rows."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        pytest.skip("the PostgreSQL routine runs in the PostgreSQL run of the suite")
    session.commit()
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    copy_name = f"bostotte_restore_{os.getpid()}"
    copy_url = url.set(database=copy_name)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{copy_name}"'))
        c.execute(text(f'CREATE DATABASE "{copy_name}"'))
    try:
        dump = subprocess.run(["pg_dump", "-Fc", "-d", plain], capture_output=True, check=True)
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "-d",
                copy_url.set(drivername="postgresql").render_as_string(hide_password=False),
            ],
            input=dump.stdout,
            capture_output=True,
            check=True,
        )
        restored = create_engine(copy_url)
        with restored.connect() as c:
            counts = {
                t: c.execute(text(f'SELECT count(*) FROM "{t}"')).scalar()  # noqa: S608
                for t in ("citizens", "users", "teams", "alembic_version")
            }
        restored.dispose()
        assert counts["citizens"] == session.scalar(select(func.count()).select_from(Citizen))
        assert counts["users"] == 6 and counts["teams"] == 2 and counts["alembic_version"] == 1
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)'))
        admin.dispose()
