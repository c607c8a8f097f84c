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
    """A folder production accepts for SQLite (not /tmp), removed afterwards."""
    folder = PROJECT_ROOT / "test-output" / f"ops-{os.getpid()}"
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    for file in folder.iterdir():
        file.unlink()
    folder.rmdir()


@pytest.fixture()
def gunicorn_server(lasting_folder: Path) -> Iterator[Any]:
    """gunicorn_server(**settings) -> (base URL, process): gunicorn with
    deploy/gunicorn.conf.py in production mode on a migrated SQLite file."""
    started: list[subprocess.Popen[str]] = []

    def start(**settings: str | bool) -> tuple[str, subprocess.Popen[str]]:
        db_file = lasting_folder / "bostotte.db"
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_file}", "TESTING": True})
        with app.app_context():
            upgrade(revision="heads")
        port = free_port()
        env = {
            **os.environ,
            "BOSTOTTE_ENV": "production",
            "SECRET_KEY": "gunicorn-test",
            "BOSTOTTE_SECURE_COOKIES": "1",
            "BOSTOTTE_DATABASE_URL": f"sqlite:///{db_file}",
            "BOSTOTTE_BIND": f"127.0.0.1:{port}",
            "BOSTOTTE_WORKERS": "2",
            **{
                f"BOSTOTTE_{k}": ("1" if v is True else "0" if v is False else v)
                for k, v in settings.items()
            },
        }
        server = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", str(PROJECT_ROOT / "deploy/gunicorn.conf.py")],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(server)
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            if server.poll() is not None:
                raise AssertionError(f"gunicorn stopped: {server.communicate()[1][-2000:]}")
            try:
                requests.get(f"{base}/healthz", timeout=10)
                return base, server
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        raise AssertionError("gunicorn did not answer")

    yield start
    for server in started:
        if server.poll() is None:
            server.terminate()
            server.communicate(timeout=30)
