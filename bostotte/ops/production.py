"""BOSTOTTE_ENV=production refuses to start on settings that would lose data or expose it,
each with a one-line reason in Danish and English."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bostotte.config import web_workers

# Folders whose contents do not survive a reboot (or are shared with everyone).
NOT_PERSISTENT = ("/tmp", "/var/tmp", "/dev/shm", "/run")


def problems(config: Mapping[str, Any], env: Mapping[str, str]) -> list[str]:
    found = []
    if not env.get("SECRET_KEY"):
        found.append("SECRET_KEY mangler i miljøet / SECRET_KEY is not set in the environment")
    if not config.get("SESSION_COOKIE_SECURE"):
        found.append(
            "Cookies sendes uden HTTPS: sæt BOSTOTTE_SECURE_COOKIES=1 / "
            "cookies are not secure: set BOSTOTTE_SECURE_COOKIES=1"
        )
    if config.get("BOSTOTTE_DEMO_MODE"):
        found.append("Demo-tilstand er slået til (BOSTOTTE_DEMO_MODE) / demo mode is on")
    if config.get("BOSTOTTE_SCHEDULER") == "embedded":
        found.append(
            "Webprocesserne må ikke køre jobs: kør `flask bostotte scheduler` for sig / "
            "web processes must not run jobs: run `flask bostotte scheduler` on its own"
        )
    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and not _persistent(url.database):
        found.append(
            f"SQLite-filen ligger ikke et varigt sted ({url.database or ':memory:'}) / "
            "the SQLite file is not in a persistent place"
        )
    elif (reason := _unreachable(config["SQLALCHEMY_DATABASE_URI"])) is not None:
        found.append(f"Databasen svarer ikke ({reason}) / the database does not answer")
    return found


def warnings(config: Mapping[str, Any], env: Mapping[str, str]) -> list[str]:
    """Settings that work but not as meant, for the start-up log: the rate limits kept in
    each process's memory while gunicorn runs several (a per-user limit then lets workers
    × the limit through)."""
    found = []
    under_gunicorn = env.get("SERVER_SOFTWARE", "").startswith("gunicorn")
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if under_gunicorn and storage.startswith("memory://") and (n := web_workers(env)) > 1:
        found.append(
            f"Grænserne for downloads og API tælles i hver af de {n} processer for sig: "
            "sæt RATELIMIT_STORAGE_URI=redis://… / rate limits are counted per process "
            f"({n} workers): set RATELIMIT_STORAGE_URI=redis://…"
        )
    return found


def _persistent(database: str | None) -> bool:
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return False
    path = Path(database).resolve()
    return not any(path.is_relative_to(folder) for folder in NOT_PERSISTENT)


def _unreachable(url: str) -> str | None:
    args = {"connect_timeout": 5} if url.startswith("postgresql") else {}
    engine = create_engine(url, connect_args=args)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        return type(getattr(error, "orig", None) or error).__name__
    finally:
        engine.dispose()
    return None
