"""The migrated database's check constraints say what the models say.

The models build their `IN (...)` constraints from the forms' label dicts; Alembic's
compare_metadata does not look at check constraints, so this compares them itself: the
constraints the migrations made against those `create_all` makes from the models, both read
back through the database (PostgreSQL rewrites the text, the same way for both).
"""

from __future__ import annotations

import uuid

from flask import Flask
from sqlalchemy import CheckConstraint, Connection, create_engine, inspect, text

from bostotte.citizens.models import GENDERS, PLAN_STATUSES
from bostotte.extensions import db, in_values
from bostotte.goals.models import GOAL_STATUSES, SUBGOAL_STATUSES
from bostotte.scoring.models import PARTICIPATION

Constraints = dict[str, set[tuple[str | None, str]]]


def _check_constraints(conn: Connection, schema: str | None = None) -> Constraints:
    inspector = inspect(conn)
    return {
        t.name: {
            (c["name"], c["sqltext"])
            for c in inspector.get_check_constraints(t.name, schema=schema)
        }
        for t in db.metadata.sorted_tables
    }


def _from_models(conn: Connection) -> Constraints:
    """The models' constraints as the database stores them, without touching the tables the
    suite uses: a scratch schema rolled back (PostgreSQL), an in-memory database (SQLite)."""
    if conn.dialect.name == "postgresql":
        schema = f"models_{uuid.uuid4().hex[:8]}"
        with conn.begin_nested():
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            db.metadata.create_all(conn.execution_options(schema_translate_map={None: schema}))
            found = _check_constraints(conn, schema)
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        return found
    scratch = create_engine("sqlite://")
    try:
        with scratch.begin() as scratch_conn:
            db.metadata.create_all(scratch_conn)
            return _check_constraints(scratch_conn)
    finally:
        scratch.dispose()


def test_migrated_check_constraints_equal_the_models(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as conn, conn.begin():
        migrated = _check_constraints(conn)
        from_models = _from_models(conn)
    assert any(migrated.values())  # the comparison below compares something
    assert migrated == from_models


def test_value_constraints_come_from_the_label_dicts() -> None:
    """Each value list the database enforces is the one the forms offer."""
    expected = {
        ("citizens", "ck_citizens_gender"): in_values("gender", GENDERS),
        ("plans", "ck_plans_status"): in_values("status", PLAN_STATUSES),
        ("goals", "ck_goals_status"): in_values("status", GOAL_STATUSES),
        ("subgoals", "ck_subgoals_status"): in_values("status", SUBGOAL_STATUSES),
        ("scorings", "ck_scorings_participation"): in_values("participation", PARTICIPATION),
    }
    tables = db.metadata.tables
    for (table, name), sql in expected.items():
        (constraint,) = [
            c
            for c in tables[table].constraints
            if isinstance(c, CheckConstraint) and c.name == name
        ]
        assert str(constraint.sqltext) == sql
    assert in_values("gender", GENDERS) == "gender IN ('k', 'm', 'a')"
