"""Temporary tables and bulk writes for the four-file import, on SQLite and PostgreSQL.

The import streams scorings.csv into a temporary staging table in the caller's own
transaction and writes from there with INSERT … SELECT. PostgreSQL takes the rows by COPY
(through the session's own psycopg connection); SQLite by executemany in batches.

The staging tables are the connection's own (`CREATE TEMP TABLE`), made inside the
caller's transaction, so they go with it however it ends (on PostgreSQL also ON COMMIT
DROP); `Stage.drop` removes them at the end of the import all the same, so the
transaction goes on without them.

`insert_rows` writes new rows of a real table the same way (COPY or executemany), and
`without_indexes` is the bulk load of a first import: indexes and keys dropped, then
built again, inside the transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from typing import Any

from sqlalchemy import Table, insert, text
from sqlalchemy.exc import SQLAlchemyError

from bostotte.common.db import Session

SQLITE_BATCH = 10_000  # rows per executemany into a staging table

# Column kinds of a staging table: PostgreSQL's names for a binary COPY, and each
# database's types.
_BINARY = {
    "int": "int4",
    "small": "int2",
    "float": "float8",
    "text": "text",
    "date": "date",
    "key": "int4",
}
_TYPES = {
    "postgresql": {
        "int": "integer",
        "small": "smallint",
        "float": "double precision",
        "text": "text",
        "date": "date",
        "key": "integer PRIMARY KEY",
    },
    "sqlite": {
        "int": "INTEGER",
        "small": "INTEGER",
        "float": "REAL",
        "text": "TEXT",
        "date": "TEXT",
        "key": "INTEGER PRIMARY KEY",
    },
}


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _driver(session: Session) -> Any:
    """The DB-API connection under the session's transaction (psycopg or sqlite3)."""
    driver = session.connection().connection.driver_connection
    assert driver is not None
    return driver


class Stage:
    """The temporary tables of one import, on the session's connection."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.postgresql = is_postgresql(session)
        self.names: list[str] = []
        self.kinds: dict[str, dict[str, str]] = {}  # table -> column -> kind

    def _begin(self) -> None:
        """SQLite's driver runs DDL outside a transaction unless one is open: open one, so
        that a rollback takes the tables back too (and a drop cannot be rolled back into
        a table made before it)."""
        if not self.postgresql:
            driver = _driver(self.session)
            if not driver.in_transaction:
                driver.execute("BEGIN")

    def create(self, name: str, columns: Sequence[tuple[str, str]]) -> None:
        """A temporary table of (column, kind) with kind one of int, small, float, text,
        date (dates are ISO text on SQLite, as SQLAlchemy stores them there) and key (an
        integer primary key)."""
        self._begin()
        types = _TYPES["postgresql" if self.postgresql else "sqlite"]
        body = ", ".join(f"{column} {types[kind]}" for column, kind in columns)
        self.session.execute(text(f"DROP TABLE IF EXISTS {self._qualified(name)}"))
        suffix = " ON COMMIT DROP" if self.postgresql else ""
        self.session.execute(text(f"CREATE TEMP TABLE {name} ({body}){suffix}"))
        self.names.append(name)
        self.kinds[name] = dict(columns)

    def create_as(self, name: str, query: str, *, count: bool = True) -> int:
        """A temporary table holding a query's rows; returns how many (when `count`)."""
        self._begin()
        self.session.execute(text(f"DROP TABLE IF EXISTS {self._qualified(name)}"))
        suffix = " ON COMMIT DROP" if self.postgresql else ""
        self.session.execute(text(f"CREATE TEMP TABLE {name}{suffix} AS {query}"))
        self.names.append(name)
        if not count:
            return -1
        return int(self.session.execute(text(f"SELECT count(*) FROM {name}")).scalar_one())  # noqa: S608

    def _qualified(self, name: str) -> str:
        """The temporary table, never a real one of the same name."""
        return f"pg_temp.{name}" if self.postgresql else f"temp.{name}"

    @contextmanager
    def writer(
        self, name: str, columns: Sequence[str]
    ) -> Iterator[Callable[[Sequence[Any]], None]]:
        """A function that appends one row (values in the order of `columns`) to a table
        made by `create`: into a binary COPY on PostgreSQL (dates as dates), into batches
        of SQLITE_BATCH rows on SQLite (dates as ISO text)."""
        driver = _driver(self.session)
        if self.postgresql:
            names = ", ".join(columns)
            with (
                driver.cursor() as cursor,
                cursor.copy(f"COPY {name} ({names}) FROM STDIN (FORMAT BINARY)") as copy,
            ):
                copy.set_types([_BINARY[self.kinds[name][c]] for c in columns])
                yield copy.write_row
            return
        marks = ", ".join("?" * len(columns))
        sql = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
        batch: list[Sequence[Any]] = []
        cursor = driver.cursor()

        def write(row: Sequence[Any]) -> None:
            batch.append(row)
            if len(batch) >= SQLITE_BATCH:
                cursor.executemany(sql, batch)
                batch.clear()

        try:
            yield write
            if batch:
                cursor.executemany(sql, batch)
        finally:
            cursor.close()

    def insert(self, name: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        with self.writer(name, columns) as write:
            for row in rows:
                write(row)

    def drop(self) -> None:
        """Drop every table made here. A failed statement may have ended PostgreSQL's
        transaction already: then the caller's rollback removes them, and this is quiet."""
        for name in reversed(self.names):
            try:
                self.session.execute(text(f"DROP TABLE IF EXISTS {self._qualified(name)}"))
            except SQLAlchemyError:
                if not self.postgresql:
                    raise
                break
        self.names.clear()


# ------------------------------------------------------------------ rows into real tables


def _defaults(table: Table) -> list[tuple[str, Any]]:
    """The model's Python-side defaults, as an ORM or Core insert applies them (COPY knows
    only the server's)."""
    return [
        (c.name, arg)
        for c in table.columns
        if not c.primary_key and (arg := getattr(c.default, "arg", None)) is not None
    ]


def insert_rows(session: Session, table: Table, rows: Iterable[dict[str, Any]]) -> int:
    """New rows of a real table, streamed: COPY on PostgreSQL, executemany in batches on
    SQLite. Every row has the same keys; Python-side defaults fill the others. Returns how
    many."""
    defaults = _defaults(table)

    def completed() -> Iterator[dict[str, Any]]:
        for row in rows:
            for name, arg in defaults:
                if name not in row:
                    row[name] = arg(None) if callable(arg) else arg
            yield row

    stream = completed()
    first = next(stream, None)
    if first is None:
        return 0
    names = list(first)
    n = 0
    if is_postgresql(session):
        quoted = ", ".join(f'"{name}"' for name in names)
        with (
            _driver(session).cursor() as cursor,
            cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy,
        ):
            for row in chain([first], stream):
                copy.write_row([row[name] for name in names])
                n += 1
        return n
    statement = insert(table)
    batch = [first]
    for row in stream:
        batch.append(row)
        if len(batch) >= SQLITE_BATCH:
            session.execute(statement, batch)
            n += len(batch)
            batch = []
    if batch:
        session.execute(statement, batch)
        n += len(batch)
    return n


# ------------------------------------------------------------------------ bulk loading


def _owns(session: Session, tables: Iterable[str]) -> bool:
    return bool(
        session.execute(
            text(
                "SELECT bool_and(pg_has_role(current_user, relowner, 'USAGE')) FROM pg_class "
                "WHERE oid = ANY(CAST(:t AS regclass[]))"
            ),
            {"t": sorted(set(tables))},
        ).scalar()
    )


@contextmanager
def without_indexes(
    session: Session, tables: Sequence[str], referenced: Sequence[str]
) -> Iterator[bool]:
    """Load many rows as PostgreSQL's manual advises ("Populating a Database"): drop the
    tables' secondary indexes, their primary keys that no other table refers to, and their
    foreign keys into `referenced`; insert; build them again from their own definitions (a
    sorted build per index and one validating join per foreign key, instead of a B-tree
    insert and a locking lookup per row). All inside the caller's transaction: a failure
    rolls the drops back with everything else.

    Until the transaction ends, the tables (and those the dropped foreign keys point to)
    are locked against readers and writers, so the import uses this only when it writes at
    least as many rows as the tables hold (a first import, a move). Yields whether it did
    (then no one else can insert into the tables until the commit): not when the database
    user does not own the tables. On SQLite only the secondary indexes go (its keys are
    part of the table), and the transaction holds the write lock already."""
    if not is_postgresql(session):
        with _sqlite_without_indexes(session, tables):
            yield True
        return
    if not _owns(session, [*tables, *referenced]):
        yield False
        return
    quoted = ", ".join(f'"{t}"' for t in tables)
    session.execute(text(f"LOCK TABLE {quoted} IN ACCESS EXCLUSIVE MODE"))
    indexes: list[str] = []
    keys: list[tuple[str, str, str]] = []
    foreign: list[tuple[str, str, str]] = []
    for table in tables:
        for name, definition in session.execute(
            text(
                "SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                "JOIN pg_class c ON c.oid = x.indexrelid "
                "WHERE x.indrelid = CAST(:t AS regclass) AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) "
                "ORDER BY c.relname"
            ),
            {"t": table},
        ).all():
            indexes.append(definition)
            session.execute(text(f'DROP INDEX "{name}"'))
        for name, kind, definition in session.execute(
            text(
                "SELECT k.conname, k.contype, pg_get_constraintdef(k.oid) FROM pg_constraint k "
                "WHERE k.conrelid = CAST(:t AS regclass) AND ("
                "(k.contype = 'f' AND k.confrelid = ANY(CAST(:r AS regclass[]))) OR "
                "(k.contype = 'p' AND NOT EXISTS (SELECT 1 FROM pg_constraint f "
                "WHERE f.contype = 'f' AND f.confrelid = k.conrelid))) "
                "ORDER BY k.contype, k.conname"
            ),
            {"t": table, "r": list(referenced)},
        ).all():
            (keys if kind == "p" else foreign).append((table, name, definition))
            session.execute(text(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"'))
    memory = session.execute(text("SELECT current_setting('maintenance_work_mem')")).scalar()
    session.execute(text("SELECT set_config('maintenance_work_mem', '256MB', true)"))
    yield True
    for definition in indexes:
        session.execute(text(definition))
    for table, name, definition in keys + foreign:
        session.execute(text(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'))
    session.execute(text("SELECT set_config('maintenance_work_mem', :m, true)"), {"m": memory})


@contextmanager
def _sqlite_without_indexes(session: Session, tables: Sequence[str]) -> Iterator[None]:
    definitions: list[str] = []
    for table in tables:
        for name, sql in session.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t "
                "AND sql IS NOT NULL ORDER BY name"
            ),
            {"t": table},
        ).all():
            definitions.append(sql)
            session.execute(text(f'DROP INDEX "{name}"'))
    yield
    for sql in definitions:
        session.execute(text(sql))
