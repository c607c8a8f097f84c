"""What the web and load parts share: gunicorn with the project's settings on a free loopback
port, their setup in a child process, and the databases they run on."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(port: int, path: str, cookie: str | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Server:
    """gunicorn under deploy/gunicorn.conf.py with `workers` workers (the app: bostotte, or
    `app`), on a free loopback port, up once `ready_path` answers."""

    def __init__(
        self,
        env: dict[str, str],
        log: Path,
        *,
        workers: int,
        app: str | None = None,
        ready_path: str = "/healthz",
        wait: float = 90,
    ) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", *([app] if app else [])],
                cwd=ROOT,
                env={
                    **os.environ,
                    **env,
                    "BOSTOTTE_BIND": f"127.0.0.1:{self.port}",
                    "BOSTOTTE_WORKERS": str(workers),
                    "BOSTOTTE_LOG_LEVEL": "warning",
                },
                stdout=out,
                stderr=out,
            )
        deadline = time.monotonic() + wait
        while True:
            try:
                get(self.port, ready_path)
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    sys.exit(f"gunicorn ({app or 'bostotte'}) did not start:\n{self.tail()}")
                time.sleep(0.2)

    def tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)


def setup_child(module: str, name: str, url: str, folder: Path) -> dict[str, Any]:
    """`python -m <module> setup <url> <folder>` (a fresh process, as gunicorn will be): the
    JSON its last line prints."""
    return module_child(module, ["setup", url, str(folder)], f"{module} setup on {name}")


def module_child(module: str, args: list[str], what: str) -> dict[str, Any]:
    """`python -m <module> <args>` in a process of its own (its memory and caches its
    own): the JSON its last line prints; the bench stops with its error otherwise."""
    result = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"{what} failed:\n{result.stderr[-3000:]}")
    out: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return out


def _recreate(pg_admin: str, pg_name: str, *, create: bool) -> None:
    with psycopg.connect(pg_admin, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{pg_name}"')


def drop(found: list[tuple[str, str]], pg_admin: str, pg_name: str) -> None:
    """Drop the PostgreSQL database `databases()` made, if it made one."""
    if len(found) > 1:
        _recreate(pg_admin, pg_name, create=False)


def databases(work: Path, pg_admin: str, pg_name: str) -> list[tuple[str, str]]:
    """An SQLite file in `work`, and a fresh PostgreSQL database `pg_name` when the server
    answers (without it the SQLite run still runs)."""
    found = [("SQLite", f"sqlite:///{work / (pg_name + '.db')}")]
    try:
        _recreate(pg_admin, pg_name, create=True)
        found.append(("PostgreSQL", pg_admin.rsplit("/", 1)[0] + "/" + pg_name))
    except Exception as exc:  # noqa: BLE001
        print(f"PostgreSQL not available ({exc}); SQLite only")
    return found
