"""The four-file export escapes formula cells (OWASP) and the import takes the escape off."""

import csv
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

from bostotte import create_app
from bostotte.auth.models import Team
from bostotte.citizens.models import Citizen
from bostotte.extensions import db
from bostotte.goals.models import Goal
from tests import factories as make
from tests.imports.test_import import run, write

TEAMS = 'external_id,name\n=T1,=HYPERLINK("http://x")\n'
CITIZENS = (
    "external_id,display_name,birth_year,gender,team,legal_basis,start_date,end_date,"
    "methods,pakke1\n"
    "+C1,@SUM(A1),1985,k,=T1,§85,2025-01-01,,FKO,0\n"
    "'-C2,'=Jonas,1970,m,=T1,§82b,2025-02-01,,FKO,0\n"
)
GOALS = (
    "external_id,citizen,theme,specific,measurable,target_date,status,created_on\n"
    "-G1,+C1,mestring,-2+3+cmd|' /C calc'!A0,,2025-12-01,active,2025-01-05\n"
)
SCORINGS = (
    "citizen,goal,instrument,occasion,scored_on,item,value\n"
    "+C1,-G1,FKO,baseline,2025-01-05,value,3\n"
)


def cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [c for row in csv.reader(fh) for c in row]


def test_export_quotes_formula_cells_and_import_reads_them_back(
    app, session, tmp_path, empty_database_url
):
    folder = write(tmp_path / "in", teams=TEAMS, citizens=CITIZENS, goals=GOALS, scorings=SCORINGS)
    r = run(app, "import", str(folder))
    assert r.exit_code == 0, r.output
    # A leading quote before a formula character is the spreadsheet's text mark: taken off.
    assert (
        session.scalars(select(Citizen.display_name).where(Citizen.external_id == "-C2")).one()
        == "=Jonas"
    )
    make.team(session, "'+Citat")  # a value that itself begins with a quote survives too
    session.commit()
    first, second = tmp_path / "out1", tmp_path / "out2"
    assert run(app, "export", str(first)).exit_code == 0
    written = [
        c
        for name in ("teams", "citizens", "goals", "scorings")
        for c in cells(first / f"{name}.csv")
    ]
    assert not [c for c in written if c[:1] in ("=", "+", "-", "@")]
    assert '\'=HYPERLINK("http://x")' in written and "''+Citat" in written
    assert "'-2+3+cmd|' /C calc'!A0" in written

    other = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True})
    with other.app_context():
        upgrade(revision="heads")
        r = other.test_cli_runner().invoke(args=["bostotte", "import", str(first)])
        assert r.exit_code == 0, r.output
        # The values themselves, not their escaped form, are what the import stored.
        assert db.session.scalars(select(Team.name)).all() == ['=HYPERLINK("http://x")', "'+Citat"]
        names = set(db.session.scalars(select(Citizen.display_name)))
        assert names == {"@SUM(A1)", "=Jonas"}
        assert set(db.session.scalars(select(Citizen.external_id))) == {"+C1", "-C2"}
        assert db.session.scalars(select(Goal.specific)).one() == "-2+3+cmd|' /C calc'!A0"
        r = other.test_cli_runner().invoke(args=["bostotte", "export", str(second)])
        assert r.exit_code == 0, r.output
        db.session.remove()
        db.engine.dispose()
    for name in ("teams.csv", "citizens.csv", "goals.csv", "scorings.csv"):
        assert (first / name).read_text() == (second / name).read_text(), name
