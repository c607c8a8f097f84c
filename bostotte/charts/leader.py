"""Charts for the leader's dashboard: a share per theme against its target, and the trend
per quarter. They take the numbers `stats/` computes (suppressed cells as None) and name no
citizen."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from bostotte.charts.model import Chart, Table, ThemeShare
from bostotte.charts.svg import (
    AXIS,
    BLUE,
    LAYOUTS,
    MUTED,
    STYLES,
    TEXT,
    WIDE,
    Box,
    Layout,
    Linear,
    Swatch,
    el,
    group,
    legend,
    line,
    marker,
    path,
    rect,
    root,
    style_swatch,
    text,
    wrap,
)
from bostotte.charts.words import join, percent

PAD = 8
HIDDEN = "for få til at vise (under 5)"
PROTECTS = "skjult, så et lille tal ikke kan regnes ud"
Quarter = tuple[int, int]  # (year, quarter 1–4)


def _percent_grid(x: Linear, top: float, bottom: float, size: float) -> Markup:
    parts = []
    for k in range(5):
        v = k / 4
        parts.append(line(x(v), top, x(v), bottom, "#e3e3e3"))
        parts.append(text(x(v), bottom + size * 1.3, percent(v), size, anchor="middle", fill=MUTED))
    return group(*parts, class_="axis axis--x")


def _cell(share: float | None, hidden_as: str = "<5") -> str:
    return hidden_as if share is None else percent(share)


def theme_share_bars(
    rows: Sequence[ThemeShare], *, title: str, chart_id: str, measure: str = "andel"
) -> Chart:
    """One bar a theme with its target as a mark; a hidden (small) cell says so in words."""
    table = Table(
        title,
        ("Tema", "Andel", "Mål", "Antal mål"),
        tuple(
            (
                r.label,
                _cell(r.share, "skjult" if r.protects else r.hidden_as),
                percent(r.target) if r.target is not None else "–",
                str(r.n) if r.n is not None else r.hidden_as,
            )
            for r in rows
        ),
    )
    if not rows:
        return Chart(chart_id, title, "Der er ingen tal for perioden endnu.", table)
    shown = [r for r in rows if r.share is not None]
    described = [
        f"{r.label} {percent(r.share)}"
        + (f" (mål {percent(r.target)})" if r.target is not None else "")
        for r in shown
        if r.share is not None
    ]
    summary = (
        f"{measure.capitalize()} pr. tema: " + join(described)
        if described
        else "Alle temaer har for få mål til at blive vist"
    )
    hidden = [r.label for r in rows if r.share is None and not r.protects]
    if hidden:
        summary += f"; {join(hidden)} har for få mål til at blive vist"
    if protecting := [r.label for r in rows if r.share is None and r.protects]:
        summary += f"; {join(protecting)} er skjult, så et lille tal ikke kan regnes ud"
    with_target = [r for r in shown if r.target is not None and r.share is not None]
    if with_target:
        reached = sum(1 for r in with_target if (r.share or 0) >= (r.target or 0))
        summary += f"; {reached} af {len(with_target)} temaer har nået målet"
    desc = (
        f"Vandret søjlediagram: {measure} pr. tema fra 0 til 100 %, med målet som en lodret streg."
    )
    wide, narrow = (_bars_svg(layout, chart_id, title, desc, rows) for layout in LAYOUTS)
    return Chart(chart_id, title, summary + ".", table, wide, narrow)


def _target_swatch(x: float, y: float, size: float) -> Markup:
    return line(x + size * 1.1, y - size * 0.6, x + size * 1.1, y + size * 0.6, TEXT, 3)


def _bars_svg(
    layout: Layout, chart_id: str, title: str, desc: str, rows: Sequence[ThemeShare]
) -> Markup:
    size = layout.small
    entries: list[tuple[str, Swatch]] = [
        (
            "Andel",
            lambda x, y, s: el(
                "rect", x=x, y=y - s * 0.45, width=s * 2.2, height=s * 0.9, fill=BLUE
            ),
        )
    ]
    if any(r.target is not None for r in rows):
        entries.append(("Mål", _target_swatch))
    leg, leg_h = legend(entries, Box(PAD, PAD, layout.width - 2 * PAD, 0), size)
    right = layout.width - PAD - size * 1.5
    x = Linear(0, 1, PAD + size * 1.5, right)  # room for "0 %" centred under 0
    bar_h = 16
    top = PAD + leg_h + size
    parts, y = [], top
    for r in rows:
        # the value stands with the name, where no bar end or target mark can cover it
        lines = wrap(
            f"{r.label}: {_cell(r.share) if r.share is not None else '–'}",
            layout.width - 2 * PAD,
            layout.font,
        )
        parts.append(text(PAD, y + layout.font, lines, layout.font, weight=600, halo=True))
        bar_y = y + len(lines) * layout.font * 1.2 + 6
        if r.share is None:
            why = PROTECTS if r.protects else HIDDEN
            parts.append(text(x(0) + 4, bar_y + bar_h * 0.75, why, size, fill=MUTED))
        else:
            parts.append(
                rect(
                    Box(x(0), bar_y, x(r.share) - x(0), bar_h),
                    BLUE,
                    class_="bar",
                    data_value=r.share,
                )
            )
        if r.target is not None:
            tx = x(r.target)
            parts.append(
                line(
                    tx,
                    bar_y - 4,
                    tx,
                    bar_y + bar_h + 4,
                    TEXT,
                    3,
                    class_="target",
                    data_value=r.target,
                )
            )
            parts.append(
                text(
                    tx,
                    bar_y + bar_h + 4 + size,
                    f"mål {percent(r.target)}",
                    size,
                    anchor="middle",
                    fill=TEXT,
                    halo=True,
                )
            )
        y = bar_y + bar_h + 4 + size * 1.6
    body = [_percent_grid(x, top - 4, y, size), line(x(0), top - 4, x(0), y, AXIS), *parts]
    height = y + size * 1.3 + PAD + 4
    return root(layout, height, chart_id, title, desc, leg, *body)


# ----------------------------------------------------------------------- quarterly trend


def _quarter(q: Quarter, short: bool = False) -> str:
    return f"K{q[1]}" if short else f"{q[1]}. kvt."


def quarterly_trend(
    quarters: Sequence[Quarter],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    title: str,
    chart_id: str,
) -> Chart:
    """Shares per quarter as lines, one a series; a hidden quarter (None) breaks the line."""
    columns = ("Kvartal", *(name for name, _ in series))
    table = Table(
        title,
        columns,
        tuple(
            (f"{_quarter(q)} {q[0]}", *(_cell(v[k]) for _, v in series))
            for k, q in enumerate(quarters)
        ),
    )
    if not quarters or not series:
        return Chart(chart_id, title, "Der er ingen tal for perioden endnu.", table)
    moves = []
    for name, values in series:
        known = [v for v in values if v is not None]
        if len(known) >= 2:
            moves.append(f"{name} fra {percent(known[0])} til {percent(known[-1])}")
        elif known:
            moves.append(f"{name} {percent(known[0])}")
    first, last = quarters[0], quarters[-1]
    summary = (
        f"Udvikling pr. kvartal fra {_quarter(first)} {first[0]} til {_quarter(last)} "
        f"{last[0]}: " + (join(moves) if moves else "for få tal til at vise") + "."
    )
    desc = f"Linjediagram med {len(series)} linjer over {len(quarters)} kvartaler fra 0 til 100 %."
    wide, narrow = (
        _trend_svg(layout, chart_id, title, desc, quarters, series) for layout in LAYOUTS
    )
    return Chart(chart_id, title, summary, table, wide, narrow)


def _trend_svg(
    layout: Layout,
    chart_id: str,
    title: str,
    desc: str,
    quarters: Sequence[Quarter],
    series: Sequence[tuple[str, Sequence[float | None]]],
) -> Markup:
    size = layout.small
    styles = [STYLES[k % len(STYLES)] for k in range(len(series))]
    leg, leg_h = legend(
        [(name, style_swatch(st)) for (name, _), st in zip(series, styles, strict=True)],
        Box(PAD, PAD, layout.width - 2 * PAD, 0),
        size,
    )
    left = PAD + size * 3
    box = Box(
        left, PAD + leg_h + size, layout.width - left - PAD - 6, 220 if layout is WIDE else 170
    )
    step = box.w / len(quarters)
    x = [box.x + step * (k + 0.5) for k in range(len(quarters))]
    y = Linear(0, 1, box.bottom, box.y)
    parts = [rect(box, "none", class_="plot-area", data_bottom=0, data_top=1)]
    for k in range(5):
        parts.append(line(box.x, y(k / 4), box.right, y(k / 4), "#e3e3e3"))
        parts.append(
            text(box.x - 6, y(k / 4) + size * 0.35, percent(k / 4), size, anchor="end", fill=MUTED)
        )
    short = step < size * 4.5  # "K1" under a narrow column, "1. kvt." where there is room
    for k, q in enumerate(quarters):
        label = [_quarter(q, short)]
        if k == 0 or q[1] == 1:
            label.append(str(q[0]))
        parts.append(line(x[k], box.bottom, x[k], box.bottom + 5, AXIS))
        parts.append(
            text(x[k], box.bottom + 5 + size * 1.15, label, size, anchor="middle", fill=MUTED)
        )
    parts.append(line(box.x, box.bottom, box.right, box.bottom, AXIS))
    for (name, values), st in zip(series, styles, strict=True):
        key = f"s{series.index((name, values))}"
        run: list[tuple[float, float]] = []
        runs = [run]
        for k, v in enumerate(values):
            if v is None:
                run = []
                runs.append(run)
            else:
                run.append((x[k], y(v)))
        for r in runs:
            if len(r) > 1:
                parts.append(path(r, st.colour, 2.25, dash=st.dash, class_=f"line line--{key}"))
        for k, v in enumerate(values):
            if v is not None:
                parts.append(
                    marker(
                        st.marker,
                        x[k],
                        y(v),
                        layout.marker,
                        st.colour,
                        filled=st.filled,
                        tip=f"{name}, {_quarter(quarters[k])} {quarters[k][0]}: {percent(v)}",
                        class_=f"point point--{key}",
                        data_value=v,
                    )
                )
    height = box.bottom + 2.6 * size + PAD
    return root(layout, height, chart_id, title, desc, leg, *parts)
