"""Socialtilsynet's kvalitetsmodel for tilbud as data (definitions/kvalitetsmodel-*.json),
and the one rule for its numbers.

A visit scores indicators 1–5. A criterion's score is the mean of its scored indicators; a
theme's is the mean of its scored criteria, not of the indicators (seed 003 lines 127–130:
PITSTOP's Organisation og ledelse is 4,3 from criteria 5 and 3,5, where the indicators'
mean is 4,0). The means are exact fractions; a score is shown with one decimal rounded
half up (4,25 → 4,3; 3,65 → 3,7), as the tilsyn reports print them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path

from bostotte.common.formatting import dk_number

DEFINITIONS_DIR = Path(__file__).parent / "definitions"
MISSING = "ordlyd mangler"
SCORES = (5, 4, 3, 2, 1)


@dataclass(frozen=True)
class Indicator:
    id: str  # "9.b"
    text: str
    source: str | None  # "003:797": the seed line the wording is quoted from
    note: str | None = None

    @property
    def has_wording(self) -> bool:
        return self.text != MISSING


@dataclass(frozen=True)
class Criterion:
    id: str  # "9"
    text: str
    source: str | None
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Theme:
    id: str
    name: str
    scored: bool  # Økonomi is judged, not scored
    criteria: tuple[Criterion, ...]

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for c in self.criteria for i in c.indicators)


@dataclass(frozen=True)
class Model:
    id: str
    name: str
    version: str
    description: str
    scale_labels: dict[int, str]
    themes: tuple[Theme, ...]

    @property
    def scored_themes(self) -> tuple[Theme, ...]:
        return tuple(t for t in self.themes if t.scored)

    @property
    def indicators(self) -> dict[str, Indicator]:
        return {i.id: i for t in self.themes for i in t.indicators}

    def theme(self, theme_id: str) -> Theme:
        return next(t for t in self.themes if t.id == theme_id)

    def theme_of(self, indicator_id: str) -> Theme:
        return next(t for t in self.themes if any(i.id == indicator_id for i in t.indicators))

    def scale_label(self, score: int) -> str:
        """ "4. i høj grad opfyldt", as the reports write the scale."""
        return f"{score}. {self.scale_labels[score]}"


def _load(path: Path) -> Model:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Model(
        id=raw["id"],
        name=raw["name"],
        version=raw["version"],
        description=raw["description"],
        scale_labels={int(k): v for k, v in raw["scale"]["labels"].items()},
        themes=tuple(
            Theme(
                id=t["id"],
                name=t["name"],
                scored=t["scored"],
                criteria=tuple(
                    Criterion(
                        id=c["id"],
                        text=c["text"],
                        source=c["source"],
                        indicators=tuple(
                            Indicator(i["id"], i["text"], i["source"], i.get("note"))
                            for i in c["indicators"]
                        ),
                    )
                    for c in t["criteria"]
                ),
            )
            for t in raw["themes"]
        ),
    )


@cache
def versions() -> dict[str, Model]:
    """Every version of the model, by version; a visit keeps the version it was scored
    against, so a revised model never changes an old visit's numbers."""
    models = [_load(p) for p in sorted(DEFINITIONS_DIR.glob("kvalitetsmodel-*.json"))]
    return {m.version: m for m in models}


def current() -> Model:
    """The newest version: the one a new visit is scored against."""
    return versions()[max(versions())]


def get(version: str) -> Model:
    return versions()[version]


# ---------------------------------------------------------------------------- numbers


def one_decimal(value: Fraction) -> Decimal:
    """Rounded half up to one decimal: 17/4 → 4.3, 73/20 → 3.7 (never banker's rounding,
    never a binary float's 3.6499…)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def shown(value: Fraction | None) -> str:
    """ "4,3", "5", or "–" for no score."""
    return "–" if value is None else dk_number(float(one_decimal(value)))


def _mean(values: list[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


@dataclass(frozen=True)
class CriterionScore:
    criterion: Criterion
    value: Fraction | None  # None: none of its indicators scored


@dataclass(frozen=True)
class ThemeScore:
    theme: Theme
    criteria: tuple[CriterionScore, ...]
    value: Fraction | None

    @property
    def text(self) -> str:
        return shown(self.value)


def theme_scores(model: Model, scores: Mapping[str, int]) -> list[ThemeScore]:
    """Each scored theme's criteria and its own score from indicator scores {"8.a": 5, …};
    an indicator not scored counts in no mean (PITSTOP's 3.c was not scored)."""
    out = []
    for theme in model.scored_themes:
        criteria = tuple(
            CriterionScore(
                c, _mean([Fraction(scores[i.id]) for i in c.indicators if i.id in scores])
            )
            for c in theme.criteria
        )
        value = _mean([c.value for c in criteria if c.value is not None])
        out.append(ThemeScore(theme, criteria, value))
    return out


def change_text(before: int | None, now: int | None) -> str:
    """ "Scoren ændres fra 3 til 4", as seed 003 writes a change against the last visit."""
    if before is None or now is None:
        return "Ny score" if now is not None else ""
    if before == now:
        return f"Uændret ({now})"
    return f"Scoren ændres fra {before} til {now}"
