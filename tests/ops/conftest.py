"""gunicorn started as the README's Drift section runs it, for the ops and deploy tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask_migrate import upgrade

from bostotte import create_app
from bostotte.config import PROJECT_ROOT

VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def lasting_folder() -> Iterator[Path]:
    """A folder production accepts for SQLite (never under /tmp, where a checkout may
    be), removed afterwards."""
    folder = Path.home() / ".cache" / "bostotte-tests" / f"ops-{os.getpid()}"
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    for file in folder.iterdir():
        file.unlink()
    folder.rmdir()


class Gunicorn:
    """A gunicorn process serving bostotte with deploy/gunicorn.conf.py on a port."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.log: str | None = None
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", str(PROJECT_ROOT / "deploy/gunicorn.conf.py")],
            env={
                **os.environ,
                "BOSTOTTE_BIND": f"127.0.0.1:{port}",
                "BOSTOTTE_WORKERS": "2",
                **env,
            },
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait(self) -> Gunicorn:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn stopped: {self.process.communicate()[1][-2000:]}")
            try:
                requests.get(f"{self.base}/healthz", timeout=5)
                return self
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer in 60 s: {self.stop()[-2000:]}")

    def stop(self) -> str:
        """Stop it; returns what it wrote to standard error (the JSON log lines)."""
        if self.log is None:
            self.process.terminate()
            self.log = self.process.communicate(timeout=30)[1]
        return self.log


def start_gunicorn(env: dict[str, str], port: int) -> Gunicorn:
    return Gunicorn(env, port).wait()


@pytest.fixture()
def gunicorn_server(lasting_folder: Path) -> Iterator[Any]:
    """gunicorn_server(**settings) -> Gunicorn: deploy/gunicorn.conf.py in production mode
    on a migrated SQLite file."""
    started: list[Gunicorn] = []

    def start(**settings: str | bool) -> Gunicorn:
        db_file = lasting_folder / "bostotte.db"
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_file}", "TESTING": True})
        with app.app_context():
            upgrade(revision="heads")
        port = free_port()
        env = {
            "BOSTOTTE_ENV": "production",
            "SECRET_KEY": "gunicorn-test",
            "BOSTOTTE_SECURE_COOKIES": "1",
            "BOSTOTTE_DATABASE_URL": f"sqlite:///{db_file}",
            **{
                f"BOSTOTTE_{k}": ("1" if v is True else "0" if v is False else v)
                for k, v in settings.items()
            },
        }
        server = start_gunicorn(env, port)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
