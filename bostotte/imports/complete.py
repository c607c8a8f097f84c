"""The complete, lossless export: every table as JSON lines in `<folder>/alle/`, with a
manifest, so that a municipality can move its data (SQLite to PostgreSQL, one server to
another) or keep it outside the database.

- Everything is in it: teams, staff, citizens, plans, goals, delmål and notes, scorings
  with items and revisions, the citizens' comments and declines, reminders and signals,
  targets, invitations' state, identities at the providers, settings and the access log.
  No secret is: password hashes, TOTP secrets, invitation tokens, recovery codes, sessions
  and API tokens stay behind (staff set a password or log in with single sign-on after a
  move; open invitation links die; integrations get new tokens).
- Rows keep their ids, so import → export gives the same bytes, and importing into the
  database the folder came from changes nothing (a row whose id exists must be equal;
  anything else is refused, and nothing is written).
- Both directions stream: a table is read and written a batch at a time, so memory does not
  grow with the data.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Json
from sqlalchemy import Column, Table, exists, func, insert, select, text, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import JSON, Integer

from bostotte.common.dates import window_error
from bostotte.common.db import Session
from bostotte.common.text import has_nul
from bostotte.extensions import db
from bostotte.stats import freshness

FOLDER = "alle"
FORMAT = "bostotte-komplet/1"
BATCH = 1000
# Operational state, not data: not exported.
SKIPPED_TABLES = {
    "user_sessions",
    "recovery_codes",
    "heartbeats",
    "alembic_version",
    "api_tokens",
    "api_idempotency_keys",
    "stat_data_version",  # the statistics' cache and its key (stats.snapshots)
    "stat_snapshots",
}
# Secrets (and what means nothing without them): never exported.
SECRET_COLUMNS = {
    "users": {
        "password_hash",
        "totp_secret",
        "totp_last_step",
        "totp_enabled_at",
        "failed_logins",
        "locked_until",
    },
    "invitations": {"token_hash"},
}


class CompleteImportFailed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def tables() -> list[Table]:
    return [t for t in db.metadata.sorted_tables if t.name not in SKIPPED_TABLES]


def _columns(table: Table) -> list[Column[Any]]:
    hidden = SECRET_COLUMNS.get(table.name, set())
    return [c for c in table.columns if c.name not in hidden]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot export {type(value).__name__}")


def _line(row: dict[str, Any]) -> str:
    return json.dumps(
        row, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_encode
    )


def _rows(session: Session, table: Table) -> Iterator[dict[str, Any]]:
    columns = _columns(table)
    query = select(*columns).order_by(*table.primary_key.columns)
    for row in session.execute(query.execution_options(yield_per=BATCH)):
        yield dict(zip((c.name for c in columns), row, strict=True))


def export_complete(session: Session, folder: Path) -> dict[str, int]:
    """Write every table to `<folder>/alle/<table>.jsonl` and the manifest."""
    target = folder / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    digests: dict[str, str] = {}
    for table in tables():
        path = target / f"{table.name}.jsonl"
        sha = hashlib.sha256()
        n = 0
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            for row in _rows(session, table):
                line = _line(row) + "\n"
                fh.write(line)
                sha.update(line.encode())
                n += 1
        counts[table.name], digests[table.name] = n, sha.hexdigest()
    revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    manifest = {
        "format": FORMAT,
        "schema": revision,
        "tables": {name: {"rows": counts[name], "sha256": digests[name]} for name in counts},
    }
    (target / "manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return counts


def has_complete(folder: Path) -> bool:
    return (folder / FOLDER / "manifest.json").is_file()


def _decode(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    try:
        kind = column.type.python_type
    except NotImplementedError:  # JSON and the like: as read
        return value
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is float:
        return float(value)
    return value


def _late(column: Column[Any]) -> bool:
    """A foreign key in a cycle (users.citizen_id ↔ citizens.caseworker_id): set after
    every table is in."""
    return any(fk.constraint is not None and fk.constraint.use_alter for fk in column.foreign_keys)


def _defaults_for_secrets(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """Secrets were left out; NOT NULL ones get a value that opens nothing."""
    if table.name == "invitations":
        row["token_hash"] = hashlib.sha256(secrets.token_bytes(32)).hexdigest()
    if table.name == "users":
        row["failed_logins"] = 0
    return row


@dataclass
class CompleteReport:
    inserted: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [
            f"{name}: {self.inserted.get(name, 0)} nye, {self.unchanged.get(name, 0)} uændrede"
            for name in self.inserted
        ]


def import_complete(session: Session, folder: Path) -> CompleteReport:
    """Read `<folder>/alle/` into the database: new rows inserted with their ids, existing
    ones checked equal. Raises CompleteImportFailed (the caller rolls back)."""
    source = folder / FOLDER
    manifest = _manifest(session, source)
    report = CompleteReport()
    late: list[tuple[Table, dict[str, Any]]] = []
    for table in tables():
        entry = manifest["tables"].get(table.name)
        if entry is None:
            raise CompleteImportFailed(f"Manifestet mangler tabellen {table.name}.")
        inserted, unchanged = _import_table(
            session, table, source / f"{table.name}.jsonl", entry, late
        )
        report.inserted[table.name], report.unchanged[table.name] = inserted, unchanged
    for table, values in late:
        keys = list(table.primary_key.columns)
        session.execute(
            table.update()
            .where(*(k == values[k.name] for k in keys))
            .values({k: v for k, v in values.items() if k not in {c.name for c in keys}})
        )
    _advance_sequences(session)
    freshness.changed(session)  # COPY goes round the session's flush
    return report


def _manifest(session: Session, source: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        raise CompleteImportFailed("manifest.json kan ikke læses.") from None
    if manifest.get("format") != FORMAT:
        raise CompleteImportFailed(f"Ukendt format: {manifest.get('format')!r}.")
    revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if manifest.get("schema") != revision:
        raise CompleteImportFailed(
            f"Eksporten er fra databaseversion {manifest.get('schema')}, databasen er "
            f"{revision}: opgrader den version, der eksporterede, og eksportér igen."
        )
    return dict(manifest)


def _read(path: Path, entry: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    sha, n = hashlib.sha256(), 0
    try:
        with path.open("r", encoding="utf-8", newline="\n") as fh:
            for number, line in enumerate(fh, start=1):
                sha.update(line.encode())
                n += 1
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    raise CompleteImportFailed(
                        f"{path.name} linje {number}: ikke gyldig JSON."
                    ) from None
                if isinstance(row, dict) and any(
                    isinstance(v, str) and has_nul(v) for v in row.values()
                ):
                    # No database text holds one; PostgreSQL fails the whole import.
                    raise CompleteImportFailed(
                        f"{path.name} linje {number}: et nul-tegn (NUL) kan ikke gemmes."
                    )
                yield number, row
    except UnicodeDecodeError:
        raise CompleteImportFailed(f"{path.name} linje {n + 1}: ikke UTF-8.") from None
    except OSError:
        raise CompleteImportFailed(f"{path.name} kan ikke læses.") from None
    if n != entry["rows"] or sha.hexdigest() != entry["sha256"]:
        raise CompleteImportFailed(
            f"{path.name} passer ikke med manifestet (ændret eller ufuldstændig)."
        )


def _import_table(
    session: Session,
    table: Table,
    path: Path,
    entry: dict[str, Any],
    late: list[tuple[Table, dict[str, Any]]],
) -> tuple[int, int]:
    columns = {c.name: c for c in _columns(table)}
    # Into an empty table (a move, a new server) nothing can exist: no lookups.
    was_empty = not session.scalar(select(exists().select_from(table)))
    deferred = [name for name, column in columns.items() if _late(column)]
    keys = list(table.primary_key.columns)
    inserted = unchanged = 0
    batch: list[tuple[int, dict[str, Any], str]] = []

    def flush() -> None:
        nonlocal inserted, unchanged
        existing = (
            {} if was_empty else _existing(session, table, keys, [row for _n, row, _l in batch])
        )
        new = []
        for number, row, line in batch:
            key = tuple(row[k.name] for k in keys)
            if key in existing:
                if existing[key] != line:
                    raise CompleteImportFailed(
                        f"{path.name} linje {number}: rækken findes allerede med andre værdier "
                        "(importér i en tom database, eller i den, eksporten kom fra)."
                    )
                unchanged += 1
            else:
                values = {name: _decode(columns[name], value) for name, value in row.items()}
                for name, value in values.items():
                    # a date no page can do arithmetic with (the domain's window)
                    if type(value) is date and (error := window_error(value)):
                        raise CompleteImportFailed(f"{path.name} linje {number}, {name}: {error}")
                if any(values[name] is not None for name in deferred):
                    late.append(
                        (
                            table,
                            {
                                **{k.name: values[k.name] for k in keys},
                                **{name: values[name] for name in deferred},
                            },
                        )
                    )
                    values.update(dict.fromkeys(deferred))
                new.append(_defaults_for_secrets(table, values))
        if new:
            try:  # no savepoint: a failure ends the whole import (the caller rolls back)
                _insert(session, table, new)
            except (IntegrityError, psycopg.Error) as error:
                cause = getattr(error, "orig", None) or error
                raise CompleteImportFailed(
                    f"{path.name}: rækkerne strider mod data, der allerede er i databasen "
                    f"({type(cause).__name__})."
                ) from None
            inserted += len(new)
        batch.clear()

    for number, row in _read(path, entry):
        if set(row) != set(columns):
            raise CompleteImportFailed(f"{path.name} linje {number}: kolonnerne passer ikke.")
        batch.append((number, row, "" if was_empty else _line(row)))
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return inserted, unchanged


def _insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL takes the rows by COPY, in the session's own transaction; SQLite by
    executemany."""
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    names = list(rows[0])
    as_json = {n for n in names if isinstance(table.c[n].type, JSON)}
    quoted = ", ".join(f'"{n}"' for n in names)
    driver = session.connection().connection.driver_connection
    assert driver is not None
    with (
        driver.cursor() as cursor,
        cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row(
                [Json(row[n]) if n in as_json and row[n] is not None else row[n] for n in names]
            )


def _existing(
    session: Session, table: Table, keys: list[Column[Any]], rows: list[dict[str, Any]]
) -> dict[tuple[Any, ...], str]:
    """The rows of this batch already in the database, serialised as exported."""
    wanted = [tuple(_decode(k, row[k.name]) for k in keys) for row in rows]
    columns = _columns(table)
    found = session.execute(select(*columns).where(tuple_(*keys).in_(wanted))).all()
    out = {}
    for values in found:
        line = _line(dict(zip((c.name for c in columns), values, strict=True)))
        exported = json.loads(line)  # the key as the file has it
        out[tuple(exported[k.name] for k in keys)] = line
    return out


def _advance_sequences(session: Session) -> None:
    """Rows came with their ids: PostgreSQL's sequences must move past them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables():
        keys = list(table.primary_key.columns)
        if len(keys) == 1 and isinstance(keys[0].type, Integer) and keys[0].autoincrement:
            top = session.scalar(select(func.max(keys[0])))
            if top is not None:
                session.execute(
                    text("SELECT setval(pg_get_serial_sequence(:t, :c), :v)"),
                    {"t": table.name, "c": keys[0].name, "v": top},
                )
