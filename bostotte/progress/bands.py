"""The method, as plain functions on plain data: starting bands, courses, percentiles and the
30-course rule. services.py reads the courses from the database; this module decides.

A *course* is one citizen's ORS series (her ORS totals in date order, ties by id), or one
goal's FKO series (baseline, then its statuses and final). A course counts once it has at
least MIN_SESSIONS ORS sessions (a baseline and MIN_STATUSES FKO scores). Its *starting band*
is where its first ORS total (its FKO baseline) lies. The *expected curve* of a band is, at
each session (quarter) index, the 25th, 50th and 75th percentile of the courses' scores at
that index, shown only where at least MIN_COURSES courses reach it. A citizen's own course is
left out of the curve she is compared with (leave-one-out), so she is never her own yardstick.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from math import floor

# ORS total at intake (0–40). The edges are upper bounds, inclusive: 0–10, over 10–15,
# over 15–20, over 20–25, over 25. So 25.0 (the adult clinical cut-off, "at or below is the
# clinical range") is in 20–25, and 25.1 in "over 25".
ORS_EDGES: tuple[float, ...] = (10, 15, 20, 25)
ORS_BAND_LABELS: tuple[str, ...] = ("0–10", "10–15", "15–20", "20–25", "over 25")
# FKO baseline (0–4): each level is its own band.
FKO_BAND_LABELS: tuple[str, ...] = (
    "0 Intet",
    "1 Let",
    "2 Moderat",
    "3 Højt",
    "4 Fuldstændigt",
)

MIN_COURSES = 30  # courses a band (and each point of its curve) needs
MIN_SESSIONS = 3  # ORS sessions a course needs to count
MIN_STATUSES = 2  # FKO scores after the baseline a goal's course needs to count
MAX_SESSION = 20  # the curve runs to the 20th ORS session; later ones meet the 20th's band
MAX_QUARTER = 12  # and to the 12th quarter after the FKO baseline
QUARTER_DAYS = 91.31  # a quarter in days: a score is in the quarter nearest its date
TOO_FEW = "for få forløb til en forventet kurve"


def ors_band(first_total: float) -> int:
    """The starting band (an index into ORS_BAND_LABELS) of a first ORS total."""
    return bisect_left(ORS_EDGES, round(first_total, 1))


def fko_band(baseline: float) -> int:
    return max(0, min(len(FKO_BAND_LABELS) - 1, int(round(baseline))))


def quarter_index(days: int) -> int:
    """The quarter since the baseline a score `days` after it belongs to (0: the baseline's
    own quarter, not on the curve)."""
    return int(floor(days / QUARTER_DAYS + 0.5))


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0 < p < 100) of sorted `values`, by linear interpolation between
    the closest ranks: rank h = (n − 1)·p/100 from 0, value = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] −
    x[⌊h⌋]). The same as Excel's PERCENTILE.INC and statistics.quantiles(method='inclusive')."""
    if not values:
        raise ValueError("no values")
    return _percentile_at(values.__getitem__, len(values), p)


@dataclass(frozen=True)
class Point:
    """The band at one session (quarter) index."""

    index: int
    n: int  # courses behind it
    p25: float
    p50: float
    p75: float


@dataclass(frozen=True)
class Curve:
    """A band's expected curve as one citizen sees it (her own course left out)."""

    band: int
    label: str
    courses: int  # courses in the band, hers left out
    points: tuple[Point, ...]  # empty when courses < MIN_COURSES

    @property
    def shown(self) -> bool:
        return bool(self.points)

    def at(self, index: int, last: int = MAX_SESSION) -> Point | None:
        """The band at a session index; after the curve's `last` index, its last point."""
        index = min(index, last)
        return next((p for p in self.points if p.index == index), None)


@dataclass
class Norms:
    """Every course's scores by band and index, each list sorted: the whole history in one
    object, built in one pass over the rows and kept (services.py). Each course's own scores
    are kept too, so the one a citizen is compared with can leave exactly hers out."""

    labels: tuple[str, ...]
    last: int
    courses: dict[int, int] = field(default_factory=dict)  # band → courses
    values: dict[tuple[int, int], list[float]] = field(default_factory=dict)  # (band, index)
    own: dict[int, tuple[int, dict[int, float]]] = field(default_factory=dict)  # id → course

    @classmethod
    def build(
        cls,
        courses: Iterable[tuple[int, int, Mapping[int, float]]],
        labels: tuple[str, ...],
        last: int,
    ) -> Norms:
        """From (course id, band, {index: score}) per course."""
        norms = cls(labels, last)
        for course_id, band, scores in courses:
            kept = {k: v for k, v in scores.items() if 1 <= k <= last}
            norms.courses[band] = norms.courses.get(band, 0) + 1
            norms.own[course_id] = (band, kept)
            for index, value in kept.items():
                norms.values.setdefault((band, index), []).append(value)
        for v in norms.values.values():
            v.sort()
        return norms

    def _mine(self, band: int, leave_out: int | None) -> dict[int, float] | None:
        course = self.own.get(leave_out) if leave_out is not None else None
        return course[1] if course is not None and course[0] == band else None

    def point(self, band: int, index: int, leave_out: int | None = None) -> Point | None:
        """The band at one index, without course `leave_out` (hers, if it is one of the
        band's); None under MIN_COURSES courses in the band or at the index."""
        mine = self._mine(band, leave_out)
        if self.courses.get(band, 0) - (mine is not None) < MIN_COURSES:
            return None
        values = self.values.get((band, index), [])
        skip = _position(values, mine[index]) if mine is not None and index in mine else None
        n = len(values) - (skip is not None)
        if n < MIN_COURSES:
            return None
        at = lambda r: values[r if skip is None or r < skip else r + 1]  # noqa: E731
        return Point(index, n, *(round(_percentile_at(at, n, p), 2) for p in (25, 50, 75)))

    def curve(self, band: int, leave_out: int | None = None) -> Curve:
        """The band's curve without course `leave_out` (leave-one-out)."""
        mine = self._mine(band, leave_out)
        courses = self.courses.get(band, 0) - (mine is not None)
        points = []
        for index in range(1, self.last + 1):
            p = self.point(band, index, leave_out)
            if p is None:
                break
            points.append(p)
        return Curve(band, self.labels[band], courses, tuple(points))


def _position(values: list[float], value: float) -> int | None:
    i = bisect_left(values, value)
    return i if i < len(values) and values[i] == value else None


def _percentile_at(at: Callable[[int], float], n: int, p: float) -> float:
    """`percentile` over n sorted values read through `at` (one of them skipped)."""
    h = (n - 1) * p / 100
    lo = floor(h)
    if lo + 1 >= n:
        return float(at(n - 1))
    return float(at(lo) + (h - lo) * (at(lo + 1) - at(lo)))
