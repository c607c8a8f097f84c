"""The leader's charts: shares per theme against targets, and the trend per quarter."""

from bostotte.charts import ThemeShare, quarterly_trend, theme_share_bars
from bostotte.charts.leader import PROTECTS
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

NB = "\u00a0"
ROWS = [
    ThemeShare("Mestring af eget liv", 28 / 47, 0.63, 47),
    ThemeShare("Sundhed", 0.5, 0.48, 31),
    ThemeShare("Socialt liv", None, 0.53, None),
]


def test_bars_are_as_long_as_the_shares_with_target_marks():
    c = theme_share_bars(ROWS, title="Fastholdt eller større mestring", chart_id="tema")
    assert_accessible(c)
    for root in layouts(c):
        bars = classed(root, "bar")
        assert len(bars) == 2  # the hidden cell has no bar
        x0 = float(bars[0].get("x", 0))
        full = float(bars[0].get("width", 0)) / (28 / 47)  # the width of 100 %
        assert near(float(bars[1].get("width", 0)), full * 0.5, 0.2)
        targets = [float(t.get("x1", 0)) for t in classed(root, "target")]
        assert [
            near(x, x0 + full * share, 0.2)
            for x, share in zip(targets, (0.63, 0.48, 0.53), strict=True)
        ] == [True] * 3
        assert f"Mestring af eget liv: 60{NB}%" in texts(root)
        assert "for få til at vise (under 5)" in texts(root)


def test_bars_summary_and_table():
    c = theme_share_bars(ROWS, title="Fastholdt eller større mestring", chart_id="tema")
    assert c.summary == (
        f"Andel pr. tema: Mestring af eget liv 60{NB}% (mål 63{NB}%) og Sundhed 50{NB}% "
        f"(mål 48{NB}%); Socialt liv har for få mål til at blive vist; 1 af 2 temaer har "
        "nået målet."
    )
    assert c.table.rows[2] == ("Socialt liv", "<5", f"53{NB}%", "<5")
    assert theme_share_bars([], title="x", chart_id="tema").empty


def test_a_bar_hidden_to_protect_a_small_neighbour_says_so():
    rows = [
        ThemeShare("Mestring af eget liv", None, None, None, hidden_as="<5"),
        ThemeShare("Sundhed", None, None, None, hidden_as=PROTECTS, protects=True),
        ThemeShare("Socialt liv", 0.5, None, 40),
    ]
    c = theme_share_bars(rows, title="Fastholdt eller større mestring", chart_id="tema")
    assert_accessible(c)
    assert c.table.rows[1] == ("Sundhed", "skjult", "–", PROTECTS)
    assert "Mestring af eget liv har for få mål til at blive vist" in c.summary
    assert f"Sundhed er {PROTECTS}" in c.summary
    for root in layouts(c):
        assert PROTECTS in texts(root) and "for få til at vise (under 5)" in texts(root)


def test_trend_has_a_point_a_quarter_and_breaks_at_a_hidden_one():
    quarters = [(2025, 1), (2025, 2), (2025, 3), (2025, 4)]
    series = [
        ("Mestring af eget liv", [0.5, 0.55, None, 0.6]),
        ("Sundhed", [0.4, 0.42, 0.45, 0.44]),
    ]
    c = quarterly_trend(quarters, series, title="Andel pr. kvartal", chart_id="trend")
    assert_accessible(c)
    for root in layouts(c):
        ax = axes(root)
        first, second = points(root, "s0"), points(root, "s1")
        assert len(first) == 3 and len(second) == 4
        assert len(classed(root, "line--s0")) == 1  # 0,5–0,55 joined; 0,6 stands alone
        for mark, value in zip(second, (0.4, 0.42, 0.45, 0.44), strict=True):
            assert near(center(mark)[1], ax.y(value))
        xs = [center(m)[0] for m in second]
        assert near(xs[1] - xs[0], xs[3] - xs[2])  # evenly spaced quarters
    assert c.summary == (
        f"Udvikling pr. kvartal fra 1. kvt. 2025 til 4. kvt. 2025: Mestring "
        f"af eget liv fra 50{NB}% til 60{NB}% og Sundhed fra 40{NB}% til "
        f"44{NB}%."
    )
    assert c.table.rows[2] == ("3. kvt. 2025", "<5", f"45{NB}%")
    assert quarterly_trend([], [], title="x", chart_id="trend").empty
