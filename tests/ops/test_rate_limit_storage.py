"""The rate limits across gunicorn's processes (README, "Drift"): memory:// counts in each
process, so with several workers a per-user limit lets workers × the limit through.
Production says so at start-up; redis:// (RATELIMIT_STORAGE_URI) counts once for all. The
suite needs no Redis."""

from __future__ import annotations

import re

import pytest
import requests
from flask_migrate import upgrade

from bostotte import create_app
from bostotte.auth.models import Role
from bostotte.config import web_workers
from bostotte.extensions import db
from bostotte.ops import production
from tests import factories as make
from tests.ops.conftest import free_port, start_gunicorn

PASSWORD = "Redis-deler-graenserne-2026"

GUNICORN = {"SERVER_SOFTWARE": "gunicorn/27.0.1"}


@pytest.mark.parametrize(
    ("storage", "env", "warned"),
    [
        ("memory://", {**GUNICORN, "BOSTOTTE_WORKERS": "4"}, True),
        (None, {**GUNICORN, "BOSTOTTE_WORKERS": "2"}, True),  # memory:// is the default
        ("redis://127.0.0.1:6379", {**GUNICORN, "BOSTOTTE_WORKERS": "4"}, False),
        ("memory://", {**GUNICORN, "BOSTOTTE_WORKERS": "1"}, False),  # one process counts all
        ("memory://", {"BOSTOTTE_WORKERS": "4"}, False),  # not the web: the scheduler, a command
    ],
)
def test_production_warns_of_per_process_limits_under_several_workers(storage, env, warned):
    found = production.warnings({"RATELIMIT_STORAGE_URI": storage}, env)
    assert len(found) == int(warned)
    if warned:
        n = env["BOSTOTTE_WORKERS"]
        assert (
            f"hver af de {n} processer" in found[0] and "RATELIMIT_STORAGE_URI=redis://" in found[0]
        )
        assert " / " in found[0]  # Danish / English, as the refusals


def test_the_workers_are_counted_as_gunicorn_counts_them(monkeypatch):
    assert web_workers({"BOSTOTTE_WORKERS": "3"}) == 3
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert web_workers({}) == 5
    monkeypatch.setattr("os.cpu_count", lambda: 16)
    assert web_workers({}) == 8


def test_gunicorn_in_production_with_memory_limits_says_so_at_start(lasting_folder):
    """deploy/gunicorn.conf.py with 2 workers (tests/ops/conftest.py) and the default
    storage: the start-up log has the warning; the service runs."""
    db_file = lasting_folder / "limits.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_file}", "TESTING": True})
    with app.app_context():
        upgrade(revision="heads")
    env = {
        "BOSTOTTE_ENV": "production",
        "SECRET_KEY": "gunicorn-test",
        "BOSTOTTE_SECURE_COOKIES": "1",
        "BOSTOTTE_DATABASE_URL": f"sqlite:///{db_file}",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    server = start_gunicorn(env, free_port())
    log = server.stop()
    assert log.count("rate limits are counted per process (2 workers)") == 1 * 2  # per worker


def _redis_url() -> str | None:
    """Redis on this machine, if it answers (the suite never needs it)."""
    url = "redis://127.0.0.1:6379/15"
    try:
        import redis  # noqa: PLC0415 (only for this check)

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 (no client, no server: the test is skipped)
        return None
    return url


def test_with_redis_the_download_limit_holds_across_the_workers(lasting_folder):
    """Two gunicorn workers counting in Redis: her 11th download in a minute is refused,
    whichever process answers it (in memory:// each process would let 10 through)."""
    url = _redis_url()
    if url is None:
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    import redis  # noqa: PLC0415 (present: _redis_url found it)

    redis.Redis.from_url(url).flushdb()
    db_file = lasting_folder / "redis-limits.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_file}", "TESTING": True})
    with app.app_context():
        upgrade(revision="heads")
        w = make.world(db.session)
        email = make.user(db.session, Role.CITIZEN, password=PASSWORD, citizen_id=w.c2.id).email
        db.session.commit()
    env = {
        "SECRET_KEY": "gunicorn-test",
        "BOSTOTTE_SECURE_COOKIES": "0",  # plain HTTP on loopback
        "BOSTOTTE_DATABASE_URL": f"sqlite:///{db_file}",
        "RATELIMIT_STORAGE_URI": url,
    }
    server = start_gunicorn(env, free_port())
    try:
        statuses = []
        for _ in range(11):
            her = requests.Session()  # a new connection each time: any worker may answer
            page = her.get(f"{server.base}/login", timeout=30).text
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
            assert token is not None
            r = her.post(
                f"{server.base}/login",
                data={"csrf_token": token.group(1), "email": email, "password": PASSWORD},
                timeout=30,
            )
            assert r.status_code == 200 and r.url.endswith("/mig"), r.url
            statuses.append(her.get(f"{server.base}/mig/mine-data.json", timeout=60).status_code)
    finally:
        log = server.stop()
    assert statuses == [200] * 10 + [429], statuses
    assert "Traceback" not in log
