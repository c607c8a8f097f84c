"""Danish words for numbers, dates and changes in chart summaries (27,5; 3. mar. 2026)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from bostotte.common.formatting import dk_date, dk_number

NBSP = "\u00a0"


def day(value: date) -> str:
    return dk_date(value)


def month(value: date) -> str:
    return dk_date(value, "MMM y")


def percent(share: float) -> str:
    """0.596 → "60 %" (Danish puts a space before the sign)."""
    return f"{round(share * 100)}{NBSP}%"


def times(n: int) -> str:
    return "én gang" if n == 1 else f"{n} gange"


def months_between(a: date, b: date) -> int:
    return round((b - a).days / 30.44)


def change(diff: float, unit: str = "point", *, since: str = "første gang") -> str:
    """ "6 point højere end første gang"; "det samme som første gang"."""
    if round(diff, 1) == 0:
        return f"det samme som {since}"
    word = "højere" if diff > 0 else "lavere"
    return f"{dk_number(abs(diff))} {unit} {word} end {since}"


def count_list(parts: Sequence[tuple[int, str]]) -> str:
    """[(1, "opnået"), (2, "i gang"), (0, "droppet")] → "1 opnået og 2 i gang"."""
    shown = [f"{n} {label}" for n, label in parts if n]
    return join(shown)


def join(words: Sequence[str], last: str = "og") -> str:
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def sign(diff: float) -> str:
    """+6 · −2,5 · 0 for table cells."""
    rounded = round(diff, 1)
    return f"+{dk_number(rounded)}" if rounded > 0 else dk_number(rounded)


# -- her own pages (/mig) ---------------------------------------------------------------------
# The charts draw the same data for the worker and for the citizen; with `you=True` they take
# her words from here: plain Danish, "du" and "dig", no clinical terms. The terms she never
# reads are listed once, in bostotte.portal.plain (the tests read that list).

# The arrow and the word for a change she can read at a glance: up is better, on every chart
# of hers (the FKO chart is turned so that less support need is up).
BETTER, WORSE, SAME = ("↑", "bedre"), ("↓", "dårligere"), ("→", "det samme")


def reliable_word(you: bool) -> str:
    """What a change of at least the reliable-change points is called."""
    return "tydelig ændring" if you else "pålidelig ændring"


def cutoff_legend(values: str, you: bool) -> str:
    if you:
        return f"Under {values}: her har mange det svært (ORS)"
    return f"Under klinisk grænse {values} (ORS)"


def alliance_legend(value: float, you: bool) -> str:
    if you:
        return f"Over {dk_number(value)}: et godt møde (SRS)"
    return f"Alliancegrænse {dk_number(value)} (SRS)"


def reliable_legend(points: float, you: bool) -> str:
    return f"ORS ændret mindst {dk_number(points)} point ({reliable_word(you)})"


def fit_note_for_you(cutoff: float | None, reliable_change: float | None) -> str:
    """How to read her ORS/SRS chart, in short sentences."""
    words = "Højere er bedre. ORS er, hvordan du har haft det. SRS er, hvordan mødet var."
    if cutoff is not None:
        words += f" De fleste, der ikke får hjælp, ligger over {dk_number(cutoff)}."
    if reliable_change is not None:
        words += (
            f" En fyldt prik betyder en tydelig ændring: mindst {dk_number(reliable_change)} "
            "point fra første gang."
        )
    return words


def since_first_and_last(values: Sequence[float], unit: str = "point") -> str:
    """ "2 point lavere end sidste gang og 6 point højere end første gang"; with one value
    before only "… end første gang"."""
    latest = values[-1]
    first = change(latest - values[0], unit)
    if len(values) < 3:
        return first
    return f"{change(latest - values[-2], unit, since='sidste gang')} og {first}"


def fit_callout_for_you(ors: Sequence[float]) -> str:
    if len(ors) == 1:
        return f"Dit første tal: {dk_number(ors[0])}. Næste gang kan du se, om det har ændret sig."
    return f"Dit seneste tal: {dk_number(ors[-1])} – {since_first_and_last(ors)}"


def fit_summary_for_you(
    ors: Sequence[tuple[date, float]],
    srs: Sequence[tuple[date, float]],
    *,
    cutoff: float | None,
    alliance: float | None,
    reliable: bool,
    gap: tuple[date, date] | None,
) -> str:
    """Her ORS and SRS in short sentences: how often, first and latest, where she is now."""
    out = []
    if ors:
        (d0, first), (d1, latest) = ors[0], ors[-1]
        if len(ors) == 1:
            out.append(f"Du har målt ORS én gang, {day(d0)}. Dit tal var {dk_number(first)}.")
        else:
            out.append(f"Du har målt ORS {times(len(ors))} fra {day(d0)} til {day(d1)}.")
            out.append(
                f"Første gang var dit tal {dk_number(first)}. Sidste gang var det "
                f"{dk_number(latest)}."
            )
            ending = ". Det er en tydelig ændring." if reliable else "."
            out.append(f"Det er {change(latest - first)}{ending}")
        if cutoff is not None:
            where = "over" if latest > cutoff else "under" if latest < cutoff else "lige på"
            which = "Det" if len(ors) == 1 else "Dit seneste tal"
            out.append(
                f"{which} er {where} {dk_number(cutoff)}. De fleste, der ikke får "
                f"hjælp, ligger over {dk_number(cutoff)}."
            )
    else:
        out.append("Du har ikke målt ORS endnu.")
    if srs:
        latest_srs = srs[-1][1]
        out.append(f"Dit seneste SRS er {dk_number(latest_srs)}.")
        if len(srs) > 1:
            out.append(f"Det er {change(latest_srs - srs[-2][1], since='ved mødet før')}.")
        if alliance is not None and latest_srs < alliance:
            out.append("Fortæl gerne din mestringsvejleder, hvad der kan gøre møderne bedre.")
    if gap:
        a, b = gap
        out.append(
            f"Der var en pause på {months_between(a, b)} måneder fra {month(a)} til {month(b)}."
        )
    return " ".join(out)


# How to read her FKO chart, in short sentences.
FKO_NOTE_FOR_YOU = (
    "Lavere tal er bedre. 0 betyder, at du ikke har brug for støtte. 0 står øverst. "
    "Når linjen går op, har du brug for mindre støtte."
)

# FKO for her: the official scale words ("Let") as support need ("Let støttebehov").
FKO_OCCASIONS_FOR_YOU = {
    "baseline": "Da I startede",
    "target": "Dit mål",
    "status": "Status",
    "final": "Sidste status",
}


def support_need(value: float, labels: Mapping[int, str]) -> str:
    """4 → "Fuldstændigt støttebehov"; a value without a scale word stays a number."""
    label = labels.get(int(value)) if value == int(value) else None
    return f"{label} støttebehov" if label else f"Støttebehov {dk_number(value)}"


def _need(value: float, labels: Mapping[int, str]) -> str:
    """ "et let støttebehov" · "intet støttebehov": the words inside a sentence."""
    words = support_need(value, labels).lower()
    return words if words.startswith(("intet ", "støttebehov ")) else f"et {words}"


def arrow(diff: float, *, lower_is_better: bool) -> tuple[str, str]:
    """(arrow, word) for a change: ↑ bedre, ↓ dårligere, → det samme."""
    if round(diff, 1) == 0:
        return SAME
    return BETTER if (diff < 0) == lower_is_better else WORSE


def fko_change_for_you(before: float, now: float, since: str) -> str:
    """ "↑ Bedre end sidste gang" · "→ Det samme som første gang"."""
    sign, word = arrow(now - before, lower_is_better=True)
    if word == SAME[1]:
        return f"{sign}{NBSP}Det samme som {since}"
    return f"{sign}{NBSP}{word.capitalize()} end {since}"


def fko_callout_for_you(values: Sequence[float], labels: Mapping[int, str]) -> str:
    """ "Nu: Let støttebehov. ↑ Bedre end sidste gang (Moderat støttebehov). ↑ Bedre end
    første gang (Højt støttebehov)." — first and latest, and the one before the latest."""
    now = values[-1]
    text = f"Nu: {support_need(now, labels)}."
    if len(values) >= 3:
        text += (
            f" {fko_change_for_you(values[-2], now, 'sidste gang')}"
            f" ({support_need(values[-2], labels)})."
        )
    if len(values) >= 2:
        text += (
            f" {fko_change_for_you(values[0], now, 'første gang')}"
            f" ({support_need(values[0], labels)})."
        )
    return text


def fko_summary_for_you(
    scored: Sequence[tuple[date, float]], target: float | None, labels: Mapping[int, str]
) -> str:
    """Her support need for one goal, first and latest, and her goal, in short sentences."""
    goal = ""
    if target is not None:
        goal = f" Dit mål er {_need(target, labels)}."
    if not scored:
        return (
            "Der er ingen vurdering af, hvor meget støtte du har brug for til målet endnu." + goal
        )
    (d0, first), (d1, now) = scored[0], scored[-1]
    if len(scored) == 1:
        text = f"Den {day(d0)} havde du {_need(first, labels)}."
    else:
        text = (
            f"Første gang, den {day(d0)}, havde du {_need(first, labels)}. "
            f"Sidste gang, den {day(d1)}, havde du {_need(now, labels)}."
        )
    if target is not None:
        reached = "Det har du nået." if now <= target else "Det har du ikke nået endnu."
        goal += f" {reached}"
    return text + goal


# REM for her: "områder" in her plain labels, not "indikatorer" and "scoringer".
REM_TITLE_FOR_YOU = "Dine ni områder: første og seneste gang"
REM_EMPTY_FOR_YOU = "Du har ikke målt REM endnu."
REM_AREA, REM_VALUE = "Område", "Tal"


def rem_summary_for_you(
    first_on: date, latest_on: date | None, counts: Mapping[str, int], worst: str
) -> str:
    """ "Fra første gang, 25. mar. 2025, til sidste gang, 22. mar. 2026, er 6 områder blevet
    bedre, 2 er det samme, og 1 er blevet dårligere. Du har flest udfordringer ved …"."""
    if latest_on is None:
        return f"Du har målt REM én gang, {day(first_on)}. Du har flest udfordringer ved {worst}."
    parts = [
        f"{n} {'område' if n == 1 else 'områder'} {verb}"
        for n, verb in (
            (counts.get("better", 0), "er blevet bedre"),
            (counts.get("same", 0), "er det samme"),
            (counts.get("worse", 0), "er blevet dårligere"),
        )
        if n
    ]
    return (
        f"Fra første gang, {day(first_on)}, til sidste gang, {day(latest_on)}: "
        f"{join(parts)}. Du har flest udfordringer ved {worst}."
    )
