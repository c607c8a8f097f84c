"""An upgrade from the previous release's head on a database full of data: every row is
still there afterwards and the pages work on it. (The previous release: g3covering01,
the head before sessions, identities and heartbeats were added.)"""

from __future__ import annotations

from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from bostotte import create_app
from bostotte.auth.models import User
from bostotte.demo.services import load_demo
from bostotte.extensions import db
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


def _counts() -> dict[str, int]:
    return {
        t: db.session.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()  # noqa: S608
        for t in TABLES
    }


def test_upgrading_a_full_database_from_the_previous_head(empty_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True})
    with app.app_context():
        upgrade(revision="heads")
        load_demo(db.session, date(2026, 11, 23))
        db.session.commit()
        before = _counts()
        db.session.remove()  # no open transaction may hold the tables
        downgrade(revision=PREVIOUS_HEAD)  # the schema as the previous release left it
        assert "user_sessions" not in inspect(db.engine).get_table_names()
        assert _counts() == before
        db.session.remove()
        upgrade(revision="heads")
        assert _counts() == before
        assert {"user_sessions", "identities", "heartbeats"} <= set(
            inspect(db.engine).get_table_names()
        )
        worker = db.session.scalars(select(User).where(User.email == "vejleder@demo.dk")).one()
        assert worker.failed_logins == 0 and worker.totp_enabled_at is None
        client = login(app.test_client(), worker)
        citizen_id = db.session.execute(
            text("SELECT min(id) FROM citizens WHERE primary_worker_id = :w"), {"w": worker.id}
        ).scalar_one()
        assert client.get(f"/borgere/{citizen_id}").status_code == 200
        assert client.get("/opgaver").status_code == 200
        db.session.remove()
        db.engine.dispose()
