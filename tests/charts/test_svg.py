"""The building blocks: contrast of the colours, escaping, time ticks, wrapping."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from bostotte.charts import svg
from tests.charts.svgtools import NS


def contrast(a: str, b: str = "#ffffff") -> float:
    def luminance(colour: str) -> float:
        rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize(
    "colour",
    sorted({s.colour for s in svg.STYLES} | {svg.TEXT, svg.MUTED, svg.BLUE, svg.ORANGE, svg.GREEN}),
)
def test_series_and_text_colours_meet_wcag_aa(colour):
    # they label as well as draw: text contrast on white, graphics contrast on any tint
    assert contrast(colour) >= 4.5
    for tint in (svg.BLUE_TINT, svg.ORANGE_TINT, svg.GREEN_TINT):
        assert contrast(colour, tint) >= 3


def test_axis_lines_meet_graphics_contrast():
    assert contrast(svg.AXIS) >= 3


def test_styles_differ_by_more_than_colour():
    looks = {(s.marker, s.dash, s.filled) for s in svg.STYLES}
    assert len(looks) == len(svg.STYLES)


def test_text_and_attributes_are_escaped():
    out = svg.el("text", '<script>alert("x")</script> & co', data_x='"><b>')
    assert "<script>" not in out and "&lt;script&gt;" in out and "&#34;&gt;&lt;b&gt;" in out


def test_month_ticks_fit_and_follow_the_calendar():
    ticks, step = svg.month_ticks(date(2024, 12, 20), date(2026, 11, 10), 9)
    assert step == 3 and ticks[0] == date(2025, 1, 1) and ticks[-1] == date(2026, 10, 1)
    ticks, step = svg.month_ticks(date(2024, 12, 20), date(2026, 11, 10), 5)
    assert step == 6 and [t.month for t in ticks] == [1, 7, 1, 7]


def test_one_date_gets_a_readable_axis_around_it():
    start, end = svg.time_domain([date(2026, 3, 3)])
    assert (date(2026, 3, 3) - start).days == (end - date(2026, 3, 3)).days == 30


def test_wrap_keeps_no_break_spaces():
    assert svg.wrap("Mestring af eget liv: 60\u00a0%", 60, 13)[-1].endswith("60\u00a0%")


def test_an_axis_label_at_the_edge_stays_inside_the_drawing():
    """A New Year tick near the right end: its year was cut off on a phone."""
    layout = svg.NARROW
    box = svg.Box(30, 10, layout.width - 30 - 8, 100)
    drawn = svg.x_axis(date(2025, 1, 1), date(2027, 1, 3), box, layout)
    axis = ET.fromstring(f'<svg xmlns="http://www.w3.org/2000/svg">{drawn}</svg>')
    last = list(axis.iter(f"{NS}text"))[-1]
    words = [t.text or "" for t in last.iter(f"{NS}tspan")]
    assert words == ["jan.", "2027"]
    half = max(svg.text_width(w, layout.small) for w in words) / 2
    assert float(last.get("x", 0)) + half <= layout.width
    tick = list(axis.iter(f"{NS}line"))[-1]
    assert float(tick.get("x1", 0)) > float(last.get("x", 0))  # the tick stays on its date
