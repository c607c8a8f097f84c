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
from collections.abc import Iterable, Mapping, Sequence
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
    h = (len(values) - 1) * p / 100
    lo = floor(h)
    if lo + 1 >= len(values):
        return float(values[-1])
    return float(values[lo] + (h - lo) * (values[lo + 1] - values[lo]))


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
    object, built in one pass over the rows and kept per data version (services.py)."""

    labels: tuple[str, ...]
    last: int
    courses: dict[int, int] = field(default_factory=dict)  # band → courses
    values: dict[tuple[int, int], list[float]] = field(default_factory=dict)  # (band, index)

    @classmethod
    def build(
        cls,
        courses: Iterable[tuple[int, Mapping[int, float]]],
        labels: tuple[str, ...],
        last: int,
    ) -> Norms:
        """From (band, {index: score}) per course."""
        norms = cls(labels, last)
        for band, scores in courses:
            norms.courses[band] = norms.courses.get(band, 0) + 1
            for index, value in scores.items():
                if 1 <= index <= last:
                    norms.values.setdefault((band, index), []).append(value)
        for v in norms.values.values():
            v.sort()
        return norms

    def curve(self, band: int, own: Mapping[int, float] | None = None) -> Curve:
        """The band's curve without `own` (her course's scores by index, if it is one of the
        band's courses: leave-one-out)."""
        courses = self.courses.get(band, 0) - (1 if own is not None else 0)
        points = []
        if courses >= MIN_COURSES:
            for index in range(1, self.last + 1):
                values = self.values.get((band, index), [])
                if own is not None and index in own:
                    values = _without(values, own[index])
                if len(values) < MIN_COURSES:
                    break
                points.append(
                    Point(
                        index,
                        len(values),
                        *(round(percentile(values, p), 2) for p in (25, 50, 75)),
                    )
                )
        return Curve(band, self.labels[band], courses, tuple(points))


def _without(values: list[float], value: float) -> list[float]:
    i = bisect_left(values, value)
    if i < len(values) and values[i] == value:
        return values[:i] + values[i + 1 :]
    return values
