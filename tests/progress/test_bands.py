"""The method on plain data: band edges, percentiles against a plain-Python reference, the
30-course rule and leave-one-out."""

import random
import statistics

import pytest

from bostotte.progress.bands import (
    MIN_COURSES,
    ORS_BAND_LABELS,
    Norms,
    fko_band,
    ors_band,
    percentile,
    quarter_index,
)


def reference(values: list[float]) -> tuple[float, float, float]:
    """The 25th, 50th and 75th percentile as the standard library computes them."""
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, 0),
        (10, 0),
        (10.1, 1),
        (15, 1),
        (15.1, 2),
        (20, 2),
        (24.9, 3),
        (25, 3),
        (25.1, 4),
        (40, 4),
    ],
)
def test_band_edges_are_upper_bounds(total: float, band: int) -> None:
    assert ors_band(total) == band
    assert ORS_BAND_LABELS[ors_band(25)] == "20–25"  # the clinical cut-off is in the range


def test_fko_bands_are_the_baseline_levels() -> None:
    assert [fko_band(v) for v in (0, 1, 2, 3, 4)] == [0, 1, 2, 3, 4]


def test_a_score_belongs_to_the_nearest_quarter() -> None:
    assert [quarter_index(d) for d in (0, 45, 46, 91, 136, 137, 365)] == [0, 0, 1, 1, 1, 2, 4]


@pytest.mark.parametrize("n", [2, 3, 4, 5, 7, 30, 31, 101])
def test_percentiles_match_the_reference(n: int) -> None:
    rng = random.Random(n)
    values = sorted(round(rng.uniform(0, 40), 1) for _ in range(n))
    ours = tuple(percentile(values, p) for p in (25, 50, 75))
    assert ours == pytest.approx(reference(values))


def test_percentile_by_hand() -> None:
    # rank (n-1)*p: 4 values, 25th → rank 0.75 between 10 and 20: 17.5
    assert percentile([10, 20, 30, 40], 25) == 17.5
    assert percentile([10, 20, 30, 40], 50) == 25
    assert percentile([7], 75) == 7


def courses(n: int, band_first: float = 17.0) -> list[tuple[int, int, dict[int, float]]]:
    """n courses (id, band, scores by session) in one band."""
    rng = random.Random(n)
    return [
        (
            i,
            ors_band(band_first),
            {k: round(band_first + rng.uniform(-3, 3) + k, 1) for k in (1, 2, 3, 4)},
        )
        for i in range(n)
    ]


def test_29_courses_give_no_curve_and_30_do() -> None:
    band = ors_band(17)
    few = Norms.build(courses(MIN_COURSES - 1), ORS_BAND_LABELS, 20).curve(band)
    assert not few.shown and few.courses == MIN_COURSES - 1
    enough = Norms.build(courses(MIN_COURSES), ORS_BAND_LABELS, 20).curve(band)
    assert enough.shown and enough.courses == MIN_COURSES
    assert [p.index for p in enough.points] == [1, 2, 3, 4]


def test_each_point_is_the_percentiles_of_the_courses_at_that_session() -> None:
    data = courses(45)
    curve = Norms.build(data, ORS_BAND_LABELS, 20).curve(ors_band(17))
    for p in curve.points:
        values = [scores[p.index] for _i, _b, scores in data]
        assert (p.p25, p.p50, p.p75) == pytest.approx(reference(values), abs=0.005)
        assert p.n == 45


def test_her_own_course_is_left_out() -> None:
    data = courses(MIN_COURSES)
    norms = Norms.build(data, ORS_BAND_LABELS, 20)
    # with her own course (id 0) left out, the band has 29 others: no curve
    assert not norms.curve(ors_band(17), leave_out=0).shown
    assert norms.curve(ors_band(17), leave_out=999).shown  # not one of the band's courses
    bigger = courses(40)
    norms = Norms.build(bigger, ORS_BAND_LABELS, 20)
    curve = norms.curve(ors_band(17), leave_out=0)
    others = [scores for _i, _b, scores in bigger[1:]]
    for p in curve.points:
        assert p.n == 39
        assert (p.p25, p.p50, p.p75) == pytest.approx(
            reference([s[p.index] for s in others]), abs=0.005
        )


def test_a_point_needs_30_courses_reaching_that_session() -> None:
    data = courses(35)
    for _i, _b, scores in data[:10]:
        scores[5] = 30.0  # only 10 courses reach a fifth session
    curve = Norms.build(data, ORS_BAND_LABELS, 20).curve(ors_band(17))
    assert [p.index for p in curve.points] == [1, 2, 3, 4]
    assert curve.at(7, 4) == curve.points[-1]  # after the last point, its last point
