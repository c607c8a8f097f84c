"""FKO support need per goal: the turned axis, the target line, the final status."""

from datetime import date

from bostotte import instruments
from bostotte.charts import FkoPoint, fko_chart
from bostotte.charts.citizen import scale_of
from tests.charts.svgtools import (
    NS,
    assert_accessible,
    axes,
    center,
    classed,
    layouts,
    near,
    parse,
    points,
    texts,
)

FKO = instruments.get("FKO")
OCCASIONS = {k: o.label for k, o in FKO.occasions.items()}
GOAL = "Jeg vil selv kunne betale mine regninger"
POINTS = [
    FkoPoint(date(2026, 1, 13), 3, "baseline"),
    FkoPoint(date(2026, 1, 13), 1, "target"),
    FkoPoint(date(2026, 4, 20), 3, "status"),
    FkoPoint(date(2026, 7, 15), 2, "status"),
    FkoPoint(date(2026, 10, 17), 1, "final"),
]


def chart(points=POINTS, goal=GOAL, **kw):  # type: ignore[no-untyped-def]
    return fko_chart(
        points,
        scale=scale_of(FKO),
        theme="Mestring af eget liv",
        goal=goal,
        occasions=OCCASIONS,
        chart_id="fko-1",
        **kw,
    )


def test_heading_is_the_goal_and_the_svg_is_accessible():
    c = chart()
    assert c.title == f"Støttebehov – Mestring af eget liv: {GOAL}"
    assert_accessible(c)


def test_every_score_but_the_target_is_a_point_on_a_turned_axis():
    scored = [p for p in POINTS if p.occasion != "target"]
    for root in layouts(chart()):
        ax = axes(root)
        assert (ax.bottom, ax.top) == (4, 0)  # 0 (no support need) at the top
        marks = points(root, "fko")
        assert len(marks) == len(scored)
        for mark, p in zip(marks, scored, strict=True):
            x, y = center(mark)
            assert near(x, ax.x(p.on)) and near(y, ax.y(p.value)), p
        baseline, *_, final = marks
        assert baseline.tag == f"{NS}rect" and baseline.get("fill") == "#ffffff"
        assert final.tag == f"{NS}path"  # the final status is a diamond


def test_the_target_is_a_dashed_line_with_the_reached_zone_above_it():
    root = layouts(chart())[0]
    ax = axes(root)
    (target,) = classed(root, "ref")
    assert near(float(target.get("y1", 0)), ax.y(1)) and target.get("stroke-dasharray")
    (zone,) = classed(root, "band--target")
    assert near(float(zone.get("y", 0)), ax.y(0))
    assert near(float(zone.get("y", 0)) + float(zone.get("height", 0)), ax.y(1), 0.2)
    words = texts(root)
    for label in ("0 Intet", "4 Fuldstændigt", "Mål: 1 (Let)", "Afsluttende status"):
        assert label in words


def test_the_summary_and_callout_say_what_happened():
    c = chart()
    assert c.summary == (
        "Støttebehovet var 3 (Højt) ved udgangspunktet 13. jan. 2026 og er 1 (Let) ved den "
        "afsluttende status 17. okt. 2026 – 2 trin mindre støttebehov end ved "
        "udgangspunktet; målet er 1 (Let), og det er nået."
    )
    assert c.callout == (
        "Seneste: 1 (Let) (17. okt. 2026) – 2 trin mindre støttebehov end ved "
        "udgangspunktet, og målet er nået"
    )
    # her words: the scale's words, an arrow and a word for better, last time and first time
    assert chart(you=True).callout == (
        "Nu: Let støttebehov. ↑\u00a0Bedre end sidste gang (Moderat støttebehov). "
        "↑\u00a0Bedre end første gang (Højt støttebehov)."
    )
    assert chart(you=True).summary == (
        "Første gang, den 13. jan. 2026, havde du et højt støttebehov. Sidste gang, den "
        "17. okt. 2026, havde du et let støttebehov. Dit mål er et let støttebehov. Det har du "
        "nået."
    )
    assert "Lavere tal er bedre" in (c.note or "")
    assert c.table.rows[0] == ("13. jan. 2026", "Udgangspunkt (baseline)", "3 (Højt)")
    assert c.table.rows[-1] == ("–", "Mål for støttebehov", "1 (Let)")


def test_more_need_is_said_as_more_need():
    c = chart(points=[POINTS[0], FkoPoint(date(2026, 4, 20), 4, "status")])
    assert "1 trin mere støttebehov end ved udgangspunktet" in c.summary


def test_only_a_target_is_an_empty_state_that_names_the_target():
    c = chart(points=[POINTS[1]])
    assert c.empty
    assert c.summary == (
        "Der er ingen FKO-scoringer for målet endnu; målet for støttebehov er 1 (Let)."
    )


def test_one_baseline_is_one_point_and_said_so():
    c = chart(points=POINTS[:2])
    for root in layouts(c):
        assert len(points(root, "fko")) == 1 and not classed(root, "line")
    assert c.summary == (
        "Der er kun én FKO-scoring (udgangspunkt (baseline), 13. jan. 2026): "
        "3 (Højt); målet er 1 (Let), og det er ikke nået endnu."
    )


def test_the_goal_text_is_escaped():
    goal = 'Jeg vil <b>selv</b> & "mere"'
    c = chart(goal=goal)
    root = parse(c.svg)
    assert root[0].text == f"Støttebehov – Mestring af eget liv: {goal}"
    assert "<b>" not in str(c.svg)
