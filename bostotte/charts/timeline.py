"""A goal's delmål along the plan period: when each was set, its target date, its notes and
its status now."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from markupsafe import Markup

from bostotte.charts.model import Chart, Step, Table
from bostotte.charts.svg import (
    BLUE,
    GREEN,
    LAYOUTS,
    MUTED,
    TEXT,
    UNDRAWABLE,
    X_AXIS_HEIGHT,
    Box,
    Layout,
    Swatch,
    date_scale,
    drawable,
    group,
    legend,
    line,
    marker,
    rect,
    root,
    shape_swatch,
    text,
    wrap,
    x_axis,
)
from bostotte.charts.words import count_list, day, join
from bostotte.goals.models import OPEN_SUBGOAL_STATUSES, SUBGOAL_STATUSES

PAD = 8
# Status → (colour, marker, bar dash). Shape and dash tell the statuses apart without colour;
# the order is the summary's.
LOOKS = {
    "achieved": (GREEN, "check", None),
    "in_progress": (BLUE, "circle", None),
    "not_started": (MUTED, "circle", "2 4"),
    "dropped": (MUTED, "cross", "2 4"),
}


def _overdue(step: Step, today: date) -> bool:
    return step.status in OPEN_SUBGOAL_STATUSES and step.due is not None and step.due < today


def subgoal_timeline(
    steps: Sequence[Step], *, period: tuple[date, date], today: date, goal: str, chart_id: str
) -> Chart:
    """One row a delmål: a bar from the day it was set to its target date, a tick a note,
    and its status now as a marker (shape and word, never colour alone)."""
    title = f"Delmål på tidslinjen – {goal}"
    table = Table(
        "Delmål",
        ("Delmål", "Oprettet", "Måldato", "Status", "Noter"),
        tuple(
            (
                s.title,
                day(s.start),
                day(s.due) if s.due else "–",
                s.status_label + (" (måldato overskredet)" if _overdue(s, today) else ""),
                str(len(s.notes)),
            )
            for s in steps
        ),
    )
    if not steps:
        return Chart(chart_id, title, "Målet har ingen delmål endnu.", table)
    counts = count_list(
        [(sum(s.status == key for s in steps), SUBGOAL_STATUSES[key].lower()) for key in LOOKS]
    )
    overdue = [s for s in steps if _overdue(s, today)]
    summary = f"{len(steps)} delmål i planperioden {day(period[0])} – {day(period[1])}: {counts}"
    if overdue:
        summary += (
            f"; {len(overdue)} har overskredet måldatoen ("
            + join([f"{s.title}, {day(s.due)}" for s in overdue if s.due])
            + ")"
        )
    dates = [period[0], period[1], *(s.start for s in steps), *(s.due for s in steps if s.due)]
    if not drawable(dates):
        return Chart(chart_id, title, f"{summary}. {UNDRAWABLE}", table)
    start, end = min(dates), max(dates)
    end = max(end, start + timedelta(days=30))  # a one-day plan still gets an axis
    desc = f"Tidslinje over {len(steps)} delmål fra {day(start)} til {day(end)}."
    wide, narrow = (
        _svg(layout, chart_id, title, desc, steps, start, end, today) for layout in LAYOUTS
    )
    return Chart(
        chart_id,
        title,
        summary + ".",
        table,
        wide,
        narrow,
        note=(
            "Hver bjælke går fra delmålet blev sat til dets måldato; mærket for "
            "enden viser status nu, de små streger er noter, og en prikket linje "
            "viser tiden efter måldatoen."
        ),
    )


def _legend(steps: Sequence[Step], today_shown: bool) -> list[tuple[str, Swatch]]:
    labels = {s.status: s.status_label for s in steps}
    entries: list[tuple[str, Swatch]] = [
        (labels[key], shape_swatch(LOOKS[key][1], LOOKS[key][0], filled=key != "not_started"))
        for key in LOOKS
        if key in labels
    ]
    if any(s.notes for s in steps):
        entries.append(
            (
                "Note",
                lambda x, y, size: line(
                    x + size * 1.1, y - size * 0.45, x + size * 1.1, y + size * 0.45, TEXT, 1.5
                ),
            )
        )
    if today_shown:
        entries.append(
            (
                "I dag",
                lambda x, y, size: line(
                    x + size * 1.1,
                    y - size * 0.5,
                    x + size * 1.1,
                    y + size * 0.5,
                    TEXT,
                    1.5,
                    dash="3 3",
                ),
            )
        )
    return entries


def _svg(
    layout: Layout,
    chart_id: str,
    title: str,
    desc: str,
    steps: Sequence[Step],
    start: date,
    end: date,
    today: date,
) -> Markup:
    size = layout.small
    today_shown = start <= today <= end
    leg, leg_h = legend(_legend(steps, today_shown), Box(PAD, PAD, layout.width - 2 * PAD, 0), size)
    box_x, box_w = PAD + layout.marker * 2, layout.width - 2 * PAD - layout.marker * 4
    x = date_scale(start, end, box_x, box_x + box_w)
    top = PAD + leg_h + size
    rows, y = [], top
    for i, s in enumerate(steps):
        colour, shape, dash = LOOKS.get(s.status, LOOKS["not_started"])
        lines = wrap(s.title, layout.width - 2 * PAD, layout.font)
        status = s.status_label + (f" · måldato {day(s.due)}" if s.due else " · ingen måldato")
        status += " er overskredet" if _overdue(s, today) else ""
        status_lines = wrap(status, layout.width - 2 * PAD, size)
        bar_y = (
            y
            + len(lines) * layout.font * 1.2
            + (len(status_lines) - 1) * size * 1.2
            + size * 1.3
            + 8
        )
        x0, x1 = x(s.start), x(s.due or s.start)
        # haloes: the "today" line crosses the words
        parts = [
            text(PAD, y + layout.font, lines, layout.font, weight=600, halo=True),
            text(
                PAD,
                y + len(lines) * layout.font * 1.2 + size * 1.1,
                status_lines,
                size,
                fill=MUTED,
                halo=True,
            ),
            line(x0, bar_y, x1, bar_y, colour, 6, dash=dash, stroke_linecap="round", class_="bar"),
            line(x0, bar_y - 6, x0, bar_y + 6, colour, 1.5),
        ]
        # past the target date: a thin line on to today (still open) or the last note
        tail = max([*s.notes, *([today] if _overdue(s, today) else [])], default=None)
        if tail is not None and s.due is not None and tail > s.due:
            parts.append(
                line(x1, bar_y, x(min(tail, end)), bar_y, colour, 1.5, dash="3 3", class_="tail")
            )
        for note_on in s.notes:
            nx = x(min(max(note_on, start), end))
            parts.append(line(nx, bar_y - 8, nx, bar_y + 8, TEXT, 1.5, class_="note"))
        parts.append(
            marker(
                shape,
                x1,
                bar_y,
                layout.marker + 1.5,
                colour,
                filled=s.status != "not_started",
                tip=f"{s.title}: {status}",
                class_=f"point point--{s.status}",
                data_date=(s.due or s.start).isoformat(),
            )
        )
        rows.append(group(*parts, class_="step", data_row=i))
        y = bar_y + 8 + size * 1.2
    box = Box(box_x, top - size * 0.5, box_w, y - top)
    parts = [
        rect(
            box, "none", class_="plot-area", data_start=start.isoformat(), data_end=end.isoformat()
        )
    ]
    if today_shown:
        tx = x(today)
        parts.append(line(tx, box.y, tx, box.bottom, TEXT, 1.5, dash="3 3", class_="today"))
    height = box.bottom + X_AXIS_HEIGHT * size + PAD
    return root(
        layout, height, chart_id, title, desc, leg, *parts, *rows, x_axis(start, end, box, layout)
    )
