"""/statistik's stored numbers (stats.snapshots) and the data version (stats.freshness):
exact while nothing changed, stale (and said so, or recomputed) after any write that can
change a number, never old numbers passed off as new."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import insert, select, text, update

from bostotte.audit.services import log_access
from bostotte.common.time import local_today, utcnow
from bostotte.goals.models import Goal
from bostotte.imports.services import import_folder
from bostotte.scoring.models import Scoring
from bostotte.stats import freshness, snapshots
from bostotte.stats.models import StatSnapshot
from bostotte.stats.queries import Period, Scope
from bostotte.stats.services import BREAKDOWNS, dashboard, set_target
from tests.stats import bulk
from tests.stats.helpers import add_scoring

YEAR = {"fra": "2026-01-01", "til": "2026-11-23"}
P = Period(date(2026, 1, 1), date(2026, 11, 23))
FRESH = "Intet er ændret siden."
STALE = "Genberegn nu"


@pytest.fixture()
def w(w, session):
    bulk.add(session, bulk.Spec(w.t1.id, 10, w.w1.id, gender="k", status=2, name="Nordkvinde"))
    bulk.add(session, bulk.Spec(w.t1.id, 3, w.w1.id, gender="m", status=4, name="Nordmand"))
    return w


def _total(html: bytes) -> str:
    page = html.decode()
    start = page.index('id="fko-heading"')
    table = page[start : page.index("</table>", start)]
    row = re.search(r'<th scope="row">Alle temaer</th>(.*?)</tr>', table, re.S)
    assert row
    return re.sub(
        r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)[-1]
    ).strip()


def _version(session) -> int:
    return freshness.current(session)


def _make_costly(session) -> None:
    """As at national scale: the stored views took seconds to compute."""
    session.execute(update(StatSnapshot).values(seconds=12.0))
    session.commit()


def test_stored_numbers_read_back_exactly(session, w):
    dash = dashboard(session, P, today=date(2026, 11, 23), scope=Scope((w.t1.id,)))
    assert dash["breakdowns"].keys() == set(BREAKDOWNS)
    assert dash["trend"] and isinstance(dash["trend"][0]["quarter"], tuple)
    assert snapshots.loads(snapshots.dumps({"d": dash})) == {"d": dash}


def test_the_second_view_reads_the_stored_numbers(w, login_as, session, count_queries):
    leader = login_as(w.leader)
    first = leader.get("/statistik", query_string=YEAR)
    assert first.status_code == 200 and FRESH in first.data.decode()
    assert session.scalar(select(StatSnapshot.view))  # stored
    with count_queries() as statements:
        second = leader.get("/statistik", query_string=YEAR)
    assert _total(second.data) == _total(first.data) == "13"
    assert FRESH in second.data.decode()
    assert not any("scorings" in s for s in statements)  # nothing counted again


def test_a_write_recomputes_a_cheap_view_at_once(w, login_as, session):
    leader = login_as(w.leader)
    assert _total(leader.get("/statistik", query_string=YEAR).data) == "13"
    bulk.add(session, bulk.Spec(w.t1.id, 2, w.w1.id))  # Core inserts, as the import's
    response = leader.get("/statistik", query_string=YEAR)
    assert _total(response.data) == "15" and FRESH in response.data.decode()


def test_a_costly_view_says_it_is_stale_and_recomputes_on_request(w, login_as, session):
    leader = login_as(w.leader)
    leader.get("/statistik", query_string=YEAR)
    _make_costly(session)
    bulk.add(session, bulk.Spec(w.t1.id, 2, w.w1.id))
    stale = leader.get("/statistik", query_string=YEAR).data.decode()
    assert _total(stale.encode()) == "13"  # the stored numbers …
    assert STALE in stale and FRESH not in stale  # … said to be older than the data
    assert "Der er registreret noget siden" in " ".join(stale.split())
    response = leader.post("/statistik/genberegn", query_string=YEAR)
    assert response.status_code == 302
    fresh = leader.get(response.headers["Location"]).data.decode()
    assert _total(fresh.encode()) == "15" and FRESH in fresh and STALE not in fresh


def test_the_exports_say_how_fresh_their_numbers_are(w, login_as, session):
    leader = login_as(w.leader)
    args = {**YEAR, "type": "midtvejs"}

    def words() -> str:
        pdf = leader.get("/statistik/rapport.pdf", query_string=args)
        assert pdf.status_code == 200
        return " ".join(
            " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages
        )

    assert "Tal beregnet: i dag" in words() and "som ikke er med" not in words()
    _make_costly(session)
    bulk.add(session, bulk.Spec(w.t1.id, 2, w.w1.id))
    assert "som ikke er med" in words()


def test_a_new_day_makes_the_numbers_stale(w, login_as, session):
    leader = login_as(w.leader)
    leader.get("/statistik", query_string=YEAR)
    # Which due scorings are late depends on the day: yesterday's numbers are not exact.
    session.execute(update(StatSnapshot).values(computed_on=local_today() - timedelta(days=1)))
    session.commit()
    _make_costly(session)
    assert STALE in leader.get("/statistik", query_string=YEAR).data.decode()


def test_a_target_shows_at_once_without_computing_again(w, login_as, session):
    leader = login_as(w.leader)
    leader.get("/statistik", query_string={**YEAR, "team": w.t1.id})
    _make_costly(session)
    version = _version(session)
    set_target(
        session, "mestring", Period(date(2026, 1, 1), date(2026, 12, 31)), 0.63, team_id=w.t1.id
    )
    session.commit()
    assert _version(session) == version  # targets are read with every view
    page = leader.get("/statistik", query_string={**YEAR, "team": w.t1.id}).data.decode()
    assert "63" in page and FRESH in page


@pytest.mark.parametrize(
    "write",
    [
        "orm_new_scoring",
        "orm_goal_dates",
        "orm_delete_scoring",
        "core_update",
        "text_insert",
        "user_name",
        "user_teams",
    ],
)
def test_every_kind_of_write_raises_the_version(w, session, write):
    goal = session.scalars(select(Goal).order_by(Goal.id)).first()
    before = _version(session)
    match write:
        case "orm_new_scoring":
            add_scoring(
                session, goal.citizen, "FKO", date(2026, 5, 1), {"value": 1}, goal, "status"
            )
        case "orm_goal_dates":
            goal.theme = "sundhed" if goal.theme != "sundhed" else "mestring"
        case "orm_delete_scoring":
            session.delete(session.scalars(select(Scoring)).first())
        case "core_update":
            session.execute(update(Goal).where(Goal.id == goal.id).values(theme="sundhed"))
        case "text_insert":
            session.execute(
                text("UPDATE citizens SET gender = 'm' WHERE id = :id"), {"id": goal.citizen_id}
            )
        case "user_name":
            w.w1.name = "Nyt Navn"
        case "user_teams":
            w.w1.teams = [w.t1, w.t2]
    session.commit()
    assert _version(session) == before + 1


def test_reads_logins_and_the_access_log_leave_the_version(w, session):
    before = _version(session)
    citizen = session.scalars(select(Goal.citizen_id)).first()
    log_access(session, w.w1, citizen, "test")
    w.w1.last_login_at = utcnow()
    session.commit()
    session.execute(
        insert(StatSnapshot.__table__).values(
            key="x" * 64,
            view="{}",
            data_version=0,
            computed_on=date(2026, 1, 1),
            computed_at=utcnow(),
            seconds=0.0,
            last_read_on=date(2026, 1, 1),
            payload="{}",
        )
    )
    session.commit()
    assert _version(session) == before


def test_a_rolled_back_write_leaves_the_version(w, session):
    before = _version(session)
    goal = session.scalars(select(Goal)).first()
    goal.theme = "sundhed"
    session.flush()
    session.rollback()
    session.commit()
    assert _version(session) == before


def test_the_import_raises_the_version(w, session, tmp_path: Path):
    before = _version(session)
    folder = tmp_path / "imp"
    folder.mkdir()
    (folder / "teams.csv").write_text("external_id,name\nT-NY,Team Ny\n", encoding="utf-8")
    report = import_folder(session, folder, date(2026, 11, 23))
    assert report.files["teams.csv"].created == 1
    session.commit()
    assert _version(session) == before + 1


def test_the_nights_run_recomputes_what_leaders_read(w, session):
    day = date(2026, 11, 23)

    def view(start: date, end: date) -> snapshots.View:
        return snapshots.View(Scope((w.t1.id,)), Period(start, end), None, 5, True)

    snapshots.compute(session, view(date(2026, 1, 1), day), day)  # the year so far
    snapshots.compute(session, view(date(2026, 1, 1), date(2026, 6, 30)), day)
    long_ago = day - timedelta(days=snapshots.KEEP_DAYS + 1)
    snapshots.compute(session, view(date(2025, 1, 1), date(2025, 12, 31)), long_ago)
    session.commit()

    next_day = day + timedelta(days=1)
    assert snapshots.refresh(session, next_day) == 2
    rows = session.scalars(select(StatSnapshot)).all()
    periods = sorted(
        (snapshots.view_from_json(r.view).period for r in rows), key=lambda p: (p.start, p.end)
    )
    assert periods == [
        Period(date(2026, 1, 1), date(2026, 6, 30)),
        Period(date(2026, 1, 1), next_day),
    ]
    assert {r.computed_on for r in rows} == {next_day}
    assert snapshots.refresh(session, next_day) == 0  # exact already: nothing to do

    # At the year's end the year so far is a whole year: it stays as it was.
    snapshots.compute(session, view(date(2026, 1, 1), date(2026, 12, 31)), date(2026, 12, 31))
    session.execute(update(StatSnapshot).values(last_read_on=date(2026, 12, 31)))
    session.commit()
    # The half-year is computed again; the two years so far (to 24 November, to 31
    # December) stay: 2027's year so far is a new view.
    assert snapshots.refresh(session, date(2027, 1, 1)) == 1
    kept = session.scalars(
        select(StatSnapshot).where(StatSnapshot.computed_on == date(2026, 12, 31))
    ).one()
    assert snapshots.view_from_json(kept.view).period.end == date(2026, 12, 31)


def test_recomputing_is_a_leaders_post_with_her_scope(w, login_as, app):
    assert login_as(w.w1).post("/statistik/genberegn").status_code == 403
    assert login_as(w.borger).post("/statistik/genberegn").status_code == 403
    leader = login_as(w.leader)
    assert leader.post("/statistik/genberegn", query_string={"team": w.t2.id}).status_code == 403
    assert leader.get("/statistik/genberegn").status_code == 405


def test_the_refresh_command_and_the_nights_job(app, w, login_as, session):
    login_as(w.leader).get("/statistik", query_string=YEAR)
    session.execute(update(StatSnapshot).values(computed_on=date(2026, 1, 1)))
    session.commit()
    result = app.test_cli_runner().invoke(args=["bostotte", "stats-refresh"])
    assert result.exit_code == 0 and "1 visninger af statistikken er beregnet." in result.output
    session.execute(update(StatSnapshot).values(computed_on=date(2026, 1, 1)))
    session.commit()
    from bostotte.reminders import scheduler  # noqa: PLC0415 (the job as APScheduler runs it)

    scheduler.run_stats_refresh(app)
    session.expire_all()
    assert session.scalar(select(StatSnapshot.computed_on)) == local_today()
