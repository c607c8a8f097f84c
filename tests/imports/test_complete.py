"""The complete export is lossless: export → import into an empty database → export gives
the same bytes, on SQLite and PostgreSQL and from one to the other; importing into the
database it came from changes nothing; no secret leaves; a damaged folder changes nothing."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bostotte import create_app
from bostotte.api import tokens as api_tokens
from bostotte.audit.models import AccessLog
from bostotte.audit.services import log_access
from bostotte.auth.models import User
from bostotte.citizens.models import Citizen
from bostotte.common.time import utcnow
from bostotte.demo.services import load_demo
from bostotte.extensions import db
from bostotte.imports import complete
from bostotte.imports.cli import EXPORT_WHAT
from bostotte.invitations.services import invite
from bostotte.portal.services import add_comment, decline
from bostotte.reminders.jobs import run_daily
from bostotte.scoring.models import Scoring
from bostotte.scoring.services import edit_scoring

TODAY = date(2026, 11, 23)


def _app(url: str, outbox: Path):  # type: ignore[no-untyped-def]
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "TESTING": True,
            "BOSTOTTE_OUTBOX": str(outbox),
            "BOSTOTTE_SMTP_HOST": "",
        }
    )
    with app.app_context():
        upgrade(revision="heads")
    return app


@pytest.fixture()
def databases(app, tmp_path):  # type: ignore[no-untyped-def]
    """new_database() -> a migrated app on an empty database of the suite's kind."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    made: list[str] = []
    admin = None
    if url.get_backend_name() == "postgresql":
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def new_database(kind: str | None = None):  # type: ignore[no-untyped-def]
        n = len(made)
        if (kind or url.get_backend_name()) == "postgresql":
            assert admin is not None
            name = f"bostotte_complete_{os.getpid()}_{n}"
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                c.execute(text(f'CREATE DATABASE "{name}"'))
            made.append(name)
            return _app(
                url.set(database=name).render_as_string(hide_password=False), tmp_path / "outbox"
            )
        made.append("")
        return _app(f"sqlite:///{tmp_path / f'db{n}.sqlite'}", tmp_path / "outbox")

    yield new_database
    if admin is not None:
        with admin.connect() as c:
            for name in filter(None, made):
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _fill(app) -> None:  # type: ignore[no-untyped-def]
    """The demo, plus what the demo lacks: a revision, a comment, a decline, an invitation,
    reminders and digests, access-log rows."""
    with app.app_context():
        s = db.session
        load_demo(s, TODAY)
        s.flush()
        worker = s.scalars(select(User).where(User.email == "vejleder@demo.dk")).one()
        borger = s.scalars(select(User).where(User.email == "borger@demo.dk")).one()
        citizen = s.get_one(Citizen, borger.citizen_id)
        scoring = s.scalars(
            select(Scoring).where(Scoring.citizen_id == citizen.id, Scoring.instrument == "ORS")
        ).first()
        edit_scoring(
            s,
            worker,
            scoring,
            {
                "scored_on": scoring.scored_on,
                "participation": "together",
                "worker_note": "Rettet – æøå “citat”",
            },
            {i.item: i.value for i in scoring.items},
            today=TODAY,
        )
        add_comment(
            s,
            borger,
            citizen,
            scoring,
            "Jeg var glad den dag",
        )
        decline(s, borger, citizen, "REM", "For mange spørgsmål")
        other = s.scalars(select(Citizen).where(Citizen.id != citizen.id)).first()
        invite(s, worker, other, "ny@borger.dk", now=datetime(2026, 11, 1, 9, tzinfo=UTC))
        log_access(s, worker, citizen.id, "borgerside", "/borgere/1")
        api_tokens.create_personal(s, worker, "Min nøgle", ["read:citizens"], 30, utcnow())
        api_tokens.create_service(
            s, None, "Nexus", ["read:citizens"], [citizen.team_id], 30, utcnow()
        )
        s.commit()
        run_daily(s, TODAY, datetime(2026, 11, 23, 5, tzinfo=UTC))
        s.commit()


def _export(app, folder: Path) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["bostotte", "export", str(folder)])
        db.session.remove()
    assert result.exit_code == 0, result.output
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _import(app, folder: Path):  # type: ignore[no-untyped-def]
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["bostotte", "import", str(folder)])
        db.session.remove()
    return result


def _exported_reads(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        n = db.session.scalar(select(func.count()).where(AccessLog.what == EXPORT_WHAT))
        db.session.remove()
    return int(n or 0)


def _count(app, table: str) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        n = db.session.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()  # noqa: S608
        db.session.remove()
    return int(n)


def test_round_trip_gives_the_same_bytes_and_a_second_import_changes_nothing(databases, tmp_path):
    source = databases()
    _fill(source)
    first = _export(source, tmp_path / "ud1")
    assert {
        "teams.csv",
        "citizens.csv",
        "goals.csv",
        "scorings.csv",
        "alle/manifest.json",
        "alle/scoring_revisions.jsonl",
        "alle/access_log.jsonl",
    } <= set(first)
    with source.app_context():  # every table, every row, every column but the secrets
        for table in complete.tables():
            lines = first[f"alle/{table.name}.jsonl"].decode().splitlines()
            # the export logs its reads after the files: the log as it stood before
            logged = _exported_reads(source) if table.name == "access_log" else 0
            assert len(lines) == _count(source, table.name) - logged, table.name
            if lines:
                assert set(json.loads(lines[0])) == {
                    c.name for c in table.columns
                } - complete.SECRET_COLUMNS.get(table.name, set())
    for name in (
        "alle/scoring_revisions.jsonl",
        "alle/goal_revisions.jsonl",  # the demo's carried-over and closed goals
        "alle/scoring_comments.jsonl",
        "alle/scoring_declines.jsonl",
        "alle/invitations.jsonl",
        "alle/reminders.jsonl",
        "alle/digest_log.jsonl",
        "alle/access_log.jsonl",
    ):
        assert first[name].strip(), name  # each kind of record is really in it

    target = databases()
    result = _import(target, tmp_path / "ud1")
    assert result.exit_code == 0, result.output
    second = _export(target, tmp_path / "ud2")
    assert second == first  # byte for byte, every file

    before = {t: _count(source, t) for t in ("citizens", "goals", "scorings", "users")}
    again = _import(source, tmp_path / "ud1")  # into the database it came from
    assert again.exit_code == 0, again.output
    counted = [line for line in again.output.splitlines() if " nye, " in line]
    assert counted and all(": 0 nye, " in line for line in counted), again.output
    assert {t: _count(source, t) for t in before} == before


def test_no_secret_leaves(databases, tmp_path):
    source = databases()
    _fill(source)
    files = _export(source, tmp_path / "ud")
    everything = b"".join(files.values())
    assert b"argon2" not in everything and b"password_hash" not in everything
    assert b"token_hash" not in everything and b"totp" not in everything
    assert "alle/user_sessions.jsonl" not in files and "alle/recovery_codes.jsonl" not in files
    assert "alle/api_tokens.jsonl" not in files and b"bst_" not in everything


def test_a_damaged_or_conflicting_folder_changes_nothing(databases, tmp_path):
    source = databases()
    _fill(source)
    _export(source, tmp_path / "ud")
    goals = tmp_path / "ud" / "alle" / "goals.jsonl"
    original = goals.read_text(encoding="utf-8")
    goals.write_text(original.replace("post", "POST", 1), encoding="utf-8")
    target = databases()
    result = _import(target, tmp_path / "ud")
    assert result.exit_code == 1 and "passer ikke med manifestet" in result.output
    assert _count(target, "citizens") == 0 and _count(target, "teams") == 0

    goals.write_text(original, encoding="utf-8")
    with source.app_context():  # the source changes after the export
        db.session.execute(
            text(
                "UPDATE goals SET specific = 'Ændret efter eksporten' "
                "WHERE id = (SELECT min(id) FROM goals)"
            )
        )
        db.session.commit()
    citizens = _count(source, "citizens")
    result = _import(source, tmp_path / "ud")
    assert result.exit_code == 1 and "findes allerede med andre værdier" in result.output
    assert _count(source, "citizens") == citizens


def test_moving_from_sqlite_to_postgresql_is_export_then_import(app, databases, tmp_path):
    if make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "postgresql":
        pytest.skip("the move to PostgreSQL runs in the suite's PostgreSQL run")
    source = databases("sqlite")
    _fill(source)
    first = _export(source, tmp_path / "fra-sqlite")
    target = databases("postgresql")
    result = _import(target, tmp_path / "fra-sqlite")
    assert result.exit_code == 0, result.output
    assert _export(target, tmp_path / "fra-postgresql") == first
    with target.app_context():  # and the new database takes new rows after the moved ones
        top = db.session.scalar(select(func.max(Citizen.id)))
        db.session.execute(text("INSERT INTO teams (name, is_demo) VALUES ('Nyt team', false)"))
        new_id = db.session.execute(text("SELECT max(id) FROM teams")).scalar()
        db.session.commit()
        assert top and new_id > 2
