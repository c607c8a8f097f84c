"""An upgrade from the previous release's head on a database full of data: every row is
still there afterwards and the pages work on it. (The previous release: g3covering01,
wave 1's head, before sessions, identities, heartbeats, API tokens and versions.)

Two fillings: the demo (every kind of record the product makes, by its own services) and
the bench's national generator at a small size (bench/generate.py, imported as
`flask bostotte import` does: the volume and shape a municipality's import brings).
`make bench` (BENCH_ONLY=upgrade) runs the same upgrade on the bench's full databases.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from bench.generate import generate
from bostotte import create_app
from bostotte.auth.models import Role, User
from bostotte.citizens.models import Citizen
from bostotte.common.db import analyze
from bostotte.demo.services import load_demo
from bostotte.extensions import db
from bostotte.imports.services import import_folder
from tests import factories
from tests.conftest import login

PREVIOUS_HEAD = "g3covering01"
TABLES = (
    "teams",
    "users",
    "citizens",
    "plans",
    "goals",
    "subgoals",
    "subgoal_notes",
    "scorings",
    "scoring_items",
)
TODAY = date(2026, 11, 23)


def _counts() -> dict[str, int]:
    return {
        t: db.session.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()  # noqa: S608
        for t in TABLES
    }


def _demo(session: Session, _: Path) -> None:
    load_demo(session, TODAY)


def _bench(session: Session, tmp_path: Path) -> None:
    folder = tmp_path / "bench"
    generate(folder, 120)
    import_folder(session, folder, TODAY)
    session.commit()
    analyze(session)


@pytest.mark.parametrize("fill", [_demo, _bench], ids=["demo", "bench"])
def test_upgrading_a_full_database_from_the_previous_head(
    empty_database_url: str, tmp_path: Path, fill: Callable[[Session, Path], None]
) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True})
    with app.app_context():
        upgrade(revision="heads")
        fill(db.session, tmp_path)
        db.session.commit()
        before = _counts()
        assert before["citizens"] >= 40 and before["scoring_items"] >= 1000
        db.session.remove()  # no open transaction may hold the tables
        downgrade(revision=PREVIOUS_HEAD)  # the schema as the previous release left it
        assert "user_sessions" not in inspect(db.engine).get_table_names()
        assert _counts() == before
        db.session.remove()
        upgrade(revision="heads")
        assert _counts() == before
        assert {"user_sessions", "identities", "heartbeats", "api_tokens"} <= set(
            inspect(db.engine).get_table_names()
        )
        # Rows from before the upgrade start at version 1 and can be edited.
        assert db.session.execute(text("SELECT min(version), max(version) FROM goals")).one() == (
            1,
            1,
        )
        citizen_id = db.session.execute(text("SELECT min(id) FROM citizens")).scalar_one()
        worker = _a_worker_of(citizen_id)
        assert worker.failed_logins == 0 and worker.totp_enabled_at is None
        client = login(app.test_client(), worker)
        assert client.get(f"/borgere/{citizen_id}").status_code == 200
        assert client.get("/opgaver").status_code == 200
        db.session.remove()
        db.engine.dispose()


def _a_worker_of(citizen_id: int) -> User:
    """The citizen's primary worker (the demo sets one), else a worker made in her team
    (an import brings citizens and teams, not staff)."""
    worker_id = db.session.execute(
        text("SELECT primary_worker_id FROM citizens WHERE id = :c"), {"c": citizen_id}
    ).scalar_one()
    if worker_id is not None:
        return db.session.get_one(User, worker_id)
    citizen = db.session.get_one(Citizen, citizen_id)
    worker = factories.user(db.session, Role.WORKER, teams=[citizen.team])
    db.session.commit()
    return worker
