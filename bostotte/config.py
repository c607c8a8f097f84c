"""Settings from environment variables, with safe defaults."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into instance/.

    Keeps secrets out of the repository while letting `make run` work with no setup.
    """
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_config(instance_path: Path) -> dict[str, object]:
    db_url = os.environ.get("BOSTOTTE_DATABASE_URL") or (
        f"sqlite:///{instance_path / 'bostotte.db'}"
    )
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": normalise_db_url(db_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("BOSTOTTE_SECURE_COOKIES", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,  # token lives as long as the session
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "BOSTOTTE_MIN_CELL": int(os.environ.get("BOSTOTTE_MIN_CELL", "5")),
        # Reminders: "embedded" starts the daily job inside the web process (`make run`);
        # production runs `flask bostotte scheduler` as its own process instead.
        "BOSTOTTE_SCHEDULER": os.environ.get("BOSTOTTE_SCHEDULER", ""),
        # Digest mails: SMTP when a host is set, else .eml files in the outbox folder.
        "BOSTOTTE_SMTP_HOST": os.environ.get("BOSTOTTE_SMTP_HOST", ""),
        "BOSTOTTE_SMTP_PORT": int(os.environ.get("BOSTOTTE_SMTP_PORT") or "587"),
        "BOSTOTTE_SMTP_USER": os.environ.get("BOSTOTTE_SMTP_USER", ""),
        "BOSTOTTE_SMTP_PASSWORD": os.environ.get("BOSTOTTE_SMTP_PASSWORD", ""),
        "BOSTOTTE_SMTP_FROM": os.environ.get("BOSTOTTE_SMTP_FROM", "Bostøtte <bostotte@localhost>"),
        "BOSTOTTE_OUTBOX": os.environ.get("BOSTOTTE_OUTBOX", str(instance_path / "outbox")),
        "BOSTOTTE_BASE_URL": os.environ.get("BOSTOTTE_BASE_URL", "http://127.0.0.1:5000"),
    }


def normalise_db_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use the psycopg 3 driver we ship."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url
