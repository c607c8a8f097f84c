"""Settings from environment variables, with safe defaults."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

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
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,  # token lives as long as the session
        # Where the rate limits count (README, "Drift"): memory:// counts in each process, so
        # under gunicorn's N workers a limit lets N times through; redis:// counts once for
        # all of them (production warns about memory:// with several workers). If Redis
        # stops answering, each process counts for itself meanwhile rather than failing.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": False,  # a 429's Retry-After: extensions.retry_after
        "BOSTOTTE_MIN_CELL": int(os.environ.get("BOSTOTTE_MIN_CELL", "5")),
        # Requests per API token (Flask-Limiter's notation); above it: 429 with Retry-After.
        "BOSTOTTE_API_RATE_LIMIT": os.environ.get("BOSTOTTE_API_RATE_LIMIT", "600/minute"),
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
        **identity_settings(os.environ),
        **operations_settings(os.environ),
    }


def operations_settings(env: Mapping[str, str]) -> dict[str, object]:
    """Running it (README, "Drift")."""
    production = env.get("BOSTOTTE_ENV", "") == "production"
    return {
        # production: refuse to start on unsafe settings (bostotte/ops/production.py)
        "BOSTOTTE_ENV": "production" if production else "development",
        "BOSTOTTE_LOG_FORMAT": env.get("BOSTOTTE_LOG_FORMAT") or ("json" if production else "text"),
        # Retention: citizens anonymised this long after their indsats ended; the access
        # log's own rows deleted after this many years.
        "BOSTOTTE_RETENTION_YEARS": int(env.get("BOSTOTTE_RETENTION_YEARS") or "5"),
        "BOSTOTTE_ACCESS_LOG_YEARS": int(env.get("BOSTOTTE_ACCESS_LOG_YEARS") or "5"),
        # Trust X-Forwarded-For/-Proto/-Host from one reverse proxy in front (and only then).
        "BOSTOTTE_PROXY_FIX": _flag(env, "BOSTOTTE_PROXY_FIX", False),
    }


def web_workers(env: Mapping[str, str]) -> int:
    """gunicorn's worker processes (deploy/gunicorn.conf.py): BOSTOTTE_WORKERS, else two per
    core and one, up to 8."""
    return int(env.get("BOSTOTTE_WORKERS") or min(2 * (os.cpu_count() or 1) + 1, 8))


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name)
    return default if value is None or value == "" else value.strip().lower() in TRUE


TRUE = {"1", "true", "yes", "ja", "on"}


def _json(env: Mapping[str, str], name: str) -> dict[str, Any]:
    try:
        value = json.loads(env.get(name) or "{}")
    except json.JSONDecodeError as exc:
        raise SystemExit(f"{name} er ikke gyldig JSON ({exc.msg}) / is not valid JSON") from None
    if not isinstance(value, dict):
        raise SystemExit(f"{name} skal være et JSON-objekt / must be a JSON object")
    return value


def identity_settings(env: Mapping[str, str]) -> dict[str, object]:
    """Logins, sessions and the identity providers (README, "Log ind")."""
    demo = _flag(env, "BOSTOTTE_DEMO_MODE", False)
    # Cookies only over HTTPS, and browsers told to use nothing else (HSTS), unless turned
    # off: `make run`'s demo on http://127.0.0.1 turns them off with BOSTOTTE_DEMO_MODE.
    https = _flag(env, "BOSTOTTE_SECURE_COOKIES", not demo)
    return {
        # `make run` serves the demo with local logins and no second factor.
        "BOSTOTTE_DEMO_MODE": demo,
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SECURE": https,
        "BOSTOTTE_HSTS": https,
        # The defaults of what the administrator can change on the admin page.
        "BOSTOTTE_REQUIRE_TOTP": _flag(env, "BOSTOTTE_REQUIRE_TOTP", not demo),
        "BOSTOTTE_CITIZEN_PASSWORD_LOGIN": _flag(env, "BOSTOTTE_CITIZEN_PASSWORD_LOGIN", True),
        # Leaders see aggregates only unless the municipality lets them read records (issue 24).
        "BOSTOTTE_LEADER_READS_RECORDS": _flag(env, "BOSTOTTE_LEADER_READS_RECORDS", False),
        # Sessions end after this long without a request, and after 12 hours in any case.
        "BOSTOTTE_IDLE_MINUTES_STAFF": int(env.get("BOSTOTTE_IDLE_MINUTES_STAFF") or "30"),
        "BOSTOTTE_IDLE_MINUTES_CITIZEN": int(env.get("BOSTOTTE_IDLE_MINUTES_CITIZEN") or "15"),
        "BOSTOTTE_SESSION_HOURS": int(env.get("BOSTOTTE_SESSION_HOURS") or "12"),
        # Staff single sign-on (OpenID Connect) against the municipality's own provider.
        "BOSTOTTE_OIDC_ISSUER": env.get("BOSTOTTE_OIDC_ISSUER", "").rstrip("/"),
        "BOSTOTTE_OIDC_CLIENT_ID": env.get("BOSTOTTE_OIDC_CLIENT_ID", ""),
        "BOSTOTTE_OIDC_CLIENT_SECRET": env.get("BOSTOTTE_OIDC_CLIENT_SECRET", ""),
        "BOSTOTTE_OIDC_SUBJECT_CLAIM": env.get("BOSTOTTE_OIDC_SUBJECT_CLAIM", "sub"),
        "BOSTOTTE_OIDC_REQUIRE_MFA": _flag(env, "BOSTOTTE_OIDC_REQUIRE_MFA", False),
        "BOSTOTTE_OIDC_GROUPS_CLAIM": env.get("BOSTOTTE_OIDC_GROUPS_CLAIM", "groups"),
        # JSON: {"<group>": {"role": "mestringsvejleder", "team": "Team Nord"}, ...}; when
        # set, an unknown subject in a mapped group is created, and role and teams follow
        # the groups at every login.
        "BOSTOTTE_OIDC_GROUP_ROLES": _json(env, "BOSTOTTE_OIDC_GROUP_ROLES"),
        # Citizens: MitID through an OpenID Connect broker (NemLog-in, Signaturgruppen …).
        "BOSTOTTE_MITID_ISSUER": env.get("BOSTOTTE_MITID_ISSUER", "").rstrip("/"),
        "BOSTOTTE_MITID_CLIENT_ID": env.get("BOSTOTTE_MITID_CLIENT_ID", ""),
        "BOSTOTTE_MITID_CLIENT_SECRET": env.get("BOSTOTTE_MITID_CLIENT_SECRET", ""),
        "BOSTOTTE_MITID_SUBJECT_CLAIM": env.get("BOSTOTTE_MITID_SUBJECT_CLAIM", "sub"),
        "BOSTOTTE_MITID_LOA_CLAIM": env.get(
            "BOSTOTTE_MITID_LOA_CLAIM", "https://data.gov.dk/concept/core/nsis/loa"
        ),
    }


def normalise_db_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use the psycopg 3 driver we ship."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url
