"""SVG building blocks: escaped elements, layouts, scales, axes, markers and legends.

The app's Content-Security-Policy allows no inline style or script, and the same SVG goes
into PDFs, so every look is a presentation attribute (fill, stroke, font-size …) and the
drawing depends on no stylesheet. Text is escaped here, once, for every chart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from babel.dates import format_date
from markupsafe import Markup, escape

from bostotte.common.dates import window_error

FONT = "IBM Plex Sans, Arial, sans-serif"

# DKFDS text and greys, and series colours with at least 4.5:1 on white (they are used
# for labels as well as lines). Blue and orange stay apart for colour-blind readers.
TEXT = "#1a1a1a"
MUTED = "#545454"
AXIS = "#757575"
GRID = "#e3e3e3"
WHITE = "#ffffff"
BLUE = "#004993"
ORANGE = "#a34a00"
PURPLE = "#6b2c91"
GREEN = "#2f6f00"
TEAL = "#00666b"
MAGENTA = "#b0006e"
# Tints behind bands: backgrounds only, always labelled in words.
BLUE_TINT = "#e8f0f8"
ORANGE_TINT = "#fbeee3"
GREEN_TINT = "#e9f3e1"


@dataclass(frozen=True)
class Layout:
    """Sizes in viewBox units. `wide` renders at 600–720px, `narrow` at 300–480px, so a
    13-unit font stays at 11px or more on a 375px phone."""

    name: str
    width: int
    font: float
    small: float
    marker: float
    max_ticks: int


WIDE = Layout("wide", 720, 14, 13, 4.5, 9)
NARROW = Layout("narrow", 320, 14, 13, 3.5, 5)
LAYOUTS = (WIDE, NARROW)


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


# ------------------------------------------------------------------ elements and text


def num(value: float) -> str:
    """A coordinate with at most one decimal."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def el(tag: str, *children: str | Markup, **attrs: object) -> Markup:
    """<tag attr="…">children</tag>. `class_` → class, `stroke_width` → stroke-width;
    None and False leave an attribute out. Strings are escaped; Markup is kept."""
    parts = [tag]
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        shown = num(value) if isinstance(value, float) else str(value)
        parts.append(f'{name}="{escape(shown)}"')
    head = " ".join(parts)
    if not children:
        return Markup(f"<{head}/>")
    return Markup(f"<{head}>") + Markup("").join(escape(c) for c in children) + Markup(f"</{tag}>")


def group(*children: Markup, **attrs: object) -> Markup:
    return el("g", *children, **attrs) if children else Markup("")


def text_width(text: str, size: float) -> float:
    """An estimate (IBM Plex Sans averages a little over half an em a character)."""
    return len(text) * size * 0.57


def wrap(text: str, width: float, size: float) -> list[str]:
    """Words into lines no wider than `width`; a word longer than a line stands alone."""
    lines: list[str] = []
    for word in filter(None, text.split(" ")):  # not split(): it would break at a no-break space
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [""]


def text(
    x: float,
    y: float,
    content: str | Sequence[str],
    size: float,
    *,
    anchor: str = "start",
    weight: int | None = None,
    fill: str = TEXT,
    halo: bool = False,
    **attrs: object,
) -> Markup:
    """Text at a baseline; a list of strings becomes lines. A halo keeps a label readable
    where it crosses a line or a band."""
    lines = [content] if isinstance(content, str) else list(content)
    if len(lines) == 1:
        body: list[str | Markup] = [lines[0]]
    else:
        body = [
            el("tspan", line, x=x, dy=(0 if i == 0 else size * 1.2)) for i, line in enumerate(lines)
        ]
    at: dict[str, object] = {
        "x": x,
        "y": y,
        "font_size": size,
        "text_anchor": anchor,
        "font_weight": weight,
    }
    label = el("text", *body, **at, fill=fill, **attrs)
    if not halo:
        return label
    # The halo is a white-stroked copy underneath (not paint-order, which the PDF renderer
    # ignores, painting the stroke over the letters); hidden from screen readers.
    under = el(
        "text",
        *body,
        **at,
        fill=WHITE,
        stroke=WHITE,
        stroke_width=3,
        stroke_linejoin="round",
        aria_hidden="true",
        class_="halo",
    )
    return Markup(under + label)


def line(
    x1: float,
    y1: float,
    x2: float,
    y2: float,
    stroke: str,
    width: float = 1,
    *,
    dash: str | None = None,
    **attrs: object,
) -> Markup:
    return el(
        "line",
        x1=x1,
        y1=y1,
        x2=x2,
        y2=y2,
        stroke=stroke,
        stroke_width=width,
        stroke_dasharray=dash,
        **attrs,
    )


def path(
    points: Iterable[tuple[float, float]],
    stroke: str,
    width: float = 2,
    *,
    dash: str | None = None,
    closed: bool = False,
    fill: str = "none",
    **attrs: object,
) -> Markup:
    coords = [f"{num(x)} {num(y)}" for x, y in points]
    d = "M" + " L".join(coords) + (" Z" if closed else "")
    return el(
        "path",
        d=d,
        stroke=stroke,
        stroke_width=width,
        stroke_dasharray=dash,
        fill=fill,
        stroke_linejoin="round",
        stroke_linecap="round",
        **attrs,
    )


def rect(box: Box, fill: str, **attrs: object) -> Markup:
    return el("rect", x=box.x, y=box.y, width=box.w, height=box.h, fill=fill, **attrs)


# --------------------------------------------------------------------------- markers


@dataclass(frozen=True)
class Style:
    """How a series looks: colour plus a marker shape and a dash pattern, so colour is
    never the only cue."""

    colour: str
    marker: str = "circle"  # circle, square, diamond, triangle, cross, check
    dash: str | None = None
    filled: bool = True


# Distinct in colour, marker and dash: for series that are just "one of many".
STYLES = (
    Style(BLUE, "circle"),
    Style(ORANGE, "square", "7 4"),
    Style(PURPLE, "diamond", "2 3"),
    Style(GREEN, "triangle", "10 3 2 3"),
    Style(TEAL, "circle", "4 2", filled=False),
    Style(MAGENTA, "square", "12 4", filled=False),
    Style(MUTED, "diamond", "1 2", filled=False),
)


def marker(
    shape: str,
    x: float,
    y: float,
    r: float,
    colour: str,
    *,
    filled: bool = True,
    tip: str | None = None,
    **attrs: object,
) -> Markup:
    """A data point. `tip` becomes a <title>: the browser shows it on hover."""
    fill = colour if filled else WHITE
    common: dict[str, object] = {"fill": fill, "stroke": colour, "stroke_width": 1.5, **attrs}
    children = (el("title", tip),) if tip else ()
    if shape == "square":
        s = r * 0.9
        return el("rect", *children, x=x - s, y=y - s, width=2 * s, height=2 * s, **common)
    if shape in ("diamond", "triangle"):
        s = r * 1.3
        pts = (
            [(x, y - s), (x + s, y), (x, y + s), (x - s, y)]
            if shape == "diamond"
            else [(x, y - s), (x + s, y + s * 0.8), (x - s, y + s * 0.8)]
        )
        return el(
            "path",
            *children,
            d="M" + " L".join(f"{num(a)} {num(b)}" for a, b in pts) + " Z",
            stroke_linejoin="round",
            **common,
        )
    if shape == "cross":
        s = r * 0.9
        d = (
            f"M{num(x - s)} {num(y - s)} L{num(x + s)} {num(y + s)} M{num(x - s)} "
            f"{num(y + s)} L{num(x + s)} {num(y - s)}"
        )
        return el(
            "path",
            *children,
            d=d,
            stroke=colour,
            stroke_width=2.5,
            stroke_linecap="round",
            fill="none",
            **attrs,
        )
    if shape == "check":
        # a filled circle with a white tick: "achieved"
        tick = (
            f"M{num(x - r * 0.5)} {num(y)} L{num(x - r * 0.1)} {num(y + r * 0.45)} "
            f"L{num(x + r * 0.55)} {num(y - r * 0.45)}"
        )
        return el(
            "g",
            *children,
            el("circle", cx=x, cy=y, r=r * 1.25, fill=colour, stroke=colour),
            el(
                "path",
                d=tick,
                stroke=WHITE,
                stroke_width=1.8,
                fill="none",
                stroke_linecap="round",
                stroke_linejoin="round",
            ),
            **attrs,
        )
    return el("circle", *children, cx=x, cy=y, r=r, **common)


def sample(style: Style, x: float, y: float, size: float, *, with_line: bool = True) -> Markup:
    """A legend swatch: a short line in the series' dash with its marker on it."""
    parts = []
    if with_line:
        parts.append(line(x, y, x + size * 2.2, y, style.colour, 2, dash=style.dash))
    parts.append(
        marker(style.marker, x + size * 1.1, y, size * 0.32, style.colour, filled=style.filled)
    )
    return Markup("").join(parts)


Swatch = Callable[[float, float, float], Markup]


def legend(entries: Sequence[tuple[str, Swatch]], box: Box, size: float) -> tuple[Markup, float]:
    """Swatch + label entries flowing into rows inside `box.w`; returns (markup, height).

    Each entry is (label, draw) where draw(x, y_middle, size) paints a swatch 2.2 × size
    wide."""
    row_h = size * 1.6
    swatch = size * 2.2 + size * 0.5
    x, y = box.x, box.y + row_h / 2
    parts = []
    for label, draw in entries:
        w = swatch + text_width(label, size) + size * 1.2
        if x > box.x and x + w - size * 1.2 > box.right:
            x, y = box.x, y + row_h
        parts.append(draw(x, y, size))
        parts.append(text(x + swatch, y + size * 0.35, label, size))
        x += w
    height = (y - box.y) + row_h / 2 if entries else 0.0
    return group(*parts, class_="legend"), height


def style_swatch(style: Style, *, with_line: bool = True) -> Swatch:
    return lambda x, y, size: sample(style, x, y, size, with_line=with_line)


def line_swatch(colour: str, dash: str | None, width: float = 2) -> Swatch:
    return lambda x, y, size: line(
        x, y, x + size * 2.2, y, colour, width, dash=dash, stroke_linecap="round"
    )


def band_swatch(fill: str, edge: str | None, *, top: bool = True) -> Swatch:
    """A tinted box with its threshold line on the top or the bottom edge."""

    def draw(x: float, y: float, size: float) -> Markup:
        h = size * 0.9
        y0 = y - h / 2
        swatch = el("rect", x=x, y=y0, width=size * 2.2, height=h, fill=fill)
        if edge is None:
            return swatch
        edge_y = y0 if top else y0 + h
        return swatch + line(x, edge_y, x + size * 2.2, edge_y, edge, 1.5)

    return draw


def shape_swatch(shape: str, colour: str, *, filled: bool = True) -> Swatch:
    return lambda x, y, size: marker(shape, x + size * 1.1, y, size * 0.34, colour, filled=filled)


# ------------------------------------------------------------------ scales and axes


@dataclass(frozen=True)
class Linear:
    """Maps a domain [d0, d1] onto a range [r0, r1] (r0 > r1 for an upward y axis)."""

    d0: float
    d1: float
    r0: float
    r1: float

    def __call__(self, value: float) -> float:
        if self.d1 == self.d0:
            return (self.r0 + self.r1) / 2
        return self.r0 + (value - self.d0) * (self.r1 - self.r0) / (self.d1 - self.d0)


UNDRAWABLE = "En af datoerne ligger uden for årene 2000–2100 og kan ikke tegnes; se tabellen."


def drawable(dates: Iterable[date]) -> bool:
    """Whether a time axis can hold every date: one stored before the domain's window was
    enforced (year 1, year 9999) cannot, and the chart is then its words and table."""
    return all(window_error(d) is None for d in dates)


def date_scale(start: date, end: date, x0: float, x1: float) -> Callable[[date], float]:
    scale = Linear(start.toordinal(), end.toordinal(), x0, x1)
    return lambda d: scale(d.toordinal())


def time_domain(dates: Iterable[date]) -> tuple[date, date]:
    """The dates, padded a little on each side; one date gets a month either side, so a
    single point stands in the middle of a readable axis rather than on its edge."""
    ds = sorted(dates)
    span = (ds[-1] - ds[0]).days
    pad = max(round(span * 0.04), 20 if span else 30)
    return ds[0] - timedelta(days=pad), ds[-1] + timedelta(days=pad)


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_ticks(start: date, end: date, max_ticks: int) -> tuple[list[date], int]:
    """First days of months inside [start, end], every 1, 2, 3, 6 or 12 months (aligned to
    the calendar: quarters, half years, New Year), as many as fit. Returns (ticks, step)."""
    for step in (1, 2, 3, 6, 12, 24, 60):
        first = _add_months(start, 0 if start.day == 1 else 1)
        first = _add_months(first, (-(first.month - 1)) % step)
        ticks = []
        d = first
        while d <= end:
            ticks.append(d)
            d = _add_months(d, step)
        if len(ticks) <= max_ticks:
            return ticks, step
    return [], 60


def x_axis(start: date, end: date, box: Box, layout: Layout) -> Markup:
    """Month ticks under the plot: the month on one line, the year under it where the
    year starts (and on the first tick), or only years when ticks are a year apart."""
    x = date_scale(start, end, box.x, box.right)
    ticks, step = month_ticks(start, end, layout.max_ticks)
    parts = [line(box.x, box.bottom, box.right, box.bottom, AXIS)]
    size = layout.small
    for i, t in enumerate(ticks):
        tx = x(t)
        parts.append(line(tx, box.bottom, tx, box.bottom + 5, AXIS))
        if step >= 12:
            label = [str(t.year)]
        else:
            label = [format_date(t, "MMM", locale="da")]
            if i == 0 or t.month == 1:
                label.append(str(t.year))
        # Centred under its tick, but moved in where it would cross the drawing's edge
        # (a New Year tick near the right end: "2027" was cut off on a phone).
        half = max(text_width(part, size) for part in label) / 2 + 2  # + 2: an estimate
        lx = min(max(tx, half), layout.width - half)
        parts.append(
            text(lx, box.bottom + 5 + size * 1.15, label, size, anchor="middle", fill=MUTED)
        )
    return group(*parts, class_="axis axis--x")


X_AXIS_HEIGHT = 2.6  # in font sizes: tick + two lines of labels


def y_grid(ticks: Sequence[tuple[float, str]], y: Linear, box: Box, layout: Layout) -> Markup:
    """Horizontal grid lines with their labels left of the plot."""
    parts = []
    for value, label in ticks:
        ty = y(value)
        parts.append(line(box.x, ty, box.right, ty, GRID))
        parts.append(
            text(box.x - 6, ty + layout.small * 0.35, label, layout.small, anchor="end", fill=MUTED)
        )
    return group(*parts, class_="axis axis--y")


def y_labels_width(ticks: Sequence[tuple[float, str]], layout: Layout) -> float:
    return max((text_width(label, layout.small) for _, label in ticks), default=0) + 10


# ---------------------------------------------------------------------------- root


def root(
    layout: Layout, height: float, chart_id: str, title: str, desc: str, *body: Markup
) -> Markup:
    """The <svg> element: role="img" with <title> and <desc> named by aria-labelledby.
    Every chart is shown with its numbers as a table (macros/charts.html); the desc says so."""
    prefix = f"{chart_id}-{layout.name}"
    return el(
        "svg",
        el("title", title, id=f"{prefix}-title"),
        el("desc", f"{desc} Tallene står i tabellen under grafen.", id=f"{prefix}-desc"),
        *body,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {layout.width} {num(height)}",
        width=layout.width,
        height=num(height),
        class_=f"chart__svg chart__svg--{layout.name}",
        role="img",
        aria_labelledby=f"{prefix}-title {prefix}-desc",
        focusable="false",
        font_family=FONT,
        font_size=layout.font,
        fill=TEXT,
        data_layout=layout.name,
    )
