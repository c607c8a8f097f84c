"""Delmål on the plan's timeline."""

from datetime import date

from bostotte.charts import Step, subgoal_timeline
from tests.charts.svgtools import (
    assert_accessible,
    axes,
    center,
    classed,
    layouts,
    near,
    points,
    texts,
)

PERIOD = (date(2026, 1, 13), date(2027, 1, 13))
TODAY = date(2026, 11, 23)
STEPS = [
    Step(
        "Lave et budget",
        "achieved",
        "Opnået",
        date(2026, 1, 13),
        date(2026, 3, 23),
        (date(2026, 2, 1), date(2026, 6, 1)),
    ),
    Step("Betalingsservice", "in_progress", "I gang", date(2026, 1, 13), date(2026, 5, 8)),
    Step("Tjekke e-Boks", "not_started", "Ikke påbegyndt", date(2026, 2, 1)),
    Step("Ringe til banken", "dropped", "Droppet", date(2026, 3, 1), date(2026, 12, 1)),
]


def chart(steps=STEPS):  # type: ignore[no-untyped-def]
    return subgoal_timeline(
        steps, period=PERIOD, today=TODAY, goal="Regninger", chart_id="delmaal-1"
    )


def test_one_row_a_delmaal_with_its_status_at_its_target_date():
    c = chart()
    assert_accessible(c)
    for root in layouts(c):
        ax = axes(root)
        assert (ax.start, ax.end) == PERIOD
        assert len(classed(root, "step")) == 4
        for step in STEPS:
            (mark,) = points(root, step.status)
            assert near(center(mark)[0], ax.x(step.due or step.start))
        assert len(classed(root, "note")) == 2
        (today,) = classed(root, "today")
        assert near(float(today.get("x1", 0)), ax.x(TODAY))
        # past the target date: on to the last note, and on to today when still open
        ends = sorted(float(t.get("x2", 0)) for t in classed(root, "tail"))
        assert [
            near(a, b) for a, b in zip(ends, (ax.x(date(2026, 6, 1)), ax.x(TODAY)), strict=True)
        ] == [True, True]
    words = texts(layouts(c)[0])
    assert "I gang · måldato 8. maj 2026 er overskredet" in words
    assert "Ikke påbegyndt · ingen måldato" in words


def test_summary_counts_and_names_what_is_overdue():
    c = chart()
    assert c.summary == (
        "4 delmål i planperioden 13. jan. 2026 – 13. jan. 2027: 1 opnået, 1 i gang, 1 ikke "
        "påbegyndt og 1 droppet; 1 har overskredet måldatoen (Betalingsservice, 8. maj 2026)."
    )
    assert c.table.rows[1] == (
        "Betalingsservice",
        "13. jan. 2026",
        "8. maj 2026",
        "I gang (måldato overskredet)",
        "0",
    )


def test_no_delmaal_is_an_empty_state():
    c = chart(steps=[])
    assert c.empty and c.summary == "Målet har ingen delmål endnu."


def test_a_delmaal_outside_the_plan_period_widens_the_axis():
    late = Step("Efter planen", "in_progress", "I gang", date(2026, 6, 1), date(2027, 3, 1))
    ax = axes(layouts(chart(steps=[late]))[0])
    assert ax.end == date(2027, 3, 1)
