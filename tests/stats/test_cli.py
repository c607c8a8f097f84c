import csv
import io
import json
from datetime import date

from bostotte.auth.models import Role
from tests import factories as make
from tests.stats.helpers import fko, ors_total


def run(app, *args):
    return app.test_cli_runner().invoke(args=["bostotte", *args])


def data(session):
    team = make.team(session, "Team Nord")
    worker = make.user(session, Role.WORKER, [team])
    for i in range(6):
        c = make.citizen(session, team, gender="k" if i < 3 else "m")
        plan = make.plan(session, c, start=date(2024, 1, 1), end=date(2026, 1, 1))
        g = make.goal(session, worker, plan, theme="mestring")
        fko(session, g, "baseline", date(2024, 2, 1), 3)
        fko(session, g, "status", date(2025, 5, 1), 2 if i < 4 else 4)
        ors_total(session, c, date(2025, 1, 1), 20)
        ors_total(session, c, date(2025, 6, 1), 26)
    session.commit()


def test_stats_json_has_the_shape_of_domain_md(app, session):
    data(session)
    r = run(app, "stats", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["period"] == {"from": "2025-01-01", "to": "2025-12-31"}
    assert out["min_cell"] == 5
    total = out["fko"]["total"]
    assert (
        total["n"],
        total["maintained_or_improved"],
        total["improved"],
        total["target_reached"],
    ) == (6, 4, 4, 0)
    assert total["share"] == 4 / 6 and total["ci_low"] < total["share"] < total["ci_high"]
    assert set(out["fko"]["by_theme"]) >= {
        "mestring",
        "sundhed",
        "socialt_liv",
        "uddannelse_beskaeftigelse",
    }
    assert out["fko"]["by_theme"]["sundhed"] == {"n": None, "suppressed": True}
    assert set(out["ors"]) == {
        "n",
        "mean_first",
        "mean_latest",
        "mean_change",
        "reliably_improved",
        "reliably_deteriorated",
        "clinically_significant",
        "effect_size",
    }
    assert out["ors"]["mean_change"] == 6.0 and out["ors"]["effect_size"] is None
    assert set(out["rem"]["by_indicator"]) >= {"struktureringsevne", "helbred_vaner"}


def test_stats_csv_with_breakdown(app, session):
    data(session)
    r = run(
        app,
        "stats",
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--format",
        "csv",
        "--by",
        "gender",
        "--min-cell",
        "3",
    )
    rows = list(csv.DictReader(io.StringIO(r.output)))
    by_gender = {
        row["group"]: row
        for row in rows
        if row["dimension"] == "gender" and row["measure"] == "fko" and row["key"] == "total"
    }
    assert (by_gender["k"]["n"], by_gender["k"]["maintained_or_improved"]) == ("3", "3")
    assert (by_gender["m"]["n"], by_gender["m"]["maintained_or_improved"]) == ("3", "1")


def test_target_is_stored_and_shown(app, session):
    data(session)
    r = run(
        app,
        "target",
        "--theme",
        "mestring",
        "--share",
        "63%",
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
    )
    assert r.exit_code == 0 and "63%" in r.output
    out = json.loads(run(app, "stats", "--from", "2025-01-01", "--to", "2025-12-31").output)
    assert out["fko"]["by_theme"]["mestring"]["target"] == 0.63
    bad = run(
        app,
        "target",
        "--theme",
        "mestring",
        "--share",
        "1.5",
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
    )
    assert bad.exit_code == 2 and "mellem 0 og 1" in bad.output


def test_stats_bad_input_is_a_danish_message(app, session):
    r = run(app, "stats", "--from", "2025-13-01")
    assert r.exit_code == 2 and "ÅÅÅÅ-MM-DD" in r.output
    r = run(app, "stats", "--from", "2025-12-01", "--to", "2025-01-01")
    assert r.exit_code == 2 and "slutter før" in r.output
    # A typing slip in the year is a message, not a date arithmetic overflow.
    r = run(app, "stats", "--from", "0001-01-01", "--to", "0001-12-31")
    assert r.exit_code == 2 and "mellem 2000 og 2100" in r.output


def test_min_cell_defaults_to_the_setting(app, session, monkeypatch):
    data(session)
    monkeypatch.setitem(app.config, "BOSTOTTE_MIN_CELL", 7)
    out = json.loads(run(app, "stats", "--from", "2025-01-01", "--to", "2025-12-31").output)
    assert out["min_cell"] == 7
    assert out["fko"]["total"] == {"n": None, "suppressed": True}  # 6 goals, below 7
    out = json.loads(
        run(app, "stats", "--from", "2025-01-01", "--to", "2025-12-31", "--min-cell", "5").output
    )
    assert out["min_cell"] == 5 and out["fko"]["total"]["n"] == 6
