"""REM: the radar puts better outward; the small multiples put better on top."""

import math
from datetime import date

from bostotte import instruments
from bostotte.charts import rem_multiples, rem_radar
from bostotte.charts.citizen import scale_of
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

REM = instruments.get("REM")
ITEMS = [(i.id, i.label) for i in REM.items]
SCALE = scale_of(REM)
FIRST = dict.fromkeys(REM.item_ids, 3.0) | {"oekonomi": 4.0}
MIDDLE = FIRST | {"struktureringsevne": 2.0}
LATEST = FIRST | {"struktureringsevne": 1.0, "helbred_vaner": 4.0}
SCORINGS = [(date(2025, 3, 25), FIRST), (date(2025, 9, 20), MIDDLE), (date(2026, 3, 22), LATEST)]


def test_radar_has_a_web_for_the_first_and_the_latest_scoring():
    c = rem_radar(ITEMS, SCORINGS, scale=SCALE)
    assert_accessible(c)
    for root in layouts(c):
        assert len(points(root, "first")) == len(points(root, "latest")) == 9
        assert len(classed(root, "web")) == 2


def test_radar_puts_no_challenges_on_the_outer_ring():
    root = layouts(rem_radar(ITEMS, SCORINGS, scale=SCALE))[0]
    (radar,) = classed(root, "radar")
    cx, cy = float(radar.get("data-cx", 0)), float(radar.get("data-cy", 0))
    inner, outer = float(radar.get("data-inner", 0)), float(radar.get("data-outer", 0))
    for key, values in (("first", FIRST), ("latest", LATEST)):
        for p in points(root, key):
            x, y = center(p)
            value = values[p.get("data-item", "")]
            expected = inner + (4 - value) / 4 * (outer - inner)  # 0 outermost, 4 innermost
            assert near(math.hypot(x - cx, y - cy), expected, 0.15), (key, p.get("data-item"))
    top = next(p for p in points(root, "latest") if p.get("data-item") == "struktureringsevne")
    assert near(center(top)[0], cx)  # the first indicator straight up
    assert "Første: 25. mar. 2025" in texts(root) and "Seneste: 22. mar. 2026" in texts(root)


def test_radar_words_and_table():
    c = rem_radar(ITEMS, SCORINGS, scale=SCALE)
    assert c.summary == (
        "Fra første REM 25. mar. 2025 til seneste 22. mar. 2026 er 1 bedre, 7 uændrede og "
        "1 dårligere; flest udfordringer nu ved Økonomi og Helbred/vaner (4, store "
        "udfordringer)."
    )
    assert c.callout == "Siden første REM er 1 af 9 områder blevet bedre"
    assert "Bedre er længere ude" in (c.note or "")
    assert c.table.rows[0] == ("Struktureringsevne", "3", "1", "2 bedre")
    assert c.table.rows[-1] == ("Helbred/vaner", "3", "4", "1 dårligere")
    assert c.table.rows[5] == ("Økonomi", "4", "4", "Uændret")


def test_radar_on_a_phone_numbers_the_spokes_and_lists_the_names():
    narrow = layouts(rem_radar(ITEMS, SCORINGS, scale=SCALE))[1]
    assert "1. Struktureringsevne: 3 → 1" in texts(narrow)


def test_one_rem_scoring_is_one_web_and_no_multiples():
    radar = rem_radar(ITEMS, SCORINGS[:1], scale=SCALE)
    root = layouts(radar)[0]
    assert len(points(root, "latest")) == 9 and not points(root, "first")
    assert radar.summary == (
        "Der er én REM-scoring, 25. mar. 2025: flest udfordringer ved "
        "Økonomi (4, store udfordringer)."
    )
    multiples = rem_multiples(ITEMS, SCORINGS[:1], scale=SCALE)
    assert multiples.empty
    assert multiples.summary == (
        "Udviklingen pr. indikator vises, når der er mindst to REM-scoringer."
    )


def test_no_rem_scoring_is_empty():
    assert rem_radar(ITEMS, [], scale=SCALE).empty
    assert rem_multiples(ITEMS, [], scale=SCALE).empty


def test_small_multiples_one_panel_an_indicator_better_on_top():
    c = rem_multiples(ITEMS, SCORINGS, scale=SCALE)
    assert_accessible(c)
    for root in layouts(c):
        panels = classed(root, "panel")
        assert [p.get("data-item") for p in panels] == REM.item_ids
        for panel in panels:
            ax = axes(panel)
            assert (ax.bottom, ax.top) == (4, 0)
            item = panel.get("data-item", "")
            marks = points(panel, item)
            assert len(marks) == 3
            for mark, (d, values) in zip(marks, SCORINGS, strict=True):
                x, y = center(mark)
                assert near(x, ax.x(d)) and near(y, ax.y(values[item]))
    assert c.summary == (
        "REM er scoret 3 gange fra 25. mar. 2025 til 22. mar. 2026; bedre: "
        "Struktureringsevne; dårligere: Helbred/vaner."
    )
    assert c.table.columns == ("Indikator", "25. mar. 2025", "20. sep. 2025", "22. mar. 2026")
