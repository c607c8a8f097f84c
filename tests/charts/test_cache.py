"""Charts drawn once per data and kept (bostotte/charts/cache.py): the same data finds the
drawn chart, any change to her data draws it again, and the cache stays within its size."""

from __future__ import annotations

from datetime import date

import pytest

from bostotte.charts.cache import ChartCache, _key, charts, kept
from bostotte.charts.model import Chart, FkoPoint, Table
from bostotte.goals.services import add_note
from bostotte.scoring.services import edit_scoring
from tests import factories as make
from tests.conftest import without_csrf


@pytest.fixture(autouse=True)
def empty_cache():
    charts.clear()
    yield
    charts.clear()


def _chart(svg: str) -> Chart:
    return Chart("x", "X", "Sammenfatning", Table("X", ("a",), ()), svg=svg)  # type: ignore[arg-type]


def test_equal_data_is_drawn_once_and_other_data_again():
    drawn = []

    @kept
    def chart(points, *, you=False):
        drawn.append(points)
        return _chart(f"<svg>{points}{you}</svg>")

    first = chart([FkoPoint(date(2026, 1, 5), 3, "baseline")])
    # Equal data in other objects (as the next request loads it) finds the drawn chart.
    assert chart([FkoPoint(date(2026, 1, 5), 3, "baseline")]) is first
    assert len(drawn) == 1
    chart([FkoPoint(date(2026, 1, 5), 2, "baseline")])  # another value
    chart([FkoPoint(date(2026, 1, 6), 3, "baseline")])  # another date
    chart([FkoPoint(date(2026, 1, 5), 3, "baseline")], you=True)  # worded to her
    assert len(drawn) == 4


def test_the_key_tells_apart_what_prints_differently():
    # 3 and 3.0 are equal in Python but may print differently in a chart.
    assert _key(_chart, (3,), {}) != _key(_chart, (3.0,), {})
    assert _key(_chart, (3,), {"you": True}) != _key(_chart, (3,), {"you": False})
    # The same date twice as one object or as two equal ones is the same data.
    day = date(2026, 1, 5)
    assert _key(_chart, ([day, day],), {}) == _key(_chart, ([day, date(2026, 1, 5)],), {})


def test_the_least_recently_used_charts_go_first():
    cache = ChartCache(max_bytes=3_000)
    big = _chart("x" * 900)  # about 1,400 bytes with its text
    cache.get(b"a", lambda: big)
    cache.get(b"b", lambda: big)
    cache.get(b"a", lambda: big)  # a used again: b is now the oldest
    cache.get(b"c", lambda: big)
    assert cache.size <= cache.max_bytes
    assert cache.draws == 3
    cache.get(b"a", lambda: big)
    assert cache.draws == 3  # still kept
    cache.get(b"b", lambda: big)
    assert cache.draws == 4  # dropped, drawn again


@pytest.fixture()
def page(w, session, login_as):
    """The worker's citizen page with an FKO goal (a delmål with a note) and two ORS."""
    goal = make.goal(session, w.w1, w.p1, specific="Jeg vil selv handle ind")
    subgoal = make.subgoal(session, goal, title="Lave en indkøbsliste")
    for occasion, value in (("baseline", 3), ("target", 1)):
        make.score(
            session, w.authority, w.c1, "FKO", date(2026, 2, 1), {"value": value},
            goal_id=goal.id, occasion=occasion,
        )  # fmt: skip
    ors = [
        make.score(session, w.w1, w.c1, "ORS", on, make.items("ORS", 5, 5, 5, 5))
        for on in (date(2026, 3, 2), date(2026, 4, 6))
    ]
    session.commit()
    client = login_as(w.w1)

    def get() -> str:
        response = client.get(f"/borgere/{w.c1.id}")
        assert response.status_code == 200
        return without_csrf(response.get_data(as_text=True))  # compared whole below

    return get, goal, subgoal, ors


def test_a_second_view_draws_nothing(page):
    get, *_ = page
    first = get()
    drawn = charts.draws
    assert drawn >= 3  # ORS/SRS, the goal's FKO and its delmål
    assert get() == first
    assert charts.draws == drawn


def test_a_new_scoring_redraws_its_chart_only(page, w, session):
    get, *_ = page
    assert "11. maj 2026" not in get()
    drawn = charts.draws
    make.score(session, w.w1, w.c1, "ORS", date(2026, 5, 11), make.items("ORS", 8, 8, 8, 8))
    session.commit()
    after = get()
    assert "11. maj 2026" in after and "32" in after  # the new point and its total
    assert charts.draws == drawn + 1  # the ORS/SRS chart; the FKO and delmål charts kept


def test_an_edited_scoring_an_edited_goal_and_a_new_note_redraw(page, w, session):
    get, goal, subgoal, ors = page
    get()
    drawn = charts.draws
    edit_scoring(
        session, w.w1, ors[-1], {"scored_on": date(2026, 4, 6), "participation": "together"},
        make.items("ORS", 9, 9, 9, 9), today=make.TODAY,
    )  # fmt: skip
    session.commit()
    assert "36" in get()  # 4 × 9
    assert charts.draws == drawn + 1
    goal.specific = "Jeg vil selv handle ind og lave mad"
    session.commit()
    assert "Jeg vil selv handle ind og lave mad" in get()
    assert charts.draws == drawn + 3  # the goal's FKO chart and its delmål timeline
    add_note(
        session,
        w.w1,
        subgoal,
        {"text": "Listen virker", "noted_on": date(2026, 6, 1)},
        today=make.TODAY,
    )
    session.commit()
    get()
    assert charts.draws == drawn + 4  # the timeline shows the note's date


def test_another_worker_gets_no_chart_of_hers(page, w, login_as):
    get, *_ = page
    get()
    assert login_as(w.w2).get(f"/borgere/{w.c1.id}").status_code == 404


def test_her_own_page_words_the_charts_to_her(page, w, login_as):
    get, *_ = page
    get()
    drawn = charts.draws
    mine = login_as(w.borger).get("/mig")
    assert mine.status_code == 200
    assert charts.draws > drawn  # "Din seneste score …": not the worker's charts
