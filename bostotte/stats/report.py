"""The leader's dashboard in words and tables: Danish labels, the charts and the CSV, all
drawn from `services.dashboard()` so the page, the CSV and the PDF show the same numbers.
Nothing here counts; a hidden (small) cell is written `hidden_mark(min_cell)` ("<5")
wherever it appears, a cell hidden only to protect a small neighbour COMPLEMENTARY."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bostotte import instruments
from bostotte.charts import Chart, ThemeShare, quarterly_trend, theme_share_bars
from bostotte.charts.leader import PROTECTS
from bostotte.charts.words import NBSP, percent, sign
from bostotte.citizens.models import GENDERS, LEGAL_BASES
from bostotte.common import csv_safe
from bostotte.common.formatting import dk_date, dk_number
from bostotte.common.time import LOCAL_TZ
from bostotte.goals.methods import method_label
from bostotte.goals.models import ALL_THEMES, THEMES
from bostotte.reminders.cadence import RULES
from bostotte.stats.queries import Period

NONE = "–"

DIMENSION_LABELS = {
    "team": "Team",
    "method": "Måleredskab",
    "pedagogy": "Pædagogisk metode",
    "gender": "Køn",
    "age": "Aldersgruppe",
    "legal_basis": "Lovgrundlag",
    "theme": "Tema",
    "previous": "Sammenligning",
    "quarter": "Kvartal",
    "": "I alt",
}
METHOD_LABELS = {"FKO": "FKO", "FIT": "FIT (ORS/SRS)", "REM": "REM"}
AGE_LABELS = {
    "under_18": "Under 18 år",
    "18-29": "18–29 år",
    "30-49": "30–49 år",
    "50-64": "50–64 år",
    "65+": "65 år og derover",
}
MEASURE_LABELS = {
    "fko": "FKO mestring",
    "ors": "ORS",
    "rem": "REM",
    "documentation": "Dokumentation til tiden",
}
REPORT_TYPES = {"midtvejs": "Midtvejsstatus", "endelig": "Afsluttende status"}
# Which goals each report counts (seed 001: a midtvejsstatus on the goals under way, an
# afsluttende status on the goals whose plan ended, by their final FKO), and its file name.
REPORT_GOALS = {"midtvejs": "open", "endelig": "closed"}
REPORT_FILES = {"midtvejs": "midtvejsstatus", "endelig": "afsluttende-status"}
REPORT_COUNTS = {
    "midtvejs": "igangværende mål, hver med sin seneste FKO-status i perioden",
    "endelig": "mål, hvis handleplan sluttede i perioden, hver med sin afsluttende FKO-status",
}


def computed_when(computed_at: datetime, today: date) -> str:
    """When a view's numbers were computed, as the page and the reports say it: "i dag kl.
    05:00", else the date too."""
    local = computed_at.astimezone(LOCAL_TZ)
    clock = f"kl. {local:%H:%M}"
    return f"i dag {clock}" if local.date() == today else f"{dk_date(local.date())} {clock}"


def theme_label(theme: str) -> str:
    return ALL_THEMES.get(theme, theme)


def group_label(dimension: str, group: str) -> str:
    match dimension:
        case "gender":
            return GENDERS.get(group, group)
        case "legal_basis":
            return LEGAL_BASES.get(group, group)
        case "method":
            return METHOD_LABELS.get(group, group)
        case "pedagogy":
            return method_label(group)
        case "age":
            return AGE_LABELS.get(group, group)
        case "theme":
            return theme_label(group)
    return group


def rem_label(indicator: str) -> str:
    return next((i.label for i in instruments.get("REM").items if i.id == indicator), indicator)


def period_text(period: Period) -> str:
    return f"{period.start.strftime('%d.%m.%Y')}–{period.end.strftime('%d.%m.%Y')}"


# ----------------------------------------------------------------------------- cells


def hidden_mark(min_cell: int) -> str:
    """What a hidden cell shows instead of its numbers, on the page, in the PDF and in the
    CSV: "<5" where cells with n below 5 are hidden (domain.md, "Small numbers")."""
    return f"<{min_cell}"


# A cell large enough to show, hidden so that a small one beside it cannot be worked out by
# subtraction (services.protect_siblings): "<5" would be untrue of it.
COMPLEMENTARY = PROTECTS


def hidden(cell: dict[str, Any]) -> bool:
    return bool(cell.get("suppressed"))


@dataclass(frozen=True)
class CellText:
    """A cell's numbers as the page and the report write them; a hidden cell reads
    `mark` in each."""

    min_cell: int

    @property
    def mark(self) -> str:
        return hidden_mark(self.min_cell)

    def hidden_text(self, cell: dict[str, Any], *, why: bool = False) -> str:
        """ "<5", or for a cell hidden to protect a neighbour "skjult", with the reason
        (`why`) where its count stands."""
        if cell.get("complementary"):
            return COMPLEMENTARY if why else "skjult"
        return self.mark

    def share(self, cell: dict[str, Any], key: str = "share") -> str:
        if hidden(cell):
            return self.hidden_text(cell)
        value = cell.get(key)
        return NONE if value is None else percent(value)

    def interval(self, cell: dict[str, Any]) -> str:
        if hidden(cell):
            return self.hidden_text(cell)
        if cell.get("ci_low") is None:
            return NONE
        return f"{round(cell['ci_low'] * 100)}–{round(cell['ci_high'] * 100)}{NBSP}%"

    def count(self, cell: dict[str, Any], key: str = "n") -> str:
        if hidden(cell):
            return self.hidden_text(cell, why=True)
        value = cell.get(key)
        return NONE if value is None else str(value)

    def part(self, cell: dict[str, Any], key: str) -> str:
        """ "39 (36 %)": a count with its share of n."""
        if hidden(cell):
            return self.hidden_text(cell)
        return f"{cell[key]} ({percent(cell[key] / cell['n'])})"

    def not_on_time(self, cell: dict[str, Any]) -> str:
        """Due scorings not done within 14 days of their date (late or still missing)."""
        return self.hidden_text(cell) if hidden(cell) else str(cell["n"] - cell["on_time"])

    def mean(self, cell: dict[str, Any], key: str, signed: bool = False) -> str:
        if hidden(cell):
            return self.hidden_text(cell)
        value = cell.get(key)
        if value is None:
            return NONE
        return sign(value) if signed else dk_number(value)

    def effect(self, cell: dict[str, Any]) -> str:
        if hidden(cell):
            return self.hidden_text(cell)
        value = cell.get("effect_size")
        return NONE if value is None else dk_number(value, 2, fixed=True)


# --------------------------------------------------------------------------- the view


@dataclass(frozen=True)
class ThemeRow:
    key: str
    label: str
    cell: dict[str, Any]
    previous: dict[str, Any]
    target: float | None


@dataclass(frozen=True)
class Dashboard:
    """What the page and the report show, in the order they show it."""

    period: Period
    previous_period: Period
    stats: dict[str, Any]  # services.compute() for the period
    themes: list[ThemeRow]  # total first
    bars: Chart
    trend: Chart
    breakdowns: list[tuple[str, str, list[tuple[str, dict[str, Any]]]]]
    teams: list[tuple[str, dict[str, Any]]]  # documentation per team
    workers: list[dict[str, Any]]
    rem: list[tuple[str, dict[str, Any]]]
    any_hidden: bool
    text: CellText  # the cells as text, hidden ones as text.mark
    baseline_year: int | None = None  # compared with this year, not the previous period

    @property
    def compared_with(self) -> str:
        """What the FKO shares are compared with, as the page and the report write it."""
        if self.baseline_year:
            return f"basisåret {self.baseline_year} (mål afsluttet det år)"
        return period_text(self.previous_period)


def build_dashboard(
    dash: dict[str, Any], period: Period, theme: str | None, baseline_year: int | None = None
) -> Dashboard:
    """The page's and the report's view of services.dashboard(): rows, charts and labels."""
    current = dash["current"]
    fko, previous = current["fko"], dash["previous"]
    keys = (
        [theme]
        if theme
        else [t for t in fko["by_theme"] if t in THEMES or not hidden(fko["by_theme"][t])]
    )
    empty = {"n": None, "suppressed": True}  # a theme nobody has goals in
    themes = [ThemeRow("total", "Alle temaer", fko["total"], previous["total"], None)]
    themes += [
        ThemeRow(
            t,
            theme_label(t),
            fko["by_theme"].get(t, empty),
            previous["by_theme"].get(t, empty),
            fko["by_theme"].get(t, empty).get("target"),
        )
        for t in keys
    ]
    text = CellText(current["min_cell"])
    bars = theme_share_bars(
        [
            ThemeShare(
                r.label,
                r.cell.get("share"),
                r.target,
                r.cell.get("n"),
                hidden_as=text.hidden_text(r.cell, why=True),
                protects=bool(r.cell.get("complementary")),
            )
            for r in themes
            if r.key != "total"
        ],
        title="Andel mål, hvor borgeren fastholder eller opnår større mestring",
        chart_id="fko-tema",
        measure="andel",
    )
    series: list[tuple[str, list[float | None]]] = [
        ("Alle temaer", [q["total"].get("share") for q in dash["trend"]])
    ]
    series += [
        (theme_label(t), [q["by_theme"].get(t, {}).get("share") for q in dash["trend"]])
        for t in keys
    ]
    trend = quarterly_trend(
        [tuple(q["quarter"]) for q in dash["trend"]],  # type: ignore[misc]
        series if not theme else series[1:],
        title="Andel mål med fastholdt eller større mestring pr. kvartal",
        chart_id="fko-kvartal",
    )
    breakdowns = [
        (
            by,
            DIMENSION_LABELS[by],
            [(group_label(by, name), m) for name, m in result["groups"].items()],
        )
        for by, result in dash["breakdowns"].items()
    ]
    teams = [(name, m["documentation"]) for name, m in dash["breakdowns"]["team"]["groups"].items()]
    rem = [(rem_label(k), c) for k, c in current["rem"]["by_indicator"].items()]
    return Dashboard(
        period,
        dash["previous_period"],
        current,
        themes,
        bars,
        trend,
        breakdowns,
        teams,
        dash["workers"],
        rem,
        any_hidden=_any_hidden(dash),
        text=text,
        baseline_year=baseline_year,
    )


def _any_hidden(value: Any) -> bool:
    if isinstance(value, dict):
        return bool(value.get("suppressed")) or any(_any_hidden(v) for v in value.values())
    if isinstance(value, list):
        return any(_any_hidden(v) for v in value)
    return False


def late_text(late: dict[str, int]) -> str:
    """{"fko_status": 3, "rem_first": 1} → "FKO-status 3, Første REM-scoring 1"."""
    return ", ".join(f"{RULES[k].label} {n}" for k, n in late.items()) or NONE


# ------------------------------------------------------------------------------- CSV

CSV_FIELDS = (
    ("measure", "Måling"),
    ("from", "Periode fra"),
    ("to", "Periode til"),
    ("dimension", "Opdeling"),
    ("group", "Gruppe"),
    ("key", "Tema eller indikator"),
    ("n", "Antal (n)"),
    ("share", "Andel"),
    ("ci_low", "95 %-interval fra"),
    ("ci_high", "95 %-interval til"),
    ("target", "Mål (andel)"),
    ("maintained_or_improved", "Fastholdt eller forbedret"),
    ("improved", "Forbedret"),
    ("target_reached", "FKO-mål nået"),
    ("mean_first", "Gns. første"),
    ("mean_latest", "Gns. seneste"),
    ("mean_change", "Gns. ændring"),
    ("reliably_improved", "Pålideligt forbedret"),
    ("reliably_deteriorated", "Pålideligt forværret"),
    ("clinically_significant", "Klinisk signifikant forbedret"),
    ("effect_size", "Effektstørrelse"),
    ("unchanged", "Uændret"),
    ("worsened", "Forværret"),
    ("on_time", "Til tiden"),
)
TEXT_FIELDS = {"measure", "from", "to", "dimension", "group", "key"}


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float):
        text = f"{value:.4f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")
    return str(value)


def _csv_row(row: dict[str, Any], mark: str) -> list[str]:
    key = row["key"]
    labels = {
        "measure": MEASURE_LABELS.get(row["measure"], row["measure"]),
        "from": date.fromisoformat(row["from"]).strftime("%d-%m-%Y"),
        "to": date.fromisoformat(row["to"]).strftime("%d-%m-%Y"),
        "dimension": DIMENSION_LABELS.get(row["dimension"], row["dimension"]),
        "group": group_label(row["dimension"], row["group"]),
        "key": (
            "I alt"
            if key == "total"
            else rem_label(key)
            if row["measure"] == "rem"
            else theme_label(key)
        ),
    }
    if row["suppressed"]:
        # A hidden cell: "<5" (or why it is hidden) and no other number (domain.md, "Small
        # numbers").
        n_text = COMPLEMENTARY if row.get("complementary") else mark
        return [
            labels[f] if f in TEXT_FIELDS else (n_text if f == "n" else "") for f, _ in CSV_FIELDS
        ]
    return [labels[f] if f in TEXT_FIELDS else _csv_value(row.get(f)) for f, _ in CSV_FIELDS]


def to_csv(rows: list[dict[str, Any]], min_cell: int) -> bytes:
    """Semicolon-separated UTF-8 with BOM and decimal comma: Danish Excel opens it as is.
    `min_cell`: the smallest cell shown (a hidden one reads hidden_mark(min_cell))."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([label for _, label in CSV_FIELDS])
    mark = hidden_mark(min_cell)
    writer.writerows(csv_safe.row(_csv_row(r, mark)) for r in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
