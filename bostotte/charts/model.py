"""What a chart function returns, and the plain data it takes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup


@dataclass(frozen=True)
class Table:
    """The numbers behind a chart. The first cell of a row is its row header."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    """One chart, ready for a page, the portal or a PDF.

    `svg` is the wide layout (pages from 600px, print and PDF); `svg_narrow` is the same
    chart drawn for a phone, so its text stays legible instead of shrinking with the
    drawing. An empty chart has no SVG: the summary then says why.
    """

    id: str
    title: str
    summary: str
    table: Table
    svg: Markup = Markup("")
    svg_narrow: Markup = Markup("")
    # A short headline in words above the chart, e.g. "Din seneste score: 27,5 – …".
    callout: str | None = None
    # How to read it, in plain Danish, e.g. "Lavere tal er bedre …".
    note: str | None = None

    @property
    def empty(self) -> bool:
        return not self.svg


@dataclass(frozen=True)
class Scale:
    """An instrument's scale as the charts need it (built from the instrument file)."""

    min: float
    max: float
    labels: Mapping[int, str] = field(default_factory=dict)
    higher_is_better: bool = True

    def label(self, value: float) -> str | None:
        return self.labels.get(int(value)) if value == int(value) else None


@dataclass(frozen=True)
class Cutoff:
    """A clinical cut-off valid from `start` (an age cut-off changes as the citizen grows)."""

    start: date
    value: float
    group: str = ""  # e.g. "13–17 år"; empty for adults


@dataclass(frozen=True)
class FkoPoint:
    on: date
    value: float
    occasion: str  # baseline, status or final


@dataclass(frozen=True)
class Step:
    """A delmål on the timeline."""

    title: str
    status: str  # not_started, in_progress, achieved, dropped
    status_label: str
    start: date
    due: date | None = None
    notes: tuple[date, ...] = ()


@dataclass(frozen=True)
class ThemeShare:
    """One bar of the leader chart: a share (0–1) against a target share; None = hidden,
    `hidden_as` what the table says instead of its count (and `protects` when it is hidden
    only so that a small neighbour cannot be worked out)."""

    label: str
    share: float | None
    target: float | None = None
    n: int | None = None
    hidden_as: str = "<5"
    protects: bool = False
