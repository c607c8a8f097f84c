"""FKO support need for one goal: baseline, each status and the final, against the target."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from bostotte.charts.fit import middle_half
from bostotte.charts.model import Chart, FkoPoint, Scale, Table
from bostotte.charts.svg import (
    BLUE,
    GREEN,
    GREEN_TINT,
    TEAL,
    Style,
    Swatch,
    band_swatch,
    line_swatch,
    shape_swatch,
    style_swatch,
    time_domain,
)
from bostotte.charts.timeseries import Band, Envelope, Mark, Ref, Series, YAxis, time_chart
from bostotte.charts.words import (
    FKO_NOTE_FOR_YOU,
    FKO_OCCASIONS_FOR_YOU,
    day,
    fko_callout_for_you,
    fko_summary_for_you,
)
from bostotte.common.formatting import dk_number
from bostotte.progress.bands import MIN_COURSES, TOO_FEW, Curve, Point, quarter_index

EXPECTED_TINT = "#cce0e1"  # TEAL at the envelope's opacity over white, for the legend

# Status is due every three months: half a year without one is a pause, not a trend.
GAP_DAYS = 200
STYLE = Style(BLUE, "circle")
SHAPES = {"baseline": "square", "final": "diamond"}  # status: the line's circle
OCCASIONS = {
    "baseline": "Udgangspunkt",
    "target": "Mål for støttebehov",
    "status": "Status",
    "final": "Afsluttende status",
}


def fko_chart(
    points: Sequence[FkoPoint],
    *,
    scale: Scale,
    theme: str,
    goal: str,
    chart_id: str,
    occasions: Mapping[str, str] = OCCASIONS,
    you: bool = False,
    expected: Curve | None = None,
) -> Chart:
    """Support need at baseline and each status, the target as a dashed line, the final
    status marked. Less support need is better, so the axis is turned: 0 (none) at the top,
    and a line going up means less need; the note says so in words. `expected`: the curve
    of earlier goals with the same baseline (bostotte.progress), by quarter since the
    baseline, drawn at her scores as a shaded middle half with a dashed middle."""
    title = f"Støttebehov – {theme}: {goal}"
    if you:  # her words for the occasions (charts/words.py)
        occasions = FKO_OCCASIONS_FOR_YOU
    target = next((p.value for p in points if p.occasion == "target"), None)
    scored = sorted(
        (p for p in points if p.occasion != "target"),
        key=lambda p: (p.on, p.occasion != "baseline"),
    )

    def level(value: float) -> str:
        label = scale.label(value)
        return f"{dk_number(value)} ({label})" if label else dk_number(value)

    rows = tuple((day(p.on), occasions.get(p.occasion, p.occasion), level(p.value)) for p in scored)
    if target is not None:
        rows += (("–", occasions.get("target", "Mål"), level(target)),)
    table = Table("Støttebehov pr. dato", ("Dato", "Slags", "Støttebehov"), rows)
    if not scored:
        summary = (
            fko_summary_for_you([], target, scale.labels)
            if you
            else "Der er ingen FKO-scoringer for målet endnu"
            + (f"; målet for støttebehov er {level(target)}." if target is not None else ".")
        )
        return Chart(chart_id, title, summary, table)

    marks = [
        Mark(
            p.on,
            p.value,
            f"{occasions.get(p.occasion, p.occasion)}: {level(p.value)} – {day(p.on)}",
            shape=SHAPES.get(p.occasion),
            filled=False if p.occasion == "baseline" else None,
            label=dk_number(p.value) if i == len(scored) - 1 else None,
        )
        for i, p in enumerate(scored)
    ]
    series = [Series("fko", "Støttebehov", STYLE, marks)]
    ticks = [
        (float(v), f"{v} {scale.labels.get(v, '')}".strip())
        for v in range(int(scale.min), int(scale.max) + 1)
    ]
    y_axis = YAxis(scale.max, scale.min, ticks)  # turned: less need is up
    bands, refs = [], []
    entries: list[tuple[str, Swatch]] = [("Status", style_swatch(STYLE))]
    if any(p.occasion == "baseline" for p in scored):
        entries.insert(
            0,
            (
                occasions["baseline"] if you else "Udgangspunkt",
                shape_swatch("square", BLUE, filled=False),
            ),
        )
    if any(p.occasion == "final" for p in scored):
        entries.append(
            (occasions["final"] if you else "Afsluttende status", shape_swatch("diamond", BLUE))
        )
    if target is not None:
        bands.append(Band(scale.min, target, None, GREEN_TINT, GREEN, "target"))
        refs.append(Ref(target, f"Mål: {dk_number(target)}", GREEN))
        entries.append((f"Mål: {level(target)}", line_swatch(GREEN, "7 5")))
        entries.append(("Målet er nået her", band_swatch(GREEN_TINT, None)))
    along = _expected_along(expected, scored)
    envelopes = []
    if expected is not None and len(along) > 1:
        envelopes.append(Envelope(along, TEAL, TEAL, "expected"))
        entries.append(
            (
                "Forventet ud fra tidligere mål",
                band_swatch(EXPECTED_TINT, None),
            )
        )
        entries.append(("Forventet midte (median)", line_swatch(TEAL, "5 4", 1.5)))
    start, end = time_domain(p.on for p in scored)
    desc = (
        f"Linjediagram over støttebehovet for målet fra {day(scored[0].on)} til "
        f"{day(scored[-1].on)} på en skala fra {dk_number(scale.min)} (intet) til "
        f"{dk_number(scale.max)} (fuldstændigt), med 0 øverst."
    )
    wide, narrow = time_chart(
        chart_id=chart_id,
        title=title,
        desc=desc,
        series=series,
        y_axis=y_axis,
        start=start,
        end=end,
        bands=bands,
        refs=refs,
        plot_heights=(170, 150),
        legend_entries=entries,
        gap_days=GAP_DAYS,
        envelopes=envelopes,
    )
    summary = _summary(scored, target, level, occasions, you, scale)
    if expected is not None:
        summary += " " + expected_words(expected, scored)
    return Chart(
        chart_id,
        title,
        summary,
        table,
        wide,
        narrow,
        callout=(
            fko_callout_for_you([p.value for p in scored], scale.labels)
            if you
            else _callout(scored, target, level, you)
        ),
        note=(
            FKO_NOTE_FOR_YOU
            if you
            else "Lavere tal er bedre: 0 betyder intet støttebehov og står øverst, så "
            "en linje, der går op, betyder mindre brug for støtte."
        ),
    )


def _baseline(scored: Sequence[FkoPoint]) -> FkoPoint | None:
    return next((p for p in scored if p.occasion == "baseline"), None)


def _expected_at(
    expected: Curve, scored: Sequence[FkoPoint]
) -> list[tuple[FkoPoint, int, Point | None]]:
    """Each score after the baseline with its quarter and the band's point there."""
    base = _baseline(scored)
    if base is None or not expected.points:
        return []
    last = expected.points[-1].index
    out = []
    for p in scored:
        q = quarter_index((p.on - base.on).days)
        if p.on > base.on and q >= 1:
            out.append((p, q, expected.at(q, last)))
    return out


def _expected_along(
    expected: Curve | None, scored: Sequence[FkoPoint]
) -> list[tuple[date, float, float, float]]:
    """The envelope: from the baseline (where every course starts) through her scores."""
    if expected is None:
        return []
    at = [(p.on, e.p25, e.p50, e.p75) for p, _q, e in _expected_at(expected, scored) if e]
    base = _baseline(scored)
    if not at or base is None:
        return []
    return [(base.on, base.value, base.value, base.value), *at]


def expected_words(expected: Curve, scored: Sequence[FkoPoint]) -> str:
    """Where her latest score is against the goals that started where hers did."""
    if not expected.points:
        return (
            f"Forventet fremgang: {TOO_FEW} – der er {expected.courses} tidligere mål med "
            f"udgangspunkt {expected.label}, og der skal være mindst {MIN_COURSES}."
        )
    at = [(p, q, e) for p, q, e in _expected_at(expected, scored) if e]
    if not at:
        return (
            f"Forventet fremgang: kurven for mål med udgangspunkt {expected.label} "
            "vises fra første status efter udgangspunktet."
        )
    p, q, e = at[-1]
    quarters = "1 kvartal" if q == 1 else f"{q} kvartaler"
    if round(p.value, 1) > round(e.p75, 1):
        where = "viser mere støttebehov end forventet"
    elif round(p.value, 1) < round(e.p25, 1):
        where = "viser mindre støttebehov end forventet"
    else:
        where = "er som forventet"
    return (
        f"Forventet fremgang: seneste status {where}. Halvdelen af {e.n} tidligere "
        f"mål med udgangspunkt {expected.label} lå efter {quarters} "
        f"{middle_half(e)}, med midten på {dk_number(e.p50)}."
    )


def _change(first: FkoPoint, latest: FkoPoint, since: str) -> str:
    diff = latest.value - first.value
    if diff == 0:
        return f"det samme som {since}"
    more = "mindre" if diff < 0 else "mere"
    return f"{dk_number(abs(diff))} trin {more} støttebehov end {since}"


def _since(first: FkoPoint) -> str:
    return "ved udgangspunktet" if first.occasion == "baseline" else "første gang"


def _summary(
    scored: Sequence[FkoPoint],
    target: float | None,
    level,  # type: ignore[no-untyped-def]
    occasions: Mapping[str, str],
    you: bool = False,
    scale: Scale | None = None,
) -> str:
    if you and scale is not None:  # her own words (charts/words.py)
        return fko_summary_for_you([(p.on, p.value) for p in scored], target, scale.labels)
    first, latest = scored[0], scored[-1]
    which = "den afsluttende status" if latest.occasion == "final" else "seneste status"
    goal = ""
    if target is not None:
        reached = "nået" if latest.value <= target else "ikke nået endnu"
        goal = f"; målet er {level(target)}, og det er {reached}"
    if len(scored) == 1:
        occasion = occasions.get(first.occasion, first.occasion).lower()
        return (
            f"Der er kun én FKO-scoring ({occasion}, {day(first.on)}): {level(first.value)}{goal}."
        )
    return (
        f"Støttebehovet var {level(first.value)} {_since(first)} {day(first.on)} og er "
        f"{level(latest.value)} ved {which} {day(latest.on)} – "
        f"{_change(first, latest, _since(first))}{goal}."
    )


def _callout(
    scored: Sequence[FkoPoint],
    target: float | None,
    level,  # type: ignore[no-untyped-def]
    you: bool,
) -> str:
    first, latest = scored[0], scored[-1]
    text = (
        f"Din seneste vurdering: {level(latest.value)}"
        if you
        else f"Seneste: {level(latest.value)} ({day(latest.on)})"
    )
    if len(scored) > 1:
        text += f" – {_change(first, latest, 'da I startede' if you else _since(first))}"
        if target is not None and latest.value <= target:
            text += ", og målet er nået"
    return text
