"""Two gunicorn servers on one PostgreSQL and two schedulers, as a municipality may run
them: a session made on one server works on the other, concurrent saves across both lose
nothing, and the daily job's mails go out once however many schedulers run it."""

from __future__ import annotations

import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
import requests
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bostotte import create_app
from bostotte.auth.models import User
from bostotte.citizens.models import Citizen
from bostotte.config import PROJECT_ROOT
from bostotte.demo.services import load_demo
from bostotte.extensions import db
from bostotte.goals.models import SubGoal, SubGoalNote
from bostotte.reminders.models import DigestLog, Reminder
from tests.ops.conftest import VENV_BIN, free_port, start_gunicorn

TODAY = date(2026, 11, 23)


@pytest.fixture()
def cluster_db(app):  # type: ignore[no-untyped-def]
    """A database of its own on the suite's PostgreSQL, with the demo in it."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        pytest.skip("two servers on one database: the suite's PostgreSQL run")
    name = f"bostotte_cluster_{os.getpid()}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    cluster_url = url.set(database=name).render_as_string(hide_password=False)
    setup = create_app({"SQLALCHEMY_DATABASE_URI": cluster_url, "TESTING": True})
    with setup.app_context():
        upgrade(revision="heads")
        load_demo(db.session, TODAY)
        db.session.commit()
        db.engine.dispose()
    yield cluster_url
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _settings(url: str, outbox: Path) -> dict[str, str]:
    return {
        "BOSTOTTE_DATABASE_URL": url,
        "SECRET_KEY": "one-key-for-the-cluster",
        "BOSTOTTE_DEMO_MODE": "1",
        "BOSTOTTE_OUTBOX": str(outbox),
        "BOSTOTTE_SMTP_HOST": "",
    }


def _csrf(session: requests.Session, url: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', session.get(url, timeout=10).text)
    assert match, url
    return match.group(1)


def test_two_servers_one_database_two_schedulers(cluster_db, tmp_path):
    outbox = tmp_path / "outbox"
    env = _settings(cluster_db, outbox)
    one = start_gunicorn(env, free_port())
    two = start_gunicorn(env, free_port())
    try:
        browser = requests.Session()
        token = _csrf(browser, f"{one.base}/login")
        r = browser.post(
            f"{one.base}/login",
            data={"csrf_token": token, "email": "vejleder@demo.dk", "password": "demo1234"},
            allow_redirects=False,
            timeout=10,
        )
        assert r.status_code == 302
        assert browser.get(f"{two.base}/borgere", timeout=10).status_code == 200  # same session

        engine = create_engine(cluster_db)
        with engine.connect() as c:
            mette = c.execute(select(User.id).where(User.email == "vejleder@demo.dk")).scalar()
            citizen_id, subgoal_id = c.execute(
                select(Citizen.id, SubGoal.id)
                .join(SubGoal, SubGoal.goal.has(citizen_id=Citizen.id))
                .where(Citizen.primary_worker_id == mette)
                .limit(1)
            ).one()
            before = c.execute(select(func.count()).select_from(SubGoalNote)).scalar()
        path = f"/borgere/{citizen_id}/delmaal/{subgoal_id}/note"
        token = _csrf(browser, f"{one.base}{path}")

        def save(n: int) -> int:
            base = (one, two)[n % 2].base
            return browser.post(
                f"{base}{path}",
                data={"csrf_token": token, "noted_on": "2026-11-20", "text": f"Note nummer {n}"},
                allow_redirects=False,
                timeout=30,
            ).status_code

        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(save, range(40)))
        assert statuses == [302] * 40
        with engine.connect() as c:
            assert c.execute(select(func.count()).select_from(SubGoalNote)).scalar() == before + 40

        # Two schedulers start at once; each catches up at start-up.
        schedulers = [
            subprocess.Popen(
                [
                    str(VENV_BIN / "flask"),
                    "--app",
                    "bostotte",
                    "bostotte",
                    "reminders",
                    "run",
                    "--today",
                    TODAY.isoformat(),
                ],
                env={**os.environ, **env},
                cwd=PROJECT_ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [s.communicate(timeout=300) for s in schedulers]
        assert all(s.returncode == 0 for s in schedulers), outputs
        with engine.connect() as c:
            digests = c.execute(select(func.count()).select_from(DigestLog)).scalar()
            open_reminders = c.execute(select(func.count()).select_from(Reminder)).scalar()
        engine.dispose()
        mails = list(outbox.glob("*.eml"))
        assert digests > 0 and open_reminders > 0
        assert len(mails) == digests  # every digest claimed once and sent once
    finally:
        one.stop()
        two.stop()
