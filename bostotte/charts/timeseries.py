"""Values over time: the one plot behind the ORS/SRS, FKO and REM charts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup

from bostotte.charts.svg import (
    LAYOUTS,
    X_AXIS_HEIGHT,
    Box,
    Layout,
    Linear,
    Style,
    Swatch,
    date_scale,
    group,
    legend,
    line,
    marker,
    path,
    rect,
    root,
    text,
    text_width,
    x_axis,
    y_grid,
    y_labels_width,
)

PAD = 8


@dataclass(frozen=True)
class Mark:
    """One scoring on a line."""

    on: date
    value: float
    tip: str  # shown on hover: what and when
    shape: str | None = None  # overrides the line's marker (e.g. FKO baseline, final)
    filled: bool | None = None  # overrides the line's fill (e.g. a reliable change)
    label: str | None = None  # a value written next to the point
    kind: str = ""  # an extra class, point--<kind>, e.g. point--reliable


@dataclass(frozen=True)
class Series:
    key: str  # in class names: point--<key>
    name: str
    style: Style
    marks: Sequence[Mark]


@dataclass(frozen=True)
class Band:
    """A shaded value range, e.g. under the clinical cut-off; `edge` is the threshold
    (drawn as a line; None for none)."""

    lo: float
    hi: float
    edge: float | None
    fill: str
    colour: str
    key: str
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class Envelope:
    """A range that moves along the time axis (e.g. the middle half of earlier courses at
    each of her sessions), shaded, with its middle as a dashed line."""

    points: Sequence[tuple[date, float, float, float]]  # on, low, middle, high
    fill: str
    colour: str
    key: str


@dataclass(frozen=True)
class Ref:
    """A horizontal reference line across the plot, e.g. the FKO target."""

    value: float
    label: str  # written at the left end; empty for none (the legend says it)
    colour: str
    dash: str = "7 5"
    width: float = 2
    start: date | None = None


@dataclass(frozen=True)
class YAxis:
    bottom: float  # the value drawn at the bottom (the larger one when the axis is turned)
    top: float
    ticks: Sequence[tuple[float, str]]
    # Thresholds written on the axis in their colour and bold (e.g. 25, 36).
    marks: Sequence[tuple[float, str, str]] = field(default_factory=tuple)

    def all_ticks(self) -> list[tuple[float, str]]:
        """Ordinary ticks, minus those crowding a threshold mark."""
        span = abs(self.top - self.bottom)
        near = [v for v, _, _ in self.marks]
        return [(v, lbl) for v, lbl in self.ticks if all(abs(v - m) > span * 0.075 for m in near)]


def segments(marks: Sequence[Mark], gap_days: int | None) -> list[list[Mark]]:
    """Runs of marks without a long pause; a pause is drawn apart, not as a trend."""
    runs: list[list[Mark]] = []
    for m in marks:
        if runs and (gap_days is None or (m.on - runs[-1][-1].on).days <= gap_days):
            runs[-1].append(m)
        else:
            runs.append([m])
    return runs


def plot(
    box: Box,
    series: Sequence[Series],
    *,
    start: date,
    end: date,
    y_axis: YAxis,
    layout: Layout,
    bands: Sequence[Band] = (),
    refs: Sequence[Ref] = (),
    gap_days: int | None = None,
    line_width: float = 2.25,
    envelopes: Sequence[Envelope] = (),
) -> Markup:
    """Bands, grid, reference lines, lines and points inside `box` (axes' labels outside)."""
    x = date_scale(start, end, box.x, box.right)
    y = Linear(y_axis.bottom, y_axis.top, box.bottom, box.y)
    parts = [
        rect(
            box,
            "none",
            class_="plot-area",
            data_start=start.isoformat(),
            data_end=end.isoformat(),
            data_bottom=y_axis.bottom,
            data_top=y_axis.top,
        )
    ]
    for b in bands:
        x0 = x(max(b.start or start, start))
        x1 = x(min(b.end or end, end))
        top, bottom = sorted((y(b.lo), y(b.hi)))
        parts.append(
            rect(Box(x0, top, x1 - x0, bottom - top), b.fill, class_=f"band band--{b.key}")
        )
    parts.append(y_grid(y_axis.all_ticks(), y, box, layout))
    for e in envelopes:
        if len(e.points) < 2:
            continue
        upper = [(x(on), y(hi)) for on, _lo, _mid, hi in e.points]
        lower = [(x(on), y(lo)) for on, lo, _mid, _hi in reversed(e.points)]
        parts.append(
            path(
                upper + lower,
                "none",
                0,
                closed=True,
                fill=e.fill,
                fill_opacity=0.2,
                class_=f"envelope--{e.key}",
            )
        )
        middle = [(x(on), y(mid)) for on, _lo, mid, _hi in e.points]
        parts.append(path(middle, e.colour, 1.5, dash="5 4", class_=f"envelope-mid--{e.key}"))
    for b in bands:
        if b.edge is None:
            continue
        x0, x1 = x(max(b.start or start, start)), x(min(b.end or end, end))
        parts.append(line(x0, y(b.edge), x1, y(b.edge), b.colour, 1.5, class_="band-edge"))
    for value, label, colour in y_axis.marks:
        parts.append(
            text(
                box.x - 6,
                y(value) + layout.small * 0.35,
                label,
                layout.small,
                anchor="end",
                weight=700,
                fill=colour,
            )
        )
    for r in refs:
        x0 = x(r.start) if r.start else box.x
        parts.append(
            line(
                x0, y(r.value), box.right, y(r.value), r.colour, r.width, dash=r.dash, class_="ref"
            )
        )
        if r.label:  # at the left: the latest points, often on target, sit at the right
            parts.append(
                text(
                    x0 + 4,
                    y(r.value) - 5,
                    r.label,
                    layout.small,
                    fill=r.colour,
                    weight=600,
                    halo=True,
                )
            )
    parts.append(_lines(series, x, y, gap_days, line_width))
    parts.append(_points(series, x, y, layout, box))
    return group(*parts, class_="plot")


def _lines(
    series: Sequence[Series],
    x,
    y,
    gap_days: int | None,  # type: ignore[no-untyped-def]
    width: float,
) -> Markup:
    parts = []
    for s in series:
        runs = segments(s.marks, gap_days)
        for run in runs:
            if len(run) > 1:
                parts.append(
                    path(
                        [(x(m.on), y(m.value)) for m in run],
                        s.style.colour,
                        width,
                        dash=s.style.dash,
                        class_=f"line line--{s.key}",
                    )
                )
        for before, after in zip(runs, runs[1:], strict=False):
            a, b = before[-1], after[0]
            parts.append(
                path(
                    [(x(a.on), y(a.value)), (x(b.on), y(b.value))],
                    s.style.colour,
                    1.5,
                    dash="1 5",
                    class_=f"gap gap--{s.key}",
                )
            )
    return group(*parts)


def _points(
    series: Sequence[Series],
    x,
    y,
    layout: Layout,  # type: ignore[no-untyped-def]
    box: Box,
) -> Markup:
    parts, labels = [], []
    placed: list[tuple[float, float, float, float]] = []
    size = layout.small
    for s in series:
        for m in s.marks:
            px, py = x(m.on), y(m.value)
            r = layout.marker * (1.35 if m.shape == "diamond" else 1)
            kind = f" point--{m.kind}" if m.kind else ""
            parts.append(
                marker(
                    m.shape or s.style.marker,
                    px,
                    py,
                    r,
                    s.style.colour,
                    filled=s.style.filled if m.filled is None else m.filled,
                    tip=m.tip,
                    class_=f"point point--{s.key}{kind}",
                    data_date=m.on.isoformat(),
                    data_value=m.value,
                )
            )
            if m.label:
                labels.append(
                    _value_label(
                        m.label, px, py, size, layout.marker + 4, s.style.colour, box, placed
                    )
                )
    return group(*parts, *labels)


def _value_label(
    label: str,
    px: float,
    py: float,
    size: float,
    gap: float,
    colour: str,
    box: Box,
    placed: list[tuple[float, float, float, float]],
) -> Markup:
    """A value above its point, or below when there is no room or another label is there."""
    w = text_width(label, size)
    anchor, lx = "middle", px
    if px + w / 2 > box.right:
        anchor, lx = "end", box.right
    elif px - w / 2 < box.x:
        anchor, lx = "start", box.x
    left = {"middle": lx - w / 2, "end": lx - w, "start": lx}[anchor]
    for ly in (py - gap, py + gap + size * 0.8, py - gap - size * 1.2):
        top = ly - size * 0.8
        fits = top >= box.y - size * 0.2 and ly <= box.bottom
        clear = all(
            left + w < a or left > a + aw or ly < b or top > b + bh for a, b, aw, bh in placed
        )
        if fits and clear:
            break
    placed.append((left, top, w, size))
    return text(
        lx, ly, label, size, anchor=anchor, weight=700, fill=colour, halo=True, class_="value-label"
    )


def time_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    series: Sequence[Series],
    y_axis: YAxis,
    start: date,
    end: date,
    plot_heights: tuple[float, float],
    legend_entries: Sequence[tuple[str, Swatch]] = (),
    bands: Sequence[Band] = (),
    refs: Sequence[Ref] = (),
    gap_days: int | None = None,
    envelopes: Sequence[Envelope] = (),
) -> tuple[Markup, Markup]:
    """A whole chart in both layouts (plot heights wide, narrow): legend on top, the plot,
    the month axis under it."""

    def draw(layout: Layout, plot_height: float) -> Markup:
        leg, leg_h = legend(legend_entries, Box(PAD, PAD, layout.width - 2 * PAD, 0), layout.small)
        labels_w = max(
            y_labels_width(y_axis.all_ticks(), layout),
            y_labels_width([(v, lbl) for v, lbl, _ in y_axis.marks], layout),
        )
        top = PAD + leg_h + (layout.font if leg_h else 0)
        box = Box(
            PAD + labels_w, top, layout.width - 2 * PAD - labels_w - layout.marker, plot_height
        )
        body = plot(
            box,
            series,
            start=start,
            end=end,
            y_axis=y_axis,
            layout=layout,
            bands=bands,
            refs=refs,
            gap_days=gap_days,
            envelopes=envelopes,
        )
        height = box.bottom + X_AXIS_HEIGHT * layout.small + PAD
        return root(
            layout, height, chart_id, title, desc, leg, body, x_axis(start, end, box, layout)
        )

    wide, narrow = (draw(layout, h) for layout, h in zip(LAYOUTS, plot_heights, strict=True))
    return wide, narrow
