from datetime import date, datetime, time
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from bostotte import create_app
from bostotte.citizens.models import Citizen
from bostotte.common.time import LOCAL_TZ
from bostotte.extensions import db
from bostotte.goals.models import Goal
from bostotte.reminders.jobs import run_daily
from bostotte.reminders.models import Reminder
from bostotte.scoring.models import Scoring, ScoringRevision
from tests import factories as make
from tests.stats.helpers import ors_total

TEAMS = "external_id,name\nT1,Team Nord\n"
CITIZENS = (
    "external_id,display_name,birth_year,gender,team,legal_basis,start_date,end_date,"
    "methods,pakke1\n"
    "C1,Mette Holm,1985,k,T1,§85,2025-01-01,,FKO;FIT,0\n"
    "C2,Jonas Berg,1970,m,T1,§82b,2025-02-01,2025-07-31,FKO,0\n"
)
GOALS = (
    "external_id,citizen,theme,specific,measurable,target_date,status,created_on\n"
    "G1,C1,mestring,Jeg vil handle selv,To gange om ugen,2025-12-01,active,2025-01-05\n"
    "G2,C2,sundhed,Gå til lægen,,2025-07-01,achieved,2025-02-02\n"
)
SCORINGS = (
    "citizen,goal,instrument,occasion,scored_on,item,value\n"
    "C1,G1,FKO,baseline,2025-01-05,value,3\n"
    "C1,G1,FKO,status,2025-04-05,value,2\n"
    "C1,,ORS,,2025-01-10,individuelt,4.5\n"
    "C1,,ORS,,2025-01-10,interpersonelt,5\n"
    "C1,,ORS,,2025-01-10,socialt,6\n"
    "C1,,ORS,,2025-01-10,generelt,7.1\n"
)


def write(folder: Path, **files: str) -> Path:
    folder.mkdir(exist_ok=True)
    for name, content in files.items():
        (folder / f"{name}.csv").write_text(content, encoding="utf-8")
    return folder


def run(app, *args):
    return app.test_cli_runner().invoke(args=["bostotte", *args])


def counts(session):
    return tuple(
        session.scalar(select(func.count()).select_from(m)) for m in (Citizen, Goal, Scoring)
    )


@pytest.fixture()
def folder(tmp_path):
    return write(tmp_path / "in", teams=TEAMS, citizens=CITIZENS, goals=GOALS, scorings=SCORINGS)


def test_import_then_reimport_changes_nothing(app, session, folder):
    r = run(app, "import", str(folder))
    assert r.exit_code == 0, r.output
    assert "citizens.csv: 2 rækker læst, 2 oprettet, 0 opdateret" in r.output
    assert "scorings.csv: 6 rækker læst, 6 oprettet, 0 opdateret" in r.output
    assert counts(session) == (2, 2, 3)
    ors = session.scalars(select(Scoring).where(Scoring.instrument == "ORS")).one()
    assert ors.total == 22.6
    c2 = session.scalars(select(Citizen).where(Citizen.external_id == "C2")).one()
    assert c2.plans[0].status == "closed" and c2.methods == ["FKO"]
    r = run(app, "import", str(folder))
    assert r.exit_code == 0 and ", 0 oprettet, 0 opdateret" in r.output
    assert "oprettet, 1" not in r.output
    assert counts(session) == (2, 2, 3)


def test_an_edited_row_updates_its_record(app, session, folder):
    run(app, "import", str(folder))
    write(
        folder,
        citizens=CITIZENS.replace("Mette Holm", "Mette Holm Jensen"),
        scorings=SCORINGS.replace("status,2025-04-05,value,2", "status,2025-04-05,value,1"),
    )
    r = run(app, "import", str(folder))
    assert "citizens.csv: 2 rækker læst, 0 oprettet, 1 opdateret" in r.output
    assert "scorings.csv: 6 rækker læst, 0 oprettet, 1 opdateret" in r.output
    assert (
        session.scalars(select(Citizen.display_name).where(Citizen.external_id == "C1")).one()
        == "Mette Holm Jensen"
    )
    status = session.scalars(select(Scoring).where(Scoring.occasion == "status")).one()
    assert (status.total, status.version) == (1, 2)
    assert session.scalars(select(ScoringRevision)).one().data["total"] == 2


def test_semicolons_and_bom_as_danish_excel_writes_them(app, session, tmp_path):
    def excel(text):
        return "\ufeff" + text.replace(",", ";")

    folder = write(
        tmp_path / "excel",
        teams=excel(TEAMS),
        citizens=excel(CITIZENS).replace("FKO;FIT", '"FKO;FIT"'),
        goals=excel(GOALS),
    )
    r = run(app, "import", str(folder))
    assert r.exit_code == 0, r.output
    assert counts(session) == (2, 2, 0)


BAD_ROWS = [
    (
        "citizens",
        CITIZENS + "C3,Ukendt Team,1980,k,T9,§85,2025-01-01,,FKO,0\n",
        "citizens.csv:4: ukendt team «T9»",
    ),
    (
        "citizens",
        CITIZENS + "C1,Dublet,1980,k,T1,§85,2025-01-01,,FKO,0\n",
        "citizens.csv:4: external_id «C1» står der to gange (første gang på linje 2)",
    ),
    (
        "citizens",
        CITIZENS + "C3,Dårlig Dato,1980,k,T1,§85,2025-02-30,,FKO,0\n",
        "citizens.csv:4: start_date: Skriv en gyldig dato",
    ),
    (
        "scorings",
        SCORINGS + "C9,,ORS,,2025-01-10,individuelt,4\n",
        "scorings.csv:8: ukendt borger «C9»",
    ),
    (
        "scorings",
        SCORINGS + "C1,,XYZ,,2025-01-10,individuelt,4\n",
        "scorings.csv:8: ukendt instrument «XYZ»",
    ),
    (
        "scorings",
        SCORINGS + "C1,G1,FKO,status,2025-07-05,value,5\n",
        "scorings.csv:8: value: Værdien skal være mellem 0 og 4.",
    ),
    (
        "scorings",
        SCORINGS.replace("C1,,ORS,,2025-01-10,generelt,7.1\n", ""),
        "scorings.csv:4: ORS den 2025-01-10 mangler punktet generelt",
    ),
    (
        "scorings",
        SCORINGS + "C1,G1,FKO,status,10-07-2025,value,2\n",
        "scorings.csv:8: ugyldig dato «10-07-2025»",
    ),
    (
        "scorings",
        SCORINGS + "C2,,ORS,,2025-03-01,individuelt,4\n",
        "scorings.csv:8: borgeren «C2» bruger ikke FIT",
    ),
    (
        "goals",
        GOALS
        + "".join(f"G{i},C1,sundhed,Mål {i},,2025-12-01,active,2025-01-05\n" for i in range(3, 6)),
        "goals.csv:6: borgeren «C1» har allerede 3 aktive mål",
    ),
]


@pytest.mark.parametrize(("file", "content", "message"), BAD_ROWS)
def test_any_bad_row_means_nothing_is_written(app, session, folder, file, content, message):
    write(folder, **{file: content})
    r = run(app, "import", str(folder))
    assert r.exit_code == 1
    assert message in r.output
    assert "Intet er importeret" in r.output
    assert counts(session) == (0, 0, 0)


def test_every_bad_row_is_reported(app, session, folder):
    write(
        folder,
        scorings=SCORINGS + "C9,,ORS,,2025-01-10,individuelt,4\n"
        "C1,,ORS,,2025-01-11,individuelt,11\n",
    )
    r = run(app, "import", str(folder))
    assert "scorings.csv:8:" in r.output and "scorings.csv:9:" in r.output


def test_missing_column(app, session, tmp_path):
    folder = write(tmp_path / "x", teams="external_id\nT1\n")
    r = run(app, "import", str(folder))
    assert r.exit_code == 1 and "teams.csv:1: mangler kolonnen «name»" in r.output


def test_export_import_export_is_identical(app, session, folder, tmp_path, empty_database_url):
    run(app, "import", str(folder))
    t = make.team(session, "Lavet i appen")
    c = make.citizen(session, t, display_name="Uden eksternt id")
    ors_total(session, c, date(2025, 3, 3), 21.5)
    session.commit()
    first, second = tmp_path / "out1", tmp_path / "out2"
    assert run(app, "export", str(first)).exit_code == 0

    other = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True})
    with other.app_context():
        upgrade(revision="heads")
        r = other.test_cli_runner().invoke(args=["bostotte", "import", str(first)])
        assert r.exit_code == 0, r.output
        assert (
            other.test_cli_runner().invoke(args=["bostotte", "export", str(second)]).exit_code == 0
        )
        db.session.remove()
        db.engine.dispose()
    for name in ("teams.csv", "citizens.csv", "goals.csv", "scorings.csv"):
        assert (first / name).read_text() == (second / name).read_text(), name
    assert "bostotte-borger-" in (first / "citizens.csv").read_text()


def test_an_imported_scoring_resolves_the_reminder_it_answers(app, session, tmp_path):
    """Imported scorings are Core inserts, which the reminders' flush hook never sees: the
    import must still resolve what they answer, as the scoring form does."""
    citizen = make.citizen(session, make.team(session), external_id="C1")
    make.plan(session, citizen)
    session.commit()
    day = date(2026, 3, 20)
    run_daily(session, day, datetime.combine(day, time(6), LOCAL_TZ), digests=False)

    def reminders(status):
        session.expire_all()
        return {
            (r.rule, r.due_date)
            for r in session.scalars(
                select(Reminder).where(Reminder.citizen_id == citizen.id, Reminder.status == status)
            )
        }

    assert reminders("open") == {("ors", date(2026, 1, 29)), ("rem_first", date(2026, 4, 1))}
    folder = write(
        tmp_path / "ors",
        scorings="citizen,goal,instrument,occasion,scored_on,"
        "item,value\n"
        + "".join(
            f"C1,,ORS,,2026-03-20,{item},7\n"
            for item in ("individuelt", "interpersonelt", "socialt", "generelt")
        ),
    )
    r = run(app, "import", str(folder))
    assert r.exit_code == 0, r.output
    assert "scorings.csv: 4 rækker læst, 4 oprettet" in r.output
    assert reminders("resolved") == {("ors", date(2026, 1, 29))}
    assert reminders("open") == {("rem_first", date(2026, 4, 1))}  # an ORS does not answer it
