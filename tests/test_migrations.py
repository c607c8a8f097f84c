"""Migrations upgrade an empty database to the models' schema and downgrade to nothing."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from bostotte import create_app
from bostotte.extensions import db


def test_upgrade_from_empty_matches_models_and_downgrades(empty_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True})
    with app.app_context():
        upgrade(revision="heads")
        tables = set(inspect(db.engine).get_table_names())
        assert {
            "citizens",
            "plans",
            "goals",
            "subgoals",
            "subgoal_notes",
            "scorings",
            "scoring_items",
            "scoring_revisions",
            "access_log",
            "users",
            "teams",
        } <= tables
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
