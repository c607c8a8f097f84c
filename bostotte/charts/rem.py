"""REM's nine indicators: a radar (spindelvæv) of the first and the latest scoring, and
small multiples of each indicator over time.

REM runs from 0 (no challenges) to 4 (major challenges): lower is better. So that "better"
reads the same way as on every other chart, the radar puts 0 on the outer ring (a bigger
web is better) and the small multiples put 0 at the top; both say so in words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date

from babel.dates import format_date
from markupsafe import Markup

from bostotte.charts.model import Chart, Scale, Table
from bostotte.charts.svg import (
    AXIS,
    BLUE,
    GRID,
    LAYOUTS,
    MUTED,
    NARROW,
    ORANGE,
    WIDE,
    Box,
    Layout,
    Style,
    date_scale,
    group,
    legend,
    line,
    marker,
    path,
    root,
    style_swatch,
    text,
    text_width,
    time_domain,
    wrap,
)
from bostotte.charts.timeseries import Mark, Series, YAxis, plot
from bostotte.charts.words import (
    REM_AREA,
    REM_EMPTY_FOR_YOU,
    REM_TITLE_FOR_YOU,
    REM_VALUE,
    count_list,
    day,
    join,
    month,
    rem_summary_for_you,
)
from bostotte.common.formatting import dk_number

Items = Sequence[tuple[str, str]]  # (item id, label)
Scorings = Sequence[tuple[date, Mapping[str, float]]]

FIRST = Style(ORANGE, "square", "7 4", filled=False)
LATEST = Style(BLUE, "circle")
PAD = 8


def _radius(scale: Scale, value: float, inner: float, outer: float) -> float:
    """Better outward: the best end of the scale on the outer ring."""
    share = (value - scale.min) / (scale.max - scale.min)
    return inner + (share if scale.higher_is_better else 1 - share) * (outer - inner)


def _changes(
    items: Items, first: Mapping[str, float], latest: Mapping[str, float], scale: Scale
) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"better": [], "same": [], "worse": []}
    for item_id, label in items:
        diff = latest[item_id] - first[item_id]
        improved = diff > 0 if scale.higher_is_better else diff < 0
        out["same" if diff == 0 else "better" if improved else "worse"].append(label)
    return out


def _change_cell(diff: float, scale: Scale) -> str:
    if diff == 0:
        return "Uændret"
    improved = diff > 0 if scale.higher_is_better else diff < 0
    return f"{dk_number(abs(diff))} {'bedre' if improved else 'dårligere'}"


def _worst(items: Items, values: Mapping[str, float], scale: Scale) -> str:
    """ "Økonomi og Struktureringsevne (3, betydelige udfordringer)"."""
    pick = min if scale.higher_is_better else max
    value = pick(values[i] for i, _ in items)
    names = [label for i, label in items if values[i] == value]
    label = scale.label(value)
    return f"{join(names)} ({dk_number(value)}{', ' + label.lower() if label else ''})"


def _reading(scale: Scale) -> str:
    low, high = scale.label(scale.min) or "", scale.label(scale.max) or ""
    return f"{dk_number(scale.min)} = {low.lower()}, {dk_number(scale.max)} = {high.lower()}"


# ----------------------------------------------------------------------------- radar


def rem_radar(
    items: Items,
    scorings: Scorings,
    *,
    scale: Scale,
    chart_id: str = "rem-radar",
    you: bool = False,
) -> Chart:
    """The first and the latest scoring as two webs over the nine indicators."""
    title = REM_TITLE_FOR_YOU if you else "REM: første og seneste scoring"
    area = REM_AREA if you else "Indikator"  # her pages: her plain labels, "områder"
    scorings = sorted(scorings, key=lambda s: s[0])
    if not scorings:
        empty = REM_EMPTY_FOR_YOU if you else "Der er ingen REM-scoringer endnu."
        return Chart(chart_id, title, empty, Table("REM", (area,), ()))
    (d0, first), (d1, latest) = scorings[0], scorings[-1]
    one = len(scorings) == 1
    webs = (
        [("latest", f"REM {day(d1)}", LATEST, latest)]
        if one
        else [
            ("first", f"Første: {day(d0)}", FIRST, first),
            ("latest", f"Seneste: {day(d1)}", LATEST, latest),
        ]
    )
    if one:
        table = Table(
            f"REM {day(d1)}",
            (area, REM_VALUE if you else "Værdi"),
            tuple((label, dk_number(latest[i])) for i, label in items),
        )
        summary = (
            rem_summary_for_you(d1, None, {}, _worst(items, latest, scale))
            if you
            else f"Der er én REM-scoring, {day(d1)}: flest udfordringer ved "
            f"{_worst(items, latest, scale)}."
        )
        callout = None
    else:
        changes = _changes(items, first, latest, scale)
        counts = count_list(
            [
                (len(changes["better"]), "bedre"),
                (len(changes["same"]), "uændrede"),
                (len(changes["worse"]), "dårligere"),
            ]
        )
        table = Table(
            "Dine områder, første og seneste gang"
            if you
            else "REM pr. indikator, første og seneste scoring",
            (area, f"Første ({day(d0)})", f"Seneste ({day(d1)})", "Ændring"),
            tuple(
                (
                    label,
                    dk_number(first[i]),
                    dk_number(latest[i]),
                    _change_cell(latest[i] - first[i], scale),
                )
                for i, label in items
            ),
        )
        summary = (
            rem_summary_for_you(
                d0, d1, {k: len(v) for k, v in changes.items()}, _worst(items, latest, scale)
            )
            if you
            else f"Fra første REM {day(d0)} til seneste {day(d1)} er {counts}; flest "
            f"udfordringer nu ved {_worst(items, latest, scale)}."
        )
        n = len(changes["better"])
        callout = (
            f"{'Siden din første REM' if you else 'Siden første REM'} er "
            f"{n} af {len(items)} områder blevet bedre"
        )
    desc = (
        (
            f"Radardiagram over dine {len(items)} områder, "
            + ("én gang" if one else "første og seneste gang")
        )
        if you
        else f"Radardiagram over REM's {len(items)} indikatorer, "
        + ("én scoring" if one else "første og seneste scoring")
        + f". {_reading(scale)}; bedre ligger længere ude."
    )
    wide, narrow = (
        _radar_svg(layout, chart_id, title, desc, items, webs, scale) for layout in LAYOUTS
    )
    return Chart(
        chart_id,
        title,
        summary,
        table,
        wide,
        narrow,
        callout=callout,
        note=(
            f"{_reading(scale)}. Bedre er længere ude: jo større spindelvæv, jo færre udfordringer."
        ),
    )


def _radar_svg(
    layout: Layout,
    chart_id: str,
    title: str,
    desc: str,
    items: Items,
    webs: Sequence[tuple[str, str, Style, Mapping[str, float]]],
    scale: Scale,
    values_heading: str = "Første → seneste:",  # the phone's list of values, two webs
) -> Markup:
    size = layout.small
    leg, leg_h = legend(
        [(name, style_swatch(style)) for _, name, style, _ in webs],
        Box(PAD, PAD, layout.width - 2 * PAD, 0),
        size,
    )
    numbered = layout is NARROW  # a phone has no room for names around the web
    outer = 112.0 if numbered else 140.0
    inner = outer * 0.12
    cx = layout.width / 2
    n = len(items)
    angles = [-math.pi / 2 + 2 * math.pi * k / n for k in range(n)]

    def names(k: int) -> list[str]:
        if numbered:
            return [str(k + 1)]
        sideways = abs(math.cos(angles[k])) > 0.3
        return wrap(items[k][1], cx - outer - 20 - PAD if sideways else 150, size)

    # room above the web for the top name, which sits above the ring values
    top_room = 10 + size * 1.9 + (len(names(0)) - 1) * size * 1.2 + 4
    cy = PAD + leg_h + top_room + outer

    def at(k: int, r: float) -> tuple[float, float]:
        return cx + r * math.cos(angles[k]), cy + r * math.sin(angles[k])

    parts: list[Markup] = []
    levels = range(int(scale.min), int(scale.max) + 1)
    for v in levels:  # the web: one ring a scale step
        r = _radius(scale, v, inner, outer)
        parts.append(
            path([at(k, r) for k in range(n)], GRID if v != scale.min else AXIS, 1, closed=True)
        )
    for k in range(n):
        parts.append(path([at(k, inner), at(k, outer)], GRID, 1))
    for v in levels:  # ring values along the top spoke
        r = _radius(scale, v, inner, outer)
        parts.append(text(cx + 4, cy - r - 2, dk_number(v), size * 0.9, fill=MUTED, halo=True))
    for key, _, style, values in webs:
        pts = [
            at(k, _radius(scale, values[item_id], inner, outer))
            for k, (item_id, _) in enumerate(items)
        ]
        parts.append(
            path(
                pts,
                style.colour,
                2.25,
                dash=style.dash,
                closed=True,
                fill=style.colour if key == "latest" else "none",
                fill_opacity=0.1 if key == "latest" else None,
                class_=f"web web--{key}",
            )
        )
        for (item_id, label), (px, py) in zip(items, pts, strict=True):
            parts.append(
                marker(
                    style.marker,
                    px,
                    py,
                    layout.marker,
                    style.colour,
                    filled=style.filled,
                    tip=f"{label}: {dk_number(values[item_id])}",
                    class_=f"point point--{key}",
                    data_item=item_id,
                    data_value=values[item_id],
                )
            )
    bottom = cy + outer
    for k in range(n):
        lx, ly = at(k, outer + 10)
        cos, sin = math.cos(angles[k]), math.sin(angles[k])
        anchor = "start" if cos > 0.3 else "end" if cos < -0.3 else "middle"
        shown = names(k)
        dy = size * 0.35 - (len(shown) - 1) * size * 0.6
        if sin < -0.7:  # above the ring values on the top spoke
            dy = -(len(shown) - 1) * size * 1.2 - size * 0.9
        elif sin > 0.7:
            dy = size
        parts.append(
            text(lx, ly + dy, shown, size, anchor=anchor, weight=600 if numbered else None)
        )
        bottom = max(bottom, ly + dy + (len(shown) - 1) * size * 1.2)
    y = bottom + size * 2
    if numbered:  # the names, with the values (first → latest) as the web shows them
        if len(webs) > 1:
            parts.append(text(PAD, y, values_heading, size, weight=600))
            y += size * 1.45
        for k, (item_id, label) in enumerate(items):
            shown_values = " → ".join(dk_number(v[item_id]) for _, _, _, v in webs)
            parts.append(text(PAD, y + k * size * 1.45, f"{k + 1}. {label}: {shown_values}", size))
        y += len(items) * size * 1.45
    height = y + PAD
    return root(
        layout,
        height,
        chart_id,
        title,
        desc,
        leg,
        group(*parts, class_="radar", data_cx=cx, data_cy=cy, data_inner=inner, data_outer=outer),
    )


# ------------------------------------------------------------------- small multiples


def rem_multiples(
    items: Items, scorings: Scorings, *, scale: Scale, chart_id: str = "rem-indikatorer"
) -> Chart:
    """One small chart per indicator, all on the same axes, 0 (no challenges) on top."""
    title = "REM: hver indikator over tid"
    scorings = sorted(scorings, key=lambda s: s[0])
    columns = ("Indikator", *(day(d) for d, _ in scorings))
    table = Table(
        "REM pr. indikator og dato",
        columns,
        tuple((label, *(dk_number(v[i]) for _, v in scorings)) for i, label in items),
    )
    if len(scorings) < 2:
        return Chart(
            chart_id,
            title,
            "Udviklingen pr. indikator vises, når der er mindst to REM-scoringer.",
            table,
        )
    (d0, first), (d1, latest) = scorings[0], scorings[-1]
    changes = _changes(items, first, latest, scale)
    moved = [
        f"{word}: {join(changes[key])}"
        for key, word in (("better", "bedre"), ("worse", "dårligere"))
        if changes[key]
    ]
    summary = (
        f"REM er scoret {len(scorings)} gange fra {day(d0)} til {day(d1)}; "
        + ("; ".join(moved) if moved else "alle indikatorer er uændrede")
        + "."
    )
    desc = (
        f"{len(items)} små linjediagrammer, ét pr. indikator, fra {day(d0)} til {day(d1)}. "
        f"{_reading(scale)}, med {dk_number(scale.min)} øverst."
    )
    start, end = time_domain(d for d, _ in scorings)
    wide, narrow = (
        _multiples_svg(layout, chart_id, title, desc, items, scorings, scale, start, end)
        for layout in LAYOUTS
    )
    return Chart(
        chart_id,
        title,
        summary,
        table,
        wide,
        narrow,
        note=f"{_reading(scale)}. Højere oppe er bedre: færre udfordringer.",
    )


def _multiples_svg(
    layout: Layout,
    chart_id: str,
    title: str,
    desc: str,
    items: Items,
    scorings: Scorings,
    scale: Scale,
    start: date,
    end: date,
) -> Markup:
    size = layout.small
    cols = 3 if layout is WIDE else 2
    gap = 18 if layout is WIDE else 12
    cell_w = (layout.width - 2 * PAD - (cols - 1) * gap) / cols
    ticks = [(float(v), dk_number(v)) for v in range(int(scale.min), int(scale.max) + 1)]
    y_axis = (
        YAxis(scale.min, scale.max, ticks)
        if scale.higher_is_better
        else YAxis(scale.max, scale.min, ticks)
    )
    mini = Layout(layout.name, layout.width, layout.font, size, layout.marker - 0.5, 2)
    label_w = text_width("4", size) + 8
    title_lines = max(len(wrap(label, cell_w, size)) for _, label in items)
    plot_h = 64.0
    cell_h = title_lines * size * 1.2 + 8 + plot_h + size * 2.6 + gap
    label_every = len(scorings) <= 4  # with few points each value can be written
    panels = []
    for k, (item_id, label) in enumerate(items):
        col, row = k % cols, k // cols
        x0, y0 = PAD + col * (cell_w + gap), PAD + row * cell_h
        lines = wrap(label, cell_w, size)
        box = Box(
            x0 + label_w,
            y0 + len(lines) * size * 1.2 + 8 + (title_lines - len(lines)) * size * 1.2,
            cell_w - label_w - layout.marker - 4,
            plot_h,
        )
        marks = [
            Mark(
                d,
                v[item_id],
                f"{label}: {dk_number(v[item_id])} – {day(d)}",
                label=(dk_number(v[item_id]) if label_every or j == len(scorings) - 1 else None),
            )
            for j, (d, v) in enumerate(scorings)
        ]
        panels.append(
            group(
                text(x0, y0 + size, lines, size, weight=600),
                plot(
                    box,
                    [Series(item_id, label, LATEST, marks)],
                    start=start,
                    end=end,
                    y_axis=y_axis,
                    layout=mini,
                    line_width=2,
                ),
                _ends_axis(scorings[0][0], scorings[-1][0], start, end, box, size),
                class_="panel",
                data_item=item_id,
            )
        )
    rows = math.ceil(len(items) / cols)
    return root(layout, PAD + rows * cell_h, chart_id, title, desc, *panels)


def _ends_axis(first: date, last: date, start: date, end: date, box: Box, size: float) -> Markup:
    """A small panel's time axis: the months of the first and the latest scoring."""
    x = date_scale(start, end, box.x, box.right)
    labels = [month(first), month(last)]
    if sum(text_width(t, size) for t in labels) > x(last) - x(first) - size:
        # no room for month and year twice: the years, or the months within one year
        labels = (
            [str(first.year), str(last.year)]
            if first.year != last.year
            else [format_date(d, "MMM", locale="da") for d in (first, last)]
        )
    parts = [line(box.x, box.bottom, box.right, box.bottom, AXIS)]
    for d, label, anchor in ((first, labels[0], "start"), (last, labels[1], "end")):
        parts.append(line(x(d), box.bottom, x(d), box.bottom + 4, AXIS))
        parts.append(
            text(x(d), box.bottom + 4 + size * 1.1, label, size, anchor=anchor, fill=MUTED)
        )
    return group(*parts, class_="axis axis--x")
