"""ORS and SRS (FIT) totals over time, with the clinical cut-off and the alliance line."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import zip_longest

from bostotte.charts.model import Chart, Cutoff, Table
from bostotte.charts.svg import (
    BLUE,
    BLUE_TINT,
    ORANGE,
    ORANGE_TINT,
    TEAL,
    Style,
    Swatch,
    band_swatch,
    line_swatch,
    shape_swatch,
    style_swatch,
    time_domain,
)
from bostotte.charts.timeseries import (
    Band,
    Envelope,
    Mark,
    Ref,
    Series,
    YAxis,
    segments,
    time_chart,
)
from bostotte.charts.words import (
    alliance_legend,
    change,
    cutoff_legend,
    day,
    fit_callout_for_you,
    fit_note_for_you,
    fit_summary_for_you,
    join,
    month,
    months_between,
    reliable_legend,
    reliable_word,
    sign,
    times,
)
from bostotte.common.formatting import dk_number
from bostotte.progress.bands import MIN_COURSES, TOO_FEW, Curve, Point

# ORS/SRS belong to every contact: four months without one is a pause, not a trend.
GAP_DAYS = 120
# SRS: a fall of one point from the previous session is worth a look (FIT practice).
SRS_DROP = 1.0
# Open circles; a filled one is a reliable change from the first score.
ORS_STYLE = Style(BLUE, "circle", filled=False)
SRS_STYLE = Style(ORANGE, "square", "7 4")
TITLE = "ORS og SRS over tid"
# The expected band: TEAL at the envelope's opacity (0.2) over white, for the legend.
EXPECTED_TINT = "#cce0e1"

Scores = Sequence[tuple[date, float]]


def ors_srs_chart(
    ors: Scores,
    srs: Scores,
    *,
    scale: tuple[float, float],
    cutoffs: Sequence[Cutoff],
    alliance: float | None,
    reliable_change: float | None,
    you: bool = False,
    chart_id: str = "ors-srs",
    expected: Curve | None = None,
) -> Chart:
    """Both totals as lines on the instrument's scale; the clinical cut-off (per date, as
    an age cut-off can change) and the alliance line as labelled bands; dotted lines the
    reliable change away from the first ORS, and filled points where the ORS has changed
    that much; the latest ORS called out in words. `expected`: her starting band's curve
    from earlier courses (bostotte.progress), drawn at her sessions as a shaded middle half
    with a dashed middle, and said in the summary and the table."""
    ors, srs = sorted(ors), sorted(srs)
    at = _expected_points(expected, len(ors))
    columns = ("Dato", "ORS", "Ændring fra første ORS", "SRS") + (
        ("Forventet (midterste halvdel)",) if at else ()
    )
    if not ors and not srs:
        return Chart(
            chart_id,
            TITLE,
            "Du har ikke målt ORS eller SRS endnu."
            if you
            else "Der er ingen ORS- eller SRS-scoringer endnu.",
            Table("ORS og SRS", columns, ()),
        )
    first = ors[0][1] if ors else None

    def reliable(value: float) -> bool:
        return (
            first is not None
            and reliable_change is not None
            and abs(value - first) >= reliable_change
        )

    def cutoff_on(on: date) -> Cutoff:
        return next((c for c in reversed(cutoffs) if c.start <= on), cutoffs[0])

    ors_marks = [
        Mark(
            d,
            v,
            f"ORS {dk_number(v)} – {day(d)}"
            + (f" ({reliable_word(you)})" if i and reliable(v) else ""),
            filled=True if i and reliable(v) else None,
            kind="reliable" if i and reliable(v) else "",
            label=dk_number(v) if i in (0, len(ors) - 1) else None,
        )
        for i, (d, v) in enumerate(ors)
    ]
    srs_marks = [
        Mark(
            d,
            v,
            f"SRS {dk_number(v)} – {day(d)}",
            label=dk_number(v) if i == len(srs) - 1 else None,
        )
        for i, (d, v) in enumerate(srs)
    ]
    series = [
        Series("ors", "ORS – trivsel", ORS_STYLE, ors_marks),
        Series("srs", "SRS – samarbejdet", SRS_STYLE, srs_marks),
    ]
    dates = [d for d, _ in ors] + [d for d, _ in srs]
    lo, hi = scale
    start, end = time_domain(dates)
    # The cut-offs in force somewhere on the chart, each as a band over its own dates.
    shown = [
        (c, c.start if i else start, cutoffs[i + 1].start if i + 1 < len(cutoffs) else end)
        for i, c in enumerate(cutoffs)
    ]
    shown = [(c, max(a, start), min(b, end)) for c, a, b in shown if a < end and b > start]
    bands = [
        Band(lo, c.value, c.value, BLUE_TINT, BLUE, "cutoff", start=a, end=b) for c, a, b in shown
    ]
    marks = [(v, dk_number(v), BLUE) for v in sorted({c.value for c, _, _ in shown})]
    if alliance is not None:
        bands.append(Band(alliance, hi, alliance, ORANGE_TINT, ORANGE, "alliance"))
        marks.append((alliance, dk_number(alliance), ORANGE))
    step = (hi - lo) / 4
    y_axis = YAxis(lo, hi, [(lo + step * k, dk_number(lo + step * k)) for k in range(5)], marks)

    gaps = [
        (a[-1].on, b[0].on)
        for s in series
        for a, b in zip(segments(s.marks, GAP_DAYS), segments(s.marks, GAP_DAYS)[1:], strict=False)
    ]
    refs = []
    if first is not None and reliable_change is not None and len(ors) > 1:
        # the reliable-change lines: a point beyond one has changed reliably
        refs = [
            Ref(first + sign * reliable_change, "", BLUE, "2 3", 1.25, start=ors[0][0])
            for sign in (1, -1)
            if lo <= first + sign * reliable_change <= hi
        ]
    legend = _legend(
        [c for c, _, _ in shown],
        alliance,
        reliable_change,
        bool(refs),
        any(m.kind for m in ors_marks),
        bool(gaps),
        you,
    )
    envelopes = []
    if expected is not None and len(at) > 1:
        envelopes.append(
            Envelope(
                [(d, p.p25, p.p50, p.p75) for (d, _v), p in zip(ors, at, strict=False)],
                TEAL,
                TEAL,
                "expected",
            )
        )
        legend += [
            (
                "Forventet ud fra tidligere forløb",
                band_swatch(EXPECTED_TINT, None),
            ),
            ("Forventet midte (median)", line_swatch(TEAL, "5 4", 1.5)),
        ]
    span = (day(min(dates)), day(max(dates)))
    desc = (
        f"Linjediagram over ORS (trivsel) og SRS (samarbejdet) fra {span[0]} til "
        f"{span[1]} på en skala fra {dk_number(lo)} til {dk_number(hi)}, hvor højere er bedre."
    )
    wide, narrow = time_chart(
        chart_id=chart_id,
        title=TITLE,
        desc=desc,
        series=series,
        y_axis=y_axis,
        start=start,
        end=end,
        bands=bands,
        refs=refs,
        plot_heights=(250, 190),
        legend_entries=legend,
        gap_days=GAP_DAYS,
        envelopes=envelopes,
    )
    summary = _summary(ors, srs, cutoff_on, alliance, reliable, gaps, you)
    if expected is not None and ors:
        summary += " " + expected_words(expected, len(ors), ors[-1][1])
    return Chart(
        chart_id,
        TITLE,
        summary=summary,
        table=Table("ORS og SRS pr. dato", columns, _rows(ors, srs, reliable, at, you=you)),
        svg=wide,
        svg_narrow=narrow,
        callout=_callout(ors, srs, you),
        note=_note(you, cutoff_on(max(dates)).value if ors else None, reliable_change),
    )


def _note(you: bool, cutoff: float | None, reliable_change: float | None) -> str:
    if not you:
        return "Højere er bedre. ORS scores ved samtalens start, SRS ved slutningen."
    # the citizen's own words for what the bands and the filled points mean
    return fit_note_for_you(cutoff, reliable_change)


def _legend(
    cutoffs: Sequence[Cutoff],
    alliance: float | None,
    reliable_change: float | None,
    lines: bool,
    reliable: bool,
    gaps: bool,
    you: bool = False,
) -> list[tuple[str, Swatch]]:
    values = join(
        [
            dk_number(c.value) + (f" ({c.group})" if c.group else "")
            for c in sorted(cutoffs, key=lambda c: -c.value)
        ]
    )
    entries: list[tuple[str, Swatch]] = [
        ("ORS – trivsel", style_swatch(ORS_STYLE)),
        ("SRS – samarbejdet", style_swatch(SRS_STYLE)),
        (cutoff_legend(values, you), band_swatch(BLUE_TINT, BLUE, top=True)),
    ]
    if alliance is not None:
        entries.append(
            (
                alliance_legend(alliance, you),
                band_swatch(ORANGE_TINT, ORANGE, top=False),
            )
        )
    if lines and reliable_change is not None:
        entries.append(
            (
                f"{dk_number(reliable_change)} point over og under første ORS",
                line_swatch(BLUE, "2 3", 1.25),
            )
        )
    if reliable and reliable_change is not None:
        entries.append(
            (
                reliable_legend(reliable_change, you),
                shape_swatch("circle", BLUE),
            )
        )
    if gaps:
        entries.append(("Pause i målingerne", line_swatch(BLUE, "1 5", 1.5)))
    return entries


def _expected_points(expected: Curve | None, sessions: int) -> list[Point]:
    """Her band's point at each of her sessions (after the curve's last, its last point);
    empty when there is no curve."""
    if expected is None or not expected.points:
        return []
    last = expected.points[-1].index
    return [p for k in range(1, sessions + 1) if (p := expected.at(k, last)) is not None]


def expected_words(expected: Curve, sessions: int, latest: float) -> str:
    """Where her latest ORS is against the band's curve, in plain words."""
    if not expected.points:
        return (
            f"Forventet fremgang: {TOO_FEW} – der er {expected.courses} tidligere forløb, "
            f"der startede i samme bånd ({expected.label}), og der skal være mindst "
            f"{MIN_COURSES}."
        )
    last = expected.points[-1].index
    p = expected.at(sessions, last)
    assert p is not None
    when = f"ved {sessions}. samtale" if sessions <= last else f"ved {last}. samtale og senere"
    if round(latest, 1) < round(p.p25, 1):
        where = "under det forventede"
    elif round(latest, 1) > round(p.p75, 1):
        where = "over det forventede"
    else:
        where = "som forventet"
    return (
        f"Forventet fremgang: seneste ORS ({dk_number(latest)}) er {where}. Halvdelen af "
        f"{p.n} tidligere forløb, der startede i samme bånd ({expected.label}), lå {when} "
        f"{middle_half(p)}, med midten på {dk_number(p.p50)}."
    )


def middle_half(p: Point) -> str:
    """ "mellem 18,8 og 26", or "på 2" where the middle half is one value."""
    if round(p.p25, 1) == round(p.p75, 1):
        return f"på {dk_number(p.p25)}"
    return f"mellem {dk_number(p.p25)} og {dk_number(p.p75)}"


def _rows(  # type: ignore[no-untyped-def]
    ors: Scores, srs: Scores, reliable, at: Sequence[Point] = (), *, you: bool = False
) -> tuple[tuple[str, ...], ...]:
    first = ors[0][1] if ors else None
    seen = 0
    by_date: dict[date, tuple[list[float], list[float]]] = {}
    for d, v in ors:
        by_date.setdefault(d, ([], []))[0].append(v)
    for d, v in srs:
        by_date.setdefault(d, ([], []))[1].append(v)
    rows = []
    for d in sorted(by_date):
        for o, s in zip_longest(*by_date[d]):
            diff = (
                "–"
                if o is None or first is None
                else sign(o - first)
                + (f" ({reliable_word(you)})" if reliable(o) and o != first else "")
            )
            row: tuple[str, ...] = (
                day(d),
                "–" if o is None else dk_number(o),
                diff,
                "–" if s is None else dk_number(s),
            )
            if at:
                p = at[seen] if o is not None and seen < len(at) else None
                row += (
                    "–"
                    if p is None
                    else f"{dk_number(p.p25)}–{dk_number(p.p75)} (midten {dk_number(p.p50)})",
                )
            seen += o is not None
            rows.append(row)
    return tuple(rows)


def _position(value: float, limit: float, name: str) -> str:
    where = "over" if value > limit else "under" if value < limit else "lige på"
    return f"{where} {name} på {dk_number(limit)}"


def _summary(
    ors: Scores,
    srs: Scores,
    cutoff_on,
    alliance: float | None,  # type: ignore[no-untyped-def]
    reliable,
    gaps: list[tuple[date, date]],
    you: bool = False,
) -> str:
    if you:  # her own words (charts/words.py): no clinical terms on /mig
        return fit_summary_for_you(
            ors,
            srs,
            cutoff=cutoff_on(ors[-1][0]).value if ors else None,
            alliance=alliance,
            reliable=len(ors) > 1 and reliable(ors[-1][1]),
            gap=max(gaps, key=lambda g: g[1] - g[0]) if gaps else None,
        )
    parts = []
    if ors:
        (d0, first), (d1, latest) = ors[0], ors[-1]
        where = _position(latest, cutoff_on(d1).value, "den kliniske grænse")
        if len(ors) == 1:
            parts.append(f"ORS er scoret én gang, {day(d0)}: {dk_number(first)}, {where}")
        else:
            words = change(latest - first)
            if reliable(latest):
                words += ", en pålidelig forbedring" if latest > first else ", et pålideligt fald"
            parts.append(
                f"ORS er scoret {times(len(ors))} fra {day(d0)} til {day(d1)} og "
                f"er gået fra {dk_number(first)} til {dk_number(latest)} ({words}), "
                f"{where}"
            )
    else:
        parts.append("ORS er ikke scoret endnu")
    if srs:
        parts.append(srs_words(srs[-1][1], srs[-2][1] if len(srs) > 1 else None, alliance)[1])
    if gaps:
        a, b = max(gaps, key=lambda g: g[1] - g[0])
        parts.append(
            f"der er en pause på {months_between(a, b)} måneder fra {month(a)} til {month(b)}"
        )
    return "; ".join(parts) + "."


def srs_words(latest: float, previous: float | None, alliance: float | None) -> tuple[bool, str]:
    """The one SRS rule, for the chart's summary and the signal on Mine opgaver: whether the
    latest SRS is a warning (under the alliance line, or down at least SRS_DROP from the
    session before), and the words for where it stands."""
    below = alliance is not None and latest < alliance
    words = f"seneste SRS er {dk_number(latest)}"
    if alliance is not None:
        words += f", {_position(latest, alliance, 'alliancegrænsen')}"
    fall = round(previous - latest, 1) if previous is not None else 0.0
    if previous is not None and fall >= SRS_DROP:
        joiner = ", og" if below else ", men" if alliance is not None else ","
        words += (
            f"{joiner} faldet {dk_number(fall)} point fra {dk_number(previous)} ved samtalen før"
        )
        return True, words
    return below, words


def _callout(ors: Scores, srs: Scores, you: bool) -> str:
    if not ors:
        return f"Seneste SRS: {dk_number(srs[-1][1])} ({day(srs[-1][0])})"
    (_, first), (d1, latest) = ors[0], ors[-1]
    if len(ors) == 1:
        if you:
            return fit_callout_for_you([v for _, v in ors])
        return f"Første ORS: {dk_number(latest)} ({day(d1)})"
    if you:
        return fit_callout_for_you([v for _, v in ors])
    return f"Seneste ORS: {dk_number(latest)} ({day(d1)}) – {change(latest - first)}"
