"""The band on the charts: drawn in both layouts, said in the summary, shown in the table."""

from __future__ import annotations

from datetime import date, timedelta

from bostotte import instruments
from bostotte.charts import Cutoff, FkoPoint, fko_chart, ors_srs_chart
from bostotte.charts.citizen import scale_of
from bostotte.progress.bands import TOO_FEW, Curve, Point
from tests.charts.svgtools import assert_accessible, layouts

ORS, SRS, FKO = instruments.get("ORS"), instruments.get("SRS"), instruments.get("FKO")
DATES = [date(2025, 1, 6) + timedelta(days=14 * k) for k in range(4)]
CURVE = Curve(
    2,
    "15–20",
    42,
    tuple(Point(k, 42, 16 + k, 18 + k, 20 + k) for k in range(1, 4)),
)


def ors_chart(totals, expected):  # type: ignore[no-untyped-def]
    return ors_srs_chart(
        list(zip(DATES, totals, strict=False)),
        [],
        scale=ORS.total_range,
        cutoffs=[Cutoff(date(2000, 1, 1), 25.0)],
        alliance=SRS.cutoffs["alliance"],
        reliable_change=ORS.reliable_change,
        expected=expected,
    )


def test_the_band_is_drawn_and_said():
    chart = ors_chart([17.0, 18.0, 19.0, 15.0], CURVE)
    assert_accessible(chart)
    for root in layouts(chart):
        assert root.findall(".//{*}path[@class='envelope--expected']")
        assert root.findall(".//{*}path[@class='envelope-mid--expected']")
    # four sessions, the curve has three points: the fourth meets the third's band
    assert "seneste ORS (15) er under det forventede" in chart.summary
    assert "Halvdelen af 42 tidligere forløb, der startede i samme bånd (15–20)" in chart.summary
    assert "ved 3. samtale og senere mellem 19 og 23, med midten på 21" in chart.summary
    assert chart.table.columns[-1] == "Forventet (midterste halvdel)"
    assert [r[-1] for r in chart.table.rows] == [
        "17–21 (midten 19)",
        "18–22 (midten 20)",
        "19–23 (midten 21)",
        "19–23 (midten 21)",
    ]


def test_where_she_is_in_plain_words():
    assert "som forventet" in ors_chart([17.0, 20.0], CURVE).summary
    assert "over det forventede" in ors_chart([17.0, 21.0, 24.0], CURVE).summary


def test_too_few_courses_say_so_and_draw_nothing():
    few = Curve(2, "15–20", 29, ())
    chart = ors_chart([17.0, 18.0, 19.0], few)
    assert TOO_FEW in chart.summary and "der skal være mindst 30" in chart.summary
    assert "envelope" not in chart.svg and len(chart.table.columns) == 4


def test_no_curve_no_change():
    plain = ors_chart([17.0, 18.0], None)
    assert "Forventet" not in plain.summary and "envelope" not in plain.svg


def test_the_fko_band_by_quarter_since_the_baseline():
    start = date(2025, 1, 6)
    points = [FkoPoint(start, 3, "baseline")] + [
        FkoPoint(start + timedelta(days=91 * q), v, "status") for q, v in ((1, 3), (2, 3))
    ]
    curve = Curve(3, "3 Højt", 55, (Point(1, 55, 2, 3, 3), Point(2, 55, 1, 2, 3)))
    chart = fko_chart(
        points,
        scale=scale_of(FKO),
        theme="Mestring",
        goal="Klare posten",
        chart_id="fko-1",
        expected=curve,
    )
    for root in layouts(chart):
        assert root.findall(".//{*}path[@class='envelope--expected']")
    assert "seneste status er som forventet" in chart.summary
    assert "Halvdelen af 55 tidligere mål med udgangspunkt 3 Højt lå efter 2 kvartaler" in (
        chart.summary
    )
    worse = fko_chart(
        [*points[:2], FkoPoint(start + timedelta(days=182), 4, "status")],
        scale=scale_of(FKO),
        theme="Mestring",
        goal="Klare posten",
        chart_id="fko-1",
        expected=curve,
    )
    assert "mere støttebehov end forventet" in worse.summary
