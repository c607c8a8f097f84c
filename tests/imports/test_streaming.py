"""The four-file import streams scorings.csv through temporary staging tables and writes
from them in SQL (bostotte/imports/staging.py). What that design must hold, on SQLite and
PostgreSQL alike: a scoring's rows may stand anywhere in the file; the checks made in SQL
(an item missing or given twice) name the right lines; the staging tables are gone however
the import ends; the bulk load (indexes and keys dropped, then built again) leaves the
schema as it found it, also when it fails; totals are Python's; a second import changes
nothing."""

from __future__ import annotations

import random
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from bostotte import instruments
from bostotte.citizens.models import Citizen
from bostotte.imports import services, staging
from bostotte.imports.services import ImportFailed, import_folder
from bostotte.scoring.models import Scoring, ScoringRevision
from tests.factories import TODAY
from tests.imports.test_import import CITIZENS, GOALS, TEAMS, counts, run, write

HEADER = "citizen,goal,instrument,occasion,scored_on,item,value\n"
ORS = ("individuelt", "interpersonelt", "socialt", "generelt")


def ors(day: str, values: tuple[float, ...], citizen: str = "C1") -> list[str]:
    return [f"{citizen},,ORS,,{day},{item},{v}\n" for item, v in zip(ORS, values, strict=False)]


def staging_tables(session) -> list[str]:  # type: ignore[no-untyped-def]
    """The temporary tables on the session's connection."""
    if session.get_bind().dialect.name == "postgresql":
        sql = "SELECT relname FROM pg_class WHERE relnamespace = pg_my_temp_schema()"
    else:
        sql = "SELECT name FROM sqlite_temp_master"
    return sorted(session.scalars(text(sql)))


def schema(session) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The indexes and keys of the tables the bulk load drops and builds again."""
    found: dict[str, object] = {}
    inspector = inspect(session.connection())
    for table in ("scorings", "scoring_items"):
        found[f"{table} indexes"] = sorted(
            (i["name"], tuple(i["column_names"]), i["unique"])
            for i in inspector.get_indexes(table)  # type: ignore[misc]
        )
        found[f"{table} primary key"] = inspector.get_pk_constraint(table)
        found[f"{table} foreign keys"] = sorted(
            (k["name"], tuple(k["constrained_columns"]), k["referred_table"], str(k["options"]))
            for k in inspector.get_foreign_keys(table)  # type: ignore[misc]
        )
    return found


def values_of(session) -> dict[tuple[str, str], dict[str, float]]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return {
        (s.instrument, s.scored_on.isoformat()): s.values
        for s in session.scalars(select(Scoring).order_by(Scoring.id))
    }


@pytest.fixture(params=["rows", "bulk", "bulk, not the owner"])
def mode(request, session, monkeypatch):  # type: ignore[no-untyped-def]
    """How new scorings are written: row by row into the indexes (a small import), or in
    bulk with the indexes and keys built afterwards (a first import), or in bulk by a
    database user who does not own the tables (PostgreSQL: then row by row after all).
    Yields the bulk loads made: whether each dropped the indexes."""
    if request.param != "rows":
        monkeypatch.setattr(services, "BULK_MIN_ROWS", 1)
    if request.param == "bulk, not the owner":
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("SQLite has no owners")
        monkeypatch.setattr(staging, "_owns", lambda *_args: False)
    loads: list[bool] = []
    real = services.without_indexes

    @contextmanager
    def spy(*args):  # type: ignore[no-untyped-def]
        with real(*args) as dropped:
            loads.append(dropped)
            yield dropped

    monkeypatch.setattr(services, "without_indexes", spy)
    yield loads
    # The first import of each test writes new scorings: bulk when asked for.
    assert loads[:1] == {"rows": [], "bulk": [True], "bulk, not the owner": [False]}[request.param]


def test_a_scorings_rows_may_stand_anywhere_in_the_file(app, session, tmp_path, mode):
    first, second = ors("2025-01-10", (4.5, 5, 6, 7.1)), ors("2025-01-24", (1, 2, 3, 4.2))
    fko = "C1,G1,FKO,baseline,2025-01-05,value,3\n"
    scorings = (
        HEADER
        + first[0]
        + second[0]
        + fko
        + first[1]
        + second[1]
        + second[2]
        + first[2]
        + second[3]
        + first[3]
    )
    before = schema(session)
    folder = write(tmp_path / "in", teams=TEAMS, citizens=CITIZENS, goals=GOALS, scorings=scorings)
    r = run(app, "import", str(folder))
    assert r.exit_code == 0, r.output
    assert "scorings.csv: 9 rækker læst, 9 oprettet, 0 opdateret" in r.output
    # One scoring per (citizen, goal, instrument, occasion, date), numbered in the order
    # the file first names them.
    assert values_of(session) == {
        ("ORS", "2025-01-10"): dict(zip(ORS, (4.5, 5, 6, 7.1), strict=True)),
        ("ORS", "2025-01-24"): dict(zip(ORS, (1, 2, 3, 4.2), strict=True)),
        ("FKO", "2025-01-05"): {"value": 3},
    }
    assert [s.total for s in session.scalars(select(Scoring).order_by(Scoring.id))] == [
        22.6,
        10.2,
        3,
    ]
    assert schema(session) == before

    again = run(app, "import", str(folder))
    assert again.exit_code == 0, again.output
    assert "scorings.csv: 9 rækker læst, 0 oprettet, 0 opdateret" in again.output
    write(folder, scorings=scorings.replace("socialt,3", "socialt,3.5"))
    edited = run(app, "import", str(folder))
    assert "scorings.csv: 9 rækker læst, 0 oprettet, 4 opdateret" in edited.output
    revision = session.scalars(select(ScoringRevision)).one()
    assert revision.version == 1 and revision.data["total"] == 10.2
    assert revision.data["values"] == dict(zip(ORS, (1, 2, 3, 4.2), strict=True))
    scoring = session.get_one(Scoring, revision.scoring_id)
    assert (scoring.total, scoring.version, scoring.values["socialt"]) == (10.7, 2, 3.5)
    assert counts(session) == (2, 2, 3)


@pytest.mark.parametrize(
    ("rows", "messages"),
    [
        (  # within one part: the later line is the repeat
            ors("2025-01-10", (4, 5, 6, 7))[:2]
            + ["C1,,ORS,,2025-01-10,individuelt,8\n"]
            + ors("2025-01-10", (4, 5, 6, 7))[2:],
            ["scorings.csv:4: punktet «individuelt» står to gange for samme scoring"],
        ),
        (  # across parts, with another scoring between
            ors("2025-01-10", (4, 5, 6, 7))
            + ["C1,G1,FKO,baseline,2025-01-05,value,3\n", "C1,,ORS,,2025-01-10,socialt,1\n"],
            ["scorings.csv:7: punktet «socialt» står to gange for samme scoring"],
        ),
        (  # split, and an item missing: named at the scoring's first line
            ors("2025-01-24", (1, 2))
            + ["C1,G1,FKO,baseline,2025-01-05,value,3\n"]
            + ors("2025-01-24", (1, 2, 3))[2:],
            ["scorings.csv:2: ORS den 2025-01-24 mangler punktet generelt"],
        ),
        (  # both, and a bad row beside them: all of them, in the order of the file
            ors("2025-01-10", (4, 5))
            + ["C1,,ORS,,2025-01-10,generelt,11\n", "C1,,ORS,,2025-01-10,interpersonelt,5\n"],
            [
                "scorings.csv:2: ORS den 2025-01-10 mangler punktet socialt, generelt",
                "scorings.csv:4: generelt: Værdien skal være mellem 0 og 10.",
                "scorings.csv:5: punktet «interpersonelt» står to gange for samme scoring",
            ],
        ),
    ],
)
def test_the_checks_made_in_sql_name_the_right_lines(app, session, tmp_path, rows, messages):
    folder = write(
        tmp_path / "in",
        teams=TEAMS,
        citizens=CITIZENS,
        goals=GOALS,
        scorings=HEADER + "".join(rows),
    )
    with pytest.raises(ImportFailed) as failed:
        import_folder(session, folder, TODAY)
    assert [str(e) for e in failed.value.errors] == messages
    assert staging_tables(session) == []
    session.rollback()
    assert counts(session) == (0, 0, 0)
    assert staging_tables(session) == []


def test_no_staging_table_outlives_the_import(app, session, tmp_path, mode):
    folder = write(
        tmp_path / "in",
        teams=TEAMS,
        citizens=CITIZENS,
        goals=GOALS,
        scorings=HEADER + "".join(ors("2025-01-10", (4, 5, 6, 7))),
    )
    report = import_folder(session, folder, TODAY)
    assert report.files["scorings.csv"].created == 4
    assert staging_tables(session) == []  # before the commit too: the transaction goes on
    session.commit()
    assert staging_tables(session) == []
    report = import_folder(session, folder, TODAY)  # again, in a new transaction
    assert (report.files["scorings.csv"].created, report.files["scorings.csv"].updated) == (0, 0)
    assert staging_tables(session) == []
    session.commit()


def test_a_failing_bulk_load_leaves_the_schema_as_it_was(app, session, tmp_path, monkeypatch):
    """The indexes and keys are dropped inside the transaction: its rollback brings them
    back (on SQLite too, whose driver would run DDL outside a transaction)."""
    before = schema(session)
    monkeypatch.setattr(services, "BULK_MIN_ROWS", 1)
    monkeypatch.setattr(services, "_total_sql", lambda *_args: "no_such_column")
    folder = write(
        tmp_path / "in",
        teams=TEAMS,
        citizens=CITIZENS,
        goals=GOALS,
        scorings=HEADER + "".join(ors("2025-01-10", (4, 5, 6, 7))),
    )
    with pytest.raises(SQLAlchemyError):
        import_folder(session, folder, TODAY)
    session.rollback()
    assert schema(session) == before
    assert counts(session) == (0, 0, 0)
    assert staging_tables(session) == []


def test_totals_are_pythons(app, session, tmp_path, mode):
    """The totals are summed and rounded in SQL: the same numbers as `Instrument.total`."""
    rng = random.Random(18)
    days = [(date(2025, 1, 1) + timedelta(days=n)).isoformat() for n in range(365)]
    chosen = {day: tuple(rng.randrange(101) / 10 for _ in ORS) for day in days}
    scorings = HEADER + "".join(line for day in days for line in ors(day, chosen[day]))
    folder = write(tmp_path / "in", teams=TEAMS, citizens=CITIZENS, goals=GOALS, scorings=scorings)
    r = run(app, "import", str(folder))
    assert r.exit_code == 0, r.output
    ors_instrument = instruments.get("ORS")
    totals = {
        s.scored_on.isoformat(): s.total
        for s in session.scalars(select(Scoring).where(Scoring.instrument == "ORS"))
    }
    assert totals == {
        day: ors_instrument.total(dict(zip(ORS, values, strict=True)))
        for day, values in chosen.items()
    }


def test_columns_in_another_order_semicolons_and_spaces(app, session, tmp_path):
    """As a spreadsheet may write it: BOM, `;`, decimal commas, columns reordered, cells
    padded with spaces, a short row, an empty row."""
    scorings = (
        "\ufeffvalue;item;scored_on;occasion;instrument;goal;citizen;note\n"
        '"4,5";individuelt;2025-01-10;;ORS;;C1;x\n'
        " 5 ; interpersonelt ; 2025-01-10 ;  ; ORS ;  ; C1 ;\n"
        ";;;;;;;\n"
        "6;socialt;2025-01-10;;ORS;;C1\n"
        "7,1;generelt;2025-01-10;;ORS;;C1;\n"
        "3;value;2025-01-05;baseline;FKO;G1;C1;\n"
    )
    folder = write(tmp_path / "in", teams=TEAMS, citizens=CITIZENS, goals=GOALS, scorings=scorings)
    r = run(app, "import", str(folder))
    assert r.exit_code == 0, r.output
    assert "scorings.csv: 5 rækker læst, 5 oprettet, 0 opdateret" in r.output
    assert values_of(session) == {
        ("ORS", "2025-01-10"): dict(zip(ORS, (4.5, 5, 6, 7.1), strict=True)),
        ("FKO", "2025-01-05"): {"value": 3},
    }

    write(folder, scorings=scorings + "8;generelt\n")  # a short row: the cells it lacks are empty
    r = run(app, "import", str(folder))
    assert r.exit_code == 1
    assert "scorings.csv:8: ukendt instrument «»" in r.output


def test_rows_written_in_bulk_carry_the_models_defaults(app, session, tmp_path):
    """Citizens, plans and goals go in by COPY on PostgreSQL, which knows only the
    server's defaults: they must look as the ORM would have made them."""
    folder = write(tmp_path / "in", teams=TEAMS, citizens=CITIZENS, goals=GOALS)
    assert run(app, "import", str(folder)).exit_code == 0
    c1 = session.scalars(select(Citizen).where(Citizen.external_id == "C1")).one()
    assert (c1.is_demo, c1.version, c1.methods, c1.pakke1) == (False, 1, ["FKO", "FIT"], False)
    assert c1.created_at is not None and c1.updated_at is not None
    assert c1.team.is_demo is False and c1.team.name == "Team Nord"
    plan = c1.plans[0]
    assert (plan.status, plan.version, plan.note) == ("active", 1, "Oprettet ved import")
    assert (plan.start_date, plan.end_date) == (date(2025, 1, 1), date(2026, 1, 1))
    goal = plan.goals[0]
    assert (goal.external_id, goal.agreed, goal.version, goal.citizen_id) == ("G1", False, 1, c1.id)
    assert goal.created_at is not None
