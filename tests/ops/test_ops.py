"""Running it: /healthz and /readyz, the production start-up checks, JSON request logs, and
gunicorn started with deploy/gunicorn.conf.py."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from bostotte import create_app
from bostotte.api import tokens
from bostotte.common.time import utcnow
from bostotte.ops import production, services
from bostotte.ops.services import SCHEDULER, beat

VENV_BIN = Path(sys.executable).parent


def test_healthz_answers_without_a_login_or_the_database(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json == {"status": "ok"}


def test_readyz_needs_the_database_the_migrations_and_a_recent_scheduler(client, session):
    r = client.get("/readyz")
    assert r.status_code == 503 and r.json["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "scheduler": "never ran",
    }
    beat(session, SCHEDULER, utcnow() - timedelta(hours=27))
    session.commit()
    r = client.get("/readyz")
    assert r.status_code == 503 and r.json["checks"]["scheduler"].startswith("last ran")
    beat(session, SCHEDULER, utcnow() - timedelta(hours=25))
    session.commit()
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "scheduler": "ok"},
    }


def test_readyz_tells_a_database_behind_the_code(app, client, session, monkeypatch):
    monkeypatch.setattr(services, "migration_heads", lambda: frozenset({"a-newer-revision"}))
    beat(session, SCHEDULER, utcnow())
    session.commit()
    r = client.get("/readyz")
    assert r.status_code == 503 and r.json["checks"]["migrations"] == "not at head"


def test_readyz_tells_an_unreachable_database(app):
    broken = create_app(
        {**app.config, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    )
    r = broken.test_client().get("/readyz")
    assert r.status_code == 503 and r.json["checks"]["database"] == "unreachable"


def _production(tmp_path, **over):  # type: ignore[no-untyped-def]
    config = {
        "SESSION_COOKIE_SECURE": True,
        "BOSTOTTE_DEMO_MODE": False,
        "BOSTOTTE_SCHEDULER": "",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/b.db",
    }
    return {**config, **over}


@pytest.mark.parametrize(
    ("over", "env", "words"),
    [
        ({}, {}, "SECRET_KEY mangler"),
        ({"SESSION_COOKIE_SECURE": False}, {"SECRET_KEY": "k"}, "BOSTOTTE_SECURE_COOKIES=1"),
        ({"BOSTOTTE_DEMO_MODE": True}, {"SECRET_KEY": "k"}, "Demo-tilstand"),
        ({"BOSTOTTE_SCHEDULER": "embedded"}, {"SECRET_KEY": "k"}, "flask bostotte scheduler"),
        (
            {"SQLALCHEMY_DATABASE_URI": "sqlite:////tmp/bostotte.db"},
            {"SECRET_KEY": "k"},
            "ikke et varigt sted",
        ),
        ({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, {"SECRET_KEY": "k"}, "ikke et varigt sted"),
        (
            {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"},
            {"SECRET_KEY": "k"},
            "Databasen svarer ikke",
        ),
    ],
)
def test_production_refuses_unsafe_settings_one_line_each(tmp_path, over, env, words):
    found = production.problems(_production(Path.home(), **over), env)
    assert len(found) == 1 and words in found[0] and " / " in found[0]


def test_production_accepts_safe_settings(tmp_path):
    home_db = Path.home() / f"bostotte-check-{os.getpid()}.db"
    try:
        assert (
            production.problems(
                _production(Path.home(), SQLALCHEMY_DATABASE_URI=f"sqlite:///{home_db}"),
                {"SECRET_KEY": "k"},
            )
            == []
        )
    finally:
        home_db.unlink(missing_ok=True)


def test_the_flask_command_refuses_to_start_in_production_with_reasons(tmp_path):
    env = {
        **os.environ,
        "BOSTOTTE_ENV": "production",
        "BOSTOTTE_DATABASE_URL": "sqlite://",
        "BOSTOTTE_SECURE_COOKIES": "0",  # secure by default: turned off to see the reason
    }
    env.pop("SECRET_KEY", None)
    done = subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "bostotte", "routes"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode != 0
    assert "bostotte starter ikke / will not start" in done.stderr
    assert "SECRET_KEY mangler" in done.stderr and "BOSTOTTE_SECURE_COOKIES=1" in done.stderr


def test_a_request_is_one_json_line_with_no_personal_data(app, login_as, w, caplog):
    app.config["BOSTOTTE_LOG_FORMAT"] = "json"
    with caplog.at_level(logging.INFO, logger="bostotte.requests"):
        r = login_as(w.w1).get(
            f"/borgere?q={w.c1.display_name}", headers={"X-Request-Id": "proxy-123"}
        )
        login_as(w.w1).get(f"/borgere/{w.c1.id}")
    assert r.headers["X-Request-Id"] == "proxy-123"
    first, second = (rec for rec in caplog.records if rec.name == "bostotte.requests")
    assert (first.request_id, first.user_id, first.route, first.status) == (
        "proxy-123",
        w.w1.id,
        "/borgere",
        200,
    )
    assert second.route == "/borgere/<int:citizen_id>" and second.duration_ms >= 0
    for record in (first, second):
        assert w.c1.display_name not in json.dumps(record.__dict__, default=str)


def test_gunicorn_serves_it_with_the_repository_settings(gunicorn_server):
    """deploy/gunicorn.conf.py as the README's Drift section runs it, in production mode
    on a migrated SQLite file: /healthz answers and the log lines are JSON."""
    server = gunicorn_server(PROXY_FIX=False)
    r = requests.get(f"{server.base}/healthz", timeout=5)
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    assert requests.get(f"{server.base}/readyz", timeout=5).json()["checks"]["migrations"] == "ok"
    lines = [json.loads(line) for line in server.stop().splitlines() if line.startswith("{")]
    assert any(line.get("route") == "/healthz" and line.get("status") == 200 for line in lines)


def test_an_api_request_is_logged_as_its_tokens_user(app, w, session, caplog):
    _, secret = tokens.create_personal(session, w.w1, "Regneark", ["read:citizens"], 30, utcnow())
    session.commit()
    with caplog.at_level(logging.INFO, logger="bostotte.requests"):
        app.test_client().get("/api/v1/teams", headers={"Authorization": f"Bearer {secret}"})
    [record] = (rec for rec in caplog.records if rec.name == "bostotte.requests")
    assert (record.user_id, record.route, record.status) == (w.w1.id, "/api/v1/teams", 200)
