"""Dates outside the domain's rules (common/dates.py): refused by form, API and import with
a Danish message; and already stored (written with SQL, as an old import or a hand-made fix
could have), the citizen's page and her own page still answer."""

# ruff: noqa: F811  (the API and complete-import fixtures are imported from their modules)
from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from bostotte.charts.model import Step
from bostotte.charts.svg import UNDRAWABLE
from bostotte.charts.timeline import subgoal_timeline
from bostotte.citizens.models import Citizen, Plan
from bostotte.common.dates import OUTSIDE_WINDOW
from bostotte.common.formatting import dk_date
from bostotte.extensions import db
from bostotte.goals.models import SubGoal
from bostotte.goals.services import add_note
from bostotte.scoring.models import Scoring
from tests import factories as make
from tests.api.conftest import api, token_for  # noqa: F401
from tests.citizens.test_citizens import citizen_form
from tests.imports.test_complete import _export, _import, databases  # noqa: F401
from tests.imports.test_import import CITIZENS, GOALS, SCORINGS, TEAMS, run, write
from tests.scoring.test_scoring import ORS_FORM

TODAY = make.TODAY
ORS = {"individuelt": 5, "interpersonelt": 6, "socialt": 7, "generelt": 8}
BEFORE_START = "Datoen ligger mere end et år før borgerens start (1. jan. 2026)."


def count(session, model) -> int:  # type: ignore[no-untyped-def]
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(model)))


# ------------------------------------------------------------------------------- forms


@pytest.mark.parametrize(
    ("scored_on", "message"),
    [("0001-12-31", OUTSIDE_WINDOW), ("2024-12-31", BEFORE_START), ("2100-01-01", "fremtiden")],
)
def test_form_refuses_a_scoring_date(w, login_as, session, scored_on, message):  # type: ignore[no-untyped-def]
    r = login_as(w.w1).post(
        f"/borgere/{w.c1.id}/scoringer/ORS/ny", data={**ORS_FORM, "scored_on": scored_on}
    )
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert count(session, Scoring) == 0


def test_form_takes_a_visitation_scoring_before_the_start(w, login_as, session):  # type: ignore[no-untyped-def]
    r = login_as(w.w1).post(
        f"/borgere/{w.c1.id}/scoringer/ORS/ny", data={**ORS_FORM, "scored_on": "2025-01-01"}
    )
    assert r.status_code == 302 and count(session, Scoring) == 1


def test_form_refuses_a_quarter_long_before_the_start(w, login_as, session):  # type: ignore[no-untyped-def]
    g = make.goal(session, w.w1, w.p1)
    session.commit()
    r = login_as(w.w1).post(
        f"/borgere/{w.c1.id}/kvartal",
        data={"scored_on": "0001-12-31", "participation": "together", f"goal-{g.id}.value": "2"},
    )
    assert r.status_code == 400 and OUTSIDE_WINDOW in r.get_data(as_text=True)
    assert count(session, Scoring) == 0


def test_form_refuses_a_subgoal_target_in_9999(w, login_as, session):  # type: ignore[no-untyped-def]
    g = make.goal(session, w.w1, w.p1)
    session.commit()
    r = login_as(w.w1).post(
        f"/borgere/{w.c1.id}/maal/{g.id}/delmaal/ny",
        data={"title": "Madplan", "method": "praktisk", "target_date": "9999-12-31"},
    )
    assert r.status_code == 400 and OUTSIDE_WINDOW in r.get_data(as_text=True)
    assert count(session, SubGoal) == 0


def test_form_refuses_closing_a_plan_in_9999(w, login_as, session):  # type: ignore[no-untyped-def]
    r = login_as(w.w1).post(
        f"/borgere/{w.c1.id}/plan/{w.p1.id}/afslut",
        data={"closed_on": "9999-12-31"},
        follow_redirects=True,  # the plan's actions answer on the citizen page
    )
    assert OUTSIDE_WINDOW in r.get_data(as_text=True)
    assert session.get(Plan, w.p1.id).status == "active"


@pytest.mark.parametrize("start", ["9999-01-01", "31-12-1999"])
def test_form_refuses_a_citizen_starting_outside_the_window(w, login_as, session, start):  # type: ignore[no-untyped-def]
    before = count(session, Citizen)
    r = login_as(w.w1).post("/borgere/ny", data=citizen_form(w, start_date=start))
    assert r.status_code == 400 and OUTSIDE_WINDOW in r.get_data(as_text=True)
    assert count(session, Citizen) == before


# --------------------------------------------------------------------------------- API


def _problem(response, field: str, message: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.json
    errors = response.json["errors"]
    assert any(e["field"] == field and message in e["message"] for e in errors), errors


@pytest.mark.parametrize(
    ("scored_on", "message"), [("0001-12-31", OUTSIDE_WINDOW), ("2024-12-31", BEFORE_START)]
)
def test_api_refuses_a_scoring_date(w, api, token_for, session, scored_on, message):  # type: ignore[no-untyped-def]
    body = {"citizen_id": w.c1.id, "instrument": "ORS", "scored_on": scored_on, "values": ORS}
    _problem(api.post("/scorings", token_for(w.w1), json=body), "scored_on", message)
    assert count(session, Scoring) == 0


def test_api_refuses_a_subgoal_target_in_9999(w, api, token_for, session):  # type: ignore[no-untyped-def]
    g = make.goal(session, w.w1, w.p1)
    session.commit()
    body = {"goal_id": g.id, "title": "Madplan", "method": "praktisk", "target_date": "9999-12-31"}
    _problem(api.post("/subgoals", token_for(w.w1), json=body), "target_date", OUTSIDE_WINDOW)
    assert count(session, SubGoal) == 0


def test_api_refuses_closing_a_plan_in_9999(w, api, token_for, session):  # type: ignore[no-untyped-def]
    token = token_for(w.w1)
    plan = api.get(f"/plans/{w.p1.id}", token)
    closed = api.post(
        f"/plans/{w.p1.id}/close",
        token,
        json={"closed_on": "9999-12-31"},
        headers={"If-Match": plan.headers["ETag"]},
    )
    _problem(closed, "closed_on", OUTSIDE_WINDOW)
    assert session.get(Plan, w.p1.id).status == "active"


def test_api_refuses_a_citizen_starting_in_9999(w, api, token_for, session):  # type: ignore[no-untyped-def]
    before = count(session, Citizen)
    body = {
        "display_name": "Mette Holm",
        "birth_year": 1990,
        "gender": "k",
        "team_id": w.t1.id,
        "legal_basis": "§85",
        "start_date": "9999-01-01",
    }
    _problem(api.post("/citizens", token_for(w.w1), json=body), "start_date", OUTSIDE_WINDOW)
    assert count(session, Citizen) == before


# ------------------------------------------------------------------------------ import


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"scorings": SCORINGS.replace("2025-01-10", "0001-12-31")},
            f"scorings.csv:4: scored_on 0001-12-31: {OUTSIDE_WINDOW}",
        ),
        (
            {"scorings": SCORINGS.replace("2025-01-10", "2023-12-31")},
            "Datoen ligger mere end et år før borgerens start (1. jan. 2025).",
        ),
        ({"goals": GOALS.replace("2025-12-01", "9999-12-31")}, OUTSIDE_WINDOW),
        ({"citizens": CITIZENS.replace("2025-07-31", "9999-12-31")}, OUTSIDE_WINDOW),
        ({"citizens": CITIZENS.replace("2025-01-01", "9999-01-01")}, OUTSIDE_WINDOW),
    ],
)
def test_import_refuses_dates_outside_the_rules(app, session, tmp_path, files, message):  # type: ignore[no-untyped-def]
    folder = write(
        tmp_path / "in",
        **{"teams": TEAMS, "citizens": CITIZENS, "goals": GOALS, "scorings": SCORINGS, **files},
    )
    r = run(app, "import", str(folder))
    assert r.exit_code != 0 and message in r.output, r.output
    assert (count(session, Citizen), count(session, Scoring)) == (0, 0)


def test_complete_import_refuses_a_date_outside_the_window(databases, tmp_path):  # type: ignore[no-untyped-def]
    source = databases()
    with source.app_context():
        w = make.world(db.session)
        make.score(db.session, w.w1, w.c1, "ORS", date(2026, 3, 1), make.items("ORS", 5, 5, 5, 5))
        db.session.commit()
        db.session.remove()
    _export(source, tmp_path / "ud")
    folder = tmp_path / "ud" / "alle"
    path: Path = folder / "scorings.jsonl"
    damaged = path.read_text(encoding="utf-8").replace('"2026-03-01"', '"0001-12-31"')
    path.write_text(damaged, encoding="utf-8")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["tables"]["scorings"]["sha256"] = hashlib.sha256(damaged.encode()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    target = databases()
    result = _import(target, tmp_path / "ud")
    assert result.exit_code == 1, result.output
    assert f"scorings.jsonl linje 1, scored_on: {OUTSIDE_WINDOW}" in result.output


# ------------------------------------------------------------------- stored bad dates


@pytest.fixture()
def g(w, session):  # type: ignore[no-untyped-def]
    world = make.with_goal(session, w)
    sub = make.subgoal(session, world.g1)
    add_note(session, w.w1, sub, {"noted_on": date(2026, 3, 2), "text": "Godt i gang"}, TODAY)
    for occasion, value in (("baseline", 3), ("target", 1)):
        make.score(
            session,
            w.authority,
            w.c1,
            "FKO",
            date(2026, 2, 1),
            {"value": value},
            goal_id=world.g1.id,
            occasion=occasion,
        )
    make.score(
        session,
        w.w1,
        w.c1,
        "FKO",
        date(2026, 5, 4),
        {"value": 2},
        goal_id=world.g1.id,
        occasion="status",
    )
    make.score(session, w.w1, w.c1, "ORS", date(2026, 3, 1), make.items("ORS", 5, 5, 5, 5))
    make.score(session, w.w1, w.c1, "ORS", date(2026, 6, 1), make.items("ORS", 6, 6, 6, 6))
    session.commit()
    return world


@pytest.mark.parametrize(
    ("sql", "day"),
    [
        ("UPDATE scorings SET scored_on = :d", date(1, 12, 31)),
        ("UPDATE scorings SET scored_on = :d", date(9999, 12, 31)),
        ("UPDATE subgoals SET target_date = :d", date(9999, 12, 31)),
        ("UPDATE subgoals SET target_date = :d", date(1, 1, 1)),
        ("UPDATE subgoal_notes SET noted_on = :d", date(9999, 12, 31)),
        ("UPDATE goals SET target_date = :d", date(1, 1, 1)),
        ("UPDATE goals SET target_date = :d", date(9999, 12, 31)),
        ("UPDATE plans SET end_date = :d, status = 'closed'", date(9999, 12, 31)),
        ("UPDATE plans SET end_date = :d", date(9999, 12, 31)),
        ("UPDATE plans SET start_date = :d", date(1, 1, 1)),
        ("UPDATE citizens SET start_date = :d", date(9999, 1, 1)),
        ("UPDATE citizens SET start_date = :d", date(1, 1, 1)),
        ("UPDATE citizens SET end_date = :d", date(9999, 12, 31)),
    ],
)
def test_stored_dates_render(g, session, login_as, sql, day):  # type: ignore[no-untyped-def]
    session.execute(text(sql), {"d": day})
    session.commit()
    pages = []
    for user, url in (
        (g.w1, f"/borgere/{g.c1.id}"),
        (g.borger, "/mig"),
        (g.w1, "/borgere"),  # the list's signals reckon months from her ORS dates
        (g.w1, "/opgaver"),
    ):
        r = login_as(user).get(url)
        assert r.status_code == 200, (url, r.status_code)
        pages.append(r.get_data(as_text=True))
    if not sql.startswith("UPDATE citizens"):  # the page shows the stored date as text
        assert f"{day.day}. {'jan.' if day.month == 1 else 'dec.'} {day.year}" in pages[0]


@pytest.mark.parametrize("due", [date(9999, 12, 31), date(1, 1, 1)])
def test_a_timeline_that_cannot_be_drawn_is_its_words_and_table(due):  # type: ignore[no-untyped-def]
    step = Step("Madplan", "in_progress", "I gang", date(2026, 2, 1), due)
    chart = subgoal_timeline(
        [step], period=(date(2026, 1, 1), date(2026, 12, 31)), today=TODAY, goal="Mål", chart_id="t"
    )
    assert chart.empty and UNDRAWABLE in chart.summary
    assert chart.table.rows[0][2] == dk_date(due)
