"""The charts on the worker's citizen page and on the citizen's own page (/mig)."""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from bostotte import instruments
from bostotte.auth.models import Role
from bostotte.charts.citizen import ors_cutoffs
from bostotte.goals.models import Goal
from tests import factories as make

ORS = instruments.get("ORS")
REM = instruments.get("REM")
SVG = re.compile(r'<svg xmlns="http://www.w3.org/2000/svg".*?</svg>', re.S)


@dataclass
class ChartWorld(make.World):
    goal: Goal


@pytest.fixture()
def w(w, session):
    c1, worker = w.c1, w.w1
    goal = make.goal(session, worker, w.p1, specific="Jeg vil selv betale regninger")
    make.subgoal(session, goal, title="Åbne posten om mandagen", target_date=date(2026, 5, 1))
    for occasion, value in (("baseline", 3), ("target", 1)):
        make.score(
            session,
            w.authority,
            c1,
            "FKO",
            date(2026, 2, 1),
            {"value": value},
            goal_id=goal.id,
            occasion=occasion,
        )
    make.score(
        session,
        worker,
        c1,
        "FKO",
        date(2026, 5, 1),
        {"value": 2},
        goal_id=goal.id,
        occasion="status",
    )
    for on, ors, srs in (
        (date(2026, 2, 1), (5, 5.5, 5, 6), (8, 9, 9, 9)),  # 21,5 and 35
        (date(2026, 3, 3), (7, 7, 6.5, 7), (9, 9, 9.5, 9.5)),
    ):  # 27,5; 37
        make.score(session, worker, c1, "ORS", on, make.items("ORS", *ors))
        make.score(session, worker, c1, "SRS", on, make.items("SRS", *srs))
    for on, value in ((date(2026, 2, 15), 3), (date(2026, 10, 1), 2)):
        make.score(session, worker, c1, "REM", on, dict.fromkeys(REM.item_ids, value))
    session.commit()
    return ChartWorld(**vars(w), goal=goal)


def svgs(page: str) -> list[ET.Element]:
    found = [ET.fromstring(s) for s in SVG.findall(page)]  # each chart SVG parses in the page
    assert found
    return found


def test_worker_page_shows_every_chart(w, login_as):
    page = login_as(w.w1).get(f"/borgere/{w.c1.id}").get_data(as_text=True)
    goal_id = w.goal.id
    for chart_id in (
        "ors-srs",
        "rem-radar",
        "rem-indikatorer",
        f"fko-{goal_id}",
        f"delmaal-{goal_id}",
    ):
        assert f'id="chart-{chart_id}"' in page, chart_id
    assert "Seneste ORS: 27,5 (3. mar. 2026) – 6 point højere end første gang" in page
    assert "Siden første REM er 9 af 9 områder blevet bedre" in page
    assert "Se tallene" in page and "<caption>ORS og SRS pr. dato</caption>" in page
    assert len(svgs(page)) == 2 * 5  # a wide and a narrow drawing of each
    assert ' style="' not in page and "<style" not in page  # nothing the CSP blocks


def test_citizen_sees_her_graphs_worded_to_her(w, login_as):
    page = login_as(w.borger).get("/mig").get_data(as_text=True)
    assert "Dit seneste tal: 27,5 – 6 point højere end første gang" in page
    assert f'id="chart-fko-{w.goal.id}"' in page
    assert "Nu: Moderat støttebehov. ↑\u00a0Bedre end første gang (Højt støttebehov)." in page
    assert "Siden din første REM er 9 af 9 områder blevet bedre" in page
    assert "chart-delmaal" not in page and "chart-rem-indikatorer" not in page
    svgs(page)


def test_no_scorings_yet_shows_words_not_an_empty_chart(w, login_as, session):
    other = make.user(session, Role.CITIZEN, citizen_id=w.c2.id)
    session.commit()
    worker_page = login_as(w.w2).get(f"/borgere/{w.c2.id}").get_data(as_text=True)
    assert "chart-ors-srs" not in worker_page and "Ingen scoringer endnu." in worker_page
    own_page = login_as(other).get("/mig").get_data(as_text=True)
    assert "Du har ikke målt ORS eller SRS endnu." in own_page
    assert "Du har ikke målt REM endnu." in own_page
    assert "<svg xmlns" not in own_page


def test_more_scorings_do_not_mean_more_queries(w, login_as, session, count_queries):
    worker, citizen = login_as(w.w1), login_as(w.borger)

    def queries() -> tuple[int, int]:
        with count_queries() as on_worker_page:
            worker.get(f"/borgere/{w.c1.id}")
        with count_queries() as on_own_page:
            citizen.get("/mig")
        return len(on_worker_page), len(on_own_page)

    queries()  # the first page of the day reads the expected-progress history (kept after)
    few = queries()
    for k in range(12):
        make.score(
            session,
            w.w1,
            w.c1,
            "ORS",
            date(2026, 4, 1) + timedelta(days=14 * k),
            make.items("ORS", 7, 7, 7, 7),
        )
    session.commit()
    assert queries() == few


def test_the_ors_cut_off_follows_the_age_from_the_instrument_file():
    adult, teen, child = (ORS.cutoffs[k] for k in ("adult", "age_13_17", "age_6_12"))
    # born 2009: 16 in 2025, 18 from 1 January 2027
    cut = ors_cutoffs(ORS, 2009, [date(2025, 5, 1), date(2026, 3, 1), date(2027, 2, 1)])
    assert [(c.start, c.value, c.group) for c in cut] == [
        (date(2025, 5, 1), teen, "13–17 år"),
        (date(2027, 1, 1), adult, ""),
    ]
    (kid,) = ors_cutoffs(ORS, 2015, [date(2025, 5, 1)])
    assert (kid.value, kid.group) == (child, "6–12 år")
    (grown,) = ors_cutoffs(ORS, 1980, [date(2025, 5, 1), date(2026, 5, 1)])
    assert (grown.value, grown.group) == (adult, "")
