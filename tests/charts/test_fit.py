"""ORS/SRS over time: points where the scores are, bands where the cut-offs are, words that
say the right numbers."""

from datetime import date

import pytest

from bostotte import instruments
from bostotte.charts import Cutoff, ors_srs_chart
from tests.charts.svgtools import (
    NS,
    assert_accessible,
    axes,
    center,
    classed,
    layouts,
    near,
    points,
    texts,
)

ORS, SRS = instruments.get("ORS"), instruments.get("SRS")
ADULT = [Cutoff(date(2000, 1, 1), ORS.cutoffs["adult"])]
DATES = [date(2025, 1, 16), date(2025, 2, 13), date(2025, 3, 13), date(2025, 4, 10)]
ORS_SCORES = list(zip(DATES, [21.5, 24.0, 26.5, 27.5], strict=True))
SRS_SCORES = list(zip(DATES, [35.0, 36.5, 37.0, 37.0], strict=True))


def chart(ors=ORS_SCORES, srs=SRS_SCORES, cutoffs=ADULT, **kw):  # type: ignore[no-untyped-def]
    return ors_srs_chart(
        ors,
        srs,
        scale=ORS.total_range,
        cutoffs=cutoffs,
        alliance=SRS.cutoffs["alliance"],
        reliable_change=ORS.reliable_change,
        **kw,
    )


def test_the_svg_parses_and_is_accessible():
    c = chart()
    assert_accessible(c)
    assert c.title == "ORS og SRS over tid"
    wide, narrow = layouts(c)
    assert (wide.get("data-layout"), narrow.get("data-layout")) == ("wide", "narrow")


def test_one_point_per_scoring_where_the_axes_put_it():
    for root in layouts(chart()):
        ax = axes(root)
        assert (ax.bottom, ax.top) == (0, 40)
        for key, scores in (("ors", ORS_SCORES), ("srs", SRS_SCORES)):
            marks = points(root, key)
            assert len(marks) == len(scores)
            for mark, (d, value) in zip(marks, scores, strict=True):
                x, y = center(mark)
                assert near(x, ax.x(d)) and near(y, ax.y(value)), (key, d, value)
                assert mark.get("data-date") == d.isoformat()


def test_cut_off_and_alliance_bands_sit_on_their_values():
    root = layouts(chart())[0]
    ax = axes(root)
    (cut,) = classed(root, "band--cutoff")
    (alliance,) = classed(root, "band--alliance")
    for band, lo, hi in ((cut, 0, 25), (alliance, 36, 40)):
        top, height = float(band.get("y", 0)), float(band.get("height", 0))
        assert near(top, ax.y(hi)) and near(top + height, ax.y(lo), 0.2)
    # the thresholds are written on the axis and named in the legend
    words = texts(root)
    assert "Under klinisk grænse 25 (ORS)" in words and "Alliancegrænse 36 (SRS)" in words
    bold = [t.text for t in root.iter(f"{NS}text") if t.get("font-weight") == "700"]
    assert "25" in bold and "36" in bold


def test_reliable_changes_from_the_first_score_are_marked():
    root = layouts(chart())[0]
    reliable = [float(p.get("data-value", 0)) for p in points(root, "reliable")]
    assert reliable == [26.5, 27.5]  # 5 and 6 points above 21,5; 24 is not
    assert all(p.get("fill") != "#ffffff" for p in points(root, "reliable"))
    ax = axes(root)
    lines = sorted(float(r.get("y1", 0)) for r in classed(root, "ref"))
    assert [near(y, ax.y(v)) for y, v in zip(lines, (26.5, 16.5), strict=True)] == [True, True]


def test_the_summary_and_callout_state_the_numbers():
    c = chart()
    assert c.summary == (
        "ORS er scoret 4 gange fra 16. jan. 2025 til 10. apr. 2025 og er gået fra 21,5 til "
        "27,5 (6 point højere end første gang, en pålidelig forbedring), over den kliniske "
        "grænse på 25; seneste SRS er 37, over alliancegrænsen på 36."
    )
    assert c.callout == "Seneste ORS: 27,5 (10. apr. 2025) – 6 point højere end første gang"
    # her own words: the latest against the one before and the first, no clinical terms
    assert chart(you=True).callout == (
        "Dit seneste tal: 27,5 – 1 point højere end sidste gang og 6 point højere end første gang"
    )
    assert chart(you=True).summary == (
        "Du har målt ORS 4 gange fra 16. jan. 2025 til 10. apr. 2025. Første gang var dit tal "
        "21,5. Sidste gang var det 27,5. Det er 6 point højere end første gang. Det er en "
        "tydelig ændring. Dit seneste tal er over 25. De fleste, der ikke får hjælp, ligger over "
        "25. Dit seneste SRS er 37. Det er det samme som ved mødet før."
    )


def test_the_table_has_the_numbers():
    c = chart()
    assert c.table.columns == ("Dato", "ORS", "Ændring fra første ORS", "SRS")
    assert c.table.rows == (
        ("16. jan. 2025", "21,5", "0", "35"),
        ("13. feb. 2025", "24", "+2,5", "36,5"),
        ("13. mar. 2025", "26,5", "+5 (pålidelig ændring)", "37"),
        ("10. apr. 2025", "27,5", "+6 (pålidelig ændring)", "37"),
    )


def test_a_decline_is_said_as_a_decline():
    c = chart(ors=[(DATES[0], 30.0), (DATES[1], 24.0)], srs=[])
    assert (
        "(6 point lavere end første gang, et pålideligt fald), under den kliniske grænse "
        "på 25" in c.summary
    )
    assert c.summary.endswith("25.")


def test_no_scorings_is_an_empty_state_not_a_chart():
    c = chart(ors=[], srs=[])
    assert c.empty and c.svg == "" and c.svg_narrow == ""
    assert c.summary == "Der er ingen ORS- eller SRS-scoringer endnu."


def test_one_scoring_stands_in_the_middle_and_says_it_is_the_first():
    c = chart(ors=ORS_SCORES[:1], srs=SRS_SCORES[:1], you=True)
    for root in layouts(c):
        ax = axes(root)
        (ors,) = points(root, "ors")
        assert near(center(ors)[0], ax.x0 + ax.w / 2, 0.6)
        assert len(points(root, "srs")) == 1
        assert not classed(root, "line") and not classed(root, "ref")
    assert c.summary == (
        "Du har målt ORS én gang, 16. jan. 2025. Dit tal var 21,5. Det er under 25. De fleste, "
        "der ikke får hjælp, ligger over 25. Dit seneste SRS er 35. Fortæl gerne din "
        "mestringsvejleder, hvad der kan gøre møderne bedre."
    )
    assert c.callout.startswith("Dit første tal: 21,5")
    staff = chart(ors=ORS_SCORES[:1], srs=SRS_SCORES[:1])
    assert staff.summary == (
        "ORS er scoret én gang, 16. jan. 2025: 21,5, under den kliniske grænse "
        "på 25; seneste SRS er 35, under alliancegrænsen på 36."
    )


def test_a_long_pause_is_drawn_apart_and_said():
    ors = [(date(2025, 1, 10), 20.0), (date(2025, 2, 10), 21.0), (date(2026, 3, 10), 22.0)]
    c = chart(ors=ors, srs=[])
    root = layouts(c)[0]
    assert len(classed(root, "line--ors")) == 1  # only the two close scores are joined
    assert len(classed(root, "gap--ors")) == 1  # the pause is a dotted line
    assert "Pause i målingerne" in texts(root)
    assert c.summary.endswith("der er en pause på 13 måneder fra feb. 2025 til mar. 2026.")


def test_an_age_cut_off_gives_way_to_the_adult_one_on_its_date():
    cutoffs = [
        Cutoff(date(2024, 10, 1), ORS.cutoffs["age_13_17"], "13–17 år"),
        Cutoff(date(2025, 1, 1), ORS.cutoffs["adult"]),
    ]
    ors = [(date(2024, 10, 10), 20.0), (date(2024, 12, 10), 21.0), (date(2025, 2, 10), 26.0)]
    c = chart(ors=ors, srs=[], cutoffs=cutoffs)
    root = layouts(c)[0]
    ax = axes(root)
    teen, adult = classed(root, "band--cutoff")
    assert near(float(teen.get("y", 0)), ax.y(28)) and near(float(adult.get("y", 0)), ax.y(25))
    edge = float(teen.get("x", 0)) + float(teen.get("width", 0))
    assert near(edge, ax.x(date(2025, 1, 1)), 0.2) and near(float(adult.get("x", 0)), edge, 0.2)
    assert "Under klinisk grænse 28 (13–17 år) og 25 (ORS)" in texts(root)
    assert "over den kliniske grænse på 25" in c.summary  # the cut-off on the latest date


@pytest.mark.parametrize("you", [False, True])
def test_the_note_says_higher_is_better(you):
    assert chart(you=you).note.startswith("Højere er bedre.")


def test_the_citizen_is_told_what_the_line_and_the_filled_points_mean():
    assert chart(you=True).note.endswith(
        "De fleste, der ikke får hjælp, ligger over 25. En fyldt prik betyder en tydelig "
        "ændring: mindst 5 point fra første gang."
    )
