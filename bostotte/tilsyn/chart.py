"""The spindelvæv: a visit's theme scores against the previous visit's, drawn by the same
radar as REM's (bostotte/charts/rem.py), with a summary in words and the numbers as a
table (macros/charts.html). Scale 1–5, higher is better, so a bigger web is better."""

from __future__ import annotations

from fractions import Fraction

from bostotte.charts.model import Chart, Scale, Table
from bostotte.charts.rem import FIRST, LATEST, _radar_svg
from bostotte.charts.svg import LAYOUTS
from bostotte.charts.words import day, join
from bostotte.tilsyn.kvalitetsmodel import one_decimal, shown
from bostotte.tilsyn.services import VisitReport

SCALE = Scale(1, 5, {5: "I meget høj grad opfyldt", 1: "I meget lav grad opfyldt"})
READING = "1 = i meget lav grad opfyldt, 5 = i meget høj grad opfyldt"


def _rounded(value: Fraction) -> float:
    """Drawn where the report prints it (4,25 at 4,3)."""
    return float(one_decimal(value))


def radar(report: VisitReport) -> Chart:
    visit, previous = report.visit, report.previous
    title = "Spindelvæv: temaernes score"
    now = {t.theme_id: t.score.value for t in report.scored if t.score and t.score.value}
    items = [(t.theme_id, t.name) for t in report.scored if t.theme_id in now]
    before = {
        t.theme_id: t.before.value for t in report.scored if t.before and t.before.value is not None
    }
    compare = previous is not None and all(i in before for i, _ in items)
    columns: tuple[str, ...] = ("Tema", f"Dette besøg ({day(visit.visit_date)})")
    if previous is not None:
        columns += (f"Forrige ({day(previous.visit_date)})", "Ændring")
    rows = []
    for t in report.scored:
        row: tuple[str, ...] = (t.name, t.score.text if t.score else "–")
        if previous is not None:
            b = t.before.value if t.before else None
            n = t.score.value if t.score else None
            row += (shown(b), _change(b, n))
        rows.append(row)
    table = Table("Temaernes score, 1–5", columns, tuple(rows))
    if len(items) < 3:
        return Chart(
            "tilsyn-radar",
            title,
            "Spindelvævet kræver scorer i mindst tre temaer; tallene står i tabellen.",
            table,
        )
    latest = {i: _rounded(now[i]) for i, _ in items}
    webs = [("latest", f"Dette besøg: {day(visit.visit_date)}", LATEST, latest)]
    if compare and previous is not None:
        first = {i: _rounded(before[i]) for i, _ in items}
        webs.insert(0, ("first", f"Forrige: {day(previous.visit_date)}", FIRST, first))
    desc = (
        f"Radardiagram over {len(items)} temaer, "
        + ("dette og forrige besøg" if len(webs) > 1 else "dette besøg")
        + f". {READING}; højere ligger længere ude."
    )
    wide, narrow = (
        _radar_svg(
            layout, "tilsyn-radar", title, desc, items, webs, SCALE, "Forrige → dette besøg:"
        )
        for layout in LAYOUTS
    )
    return Chart(
        "tilsyn-radar",
        title,
        _summary(report, now, before if compare else {}),
        table,
        wide,
        narrow,
        note=f"{READING}. Jo større spindelvæv, jo højere kvalitet.",
    )


def _change(before: Fraction | None, now: Fraction | None) -> str:
    if before is None or now is None:
        return "–"
    diff = one_decimal(now) - one_decimal(before)
    if diff == 0:
        return "Uændret"
    return f"{shown(abs(Fraction(diff)))} {'højere' if diff > 0 else 'lavere'}"


def _summary(report: VisitReport, now: dict[str, Fraction], before: dict[str, Fraction]) -> str:
    names = {t.theme_id: t.name for t in report.scored}
    top = max(one_decimal(v) for v in now.values())
    low = min(one_decimal(v) for v in now.values())
    best = join([names[i] for i, v in now.items() if one_decimal(v) == top])
    worst = join([names[i] for i, v in now.items() if one_decimal(v) == low])
    text = (
        f"Besøget {day(report.visit.visit_date)} scorer højest i {best} "
        f"({shown(Fraction(top))}) og lavest i {worst} ({shown(Fraction(low))})."
    )
    if before:
        up = [names[i] for i in now if one_decimal(now[i]) > one_decimal(before[i])]
        down = [names[i] for i in now if one_decimal(now[i]) < one_decimal(before[i])]
        same = len(now) - len(up) - len(down)
        parts = []
        if up:
            parts.append(f"højere i {join(up)}")
        if down:
            parts.append(f"lavere i {join(down)}")
        if same:
            parts.append(f"uændret i {same} {'tema' if same == 1 else 'temaer'}")
        text += f" Mod forrige besøg er scoren {join(parts)}."
    elif report.previous is not None:
        text += " Forrige besøg scorede ikke de samme temaer, så det er kun med i tabellen."
    return text
