"""The kvalitetsmodel file and its numbers: structure, wording quoted from the seeds, the
PITSTOP scores of seed 003 and rounding half up."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from bostotte.tilsyn import kvalitetsmodel as km

SEEDS = Path("/work/shared/seeds")
SEED_003 = SEEDS / "003_42f96f5bd952a971.txt"

# Wording quoted from seed 003 (PITSTOP, Socialtilsyn Hovedstaden 2025) with its lines.
QUOTED = {
    "3.b": (
        "485",
        "Tilbuddet dokumenterer resultater med udgangspunkt i konkrete, klare mål for borgerne "
        "til løbende brug for egen læring og forbedring af indsatsen.",
    ),
    "9.b": (
        "797",
        "Personalegennemstrømningen på tilbuddet er ikke på højere niveau end "
        "sammenlignelige arbejdspladser.",
    ),
    "10.a": (
        "900-901",
        "Medarbejdergruppen, herunder ikkefastansatte medarbejdere, har samlet set relevant "
        "uddannelse, opdateret viden og erfaring med målgruppen og tilbuddets metoder.",
    ),
    "14.a": ("977", "Borgerne trives i de fysiske rammer."),
}

THEMES = [
    "Uddannelse og beskæftigelse",
    "Selvstændighed og relationer",
    "Målgruppe, metoder og resultater",
    "Sundhed og trivsel",
    "Organisation og ledelse",
    "Kompetencer",
    "Økonomi",
    "Fysiske rammer",
]


def test_the_file_has_seven_scored_themes_and_okonomi_unscored() -> None:
    model = km.current()
    assert [t.name for t in model.themes] == THEMES
    assert len(model.scored_themes) == 7
    assert not model.theme("oekonomi").scored
    assert model.scale_label(5) == "5. i meget høj grad opfyldt"
    assert model.scale_label(1) == "1. i meget lav grad opfyldt"


def test_every_indicator_is_numbered_after_its_criterion_and_unique() -> None:
    model = km.current()
    ids = [i.id for t in model.themes for i in t.indicators]
    assert len(ids) == len(set(ids))
    for theme in model.themes:
        for c in theme.criteria:
            for i in c.indicators:
                assert i.id.split(".")[0] == c.id
                # Quoted with its seed line, or honestly without wording: never invented.
                assert (i.source is not None) == (i.text != km.MISSING)
    criteria = [c.id for t in model.themes for c in t.criteria]
    assert criteria == [str(n) for n in range(1, 15)]


def test_every_file_loads_with_the_same_shape() -> None:
    for path in km.DEFINITIONS_DIR.glob("kvalitetsmodel-*.json"):
        raw = json.loads(path.read_text(encoding="utf-8"))
        assert set(raw) >= {"id", "name", "version", "description", "scale", "themes"}
        assert km.get(raw["version"]).version == raw["version"]


@pytest.mark.parametrize("indicator", sorted(QUOTED))
def test_quoted_wording(indicator: str) -> None:
    lines, text = QUOTED[indicator]
    found = km.current().indicators[indicator]
    assert found.text == text
    assert found.source == f"003:{lines}"


@pytest.mark.skipif(not SEED_003.exists(), reason="the seed documents are not on this machine")
def test_every_quoted_wording_is_the_seed_lines() -> None:
    seed = SEED_003.read_text(encoding="utf-8").split("\n")
    model = km.current()
    quoted = [c for t in model.themes for c in t.criteria] + list(model.indicators.values())
    assert len([q for q in quoted if q.source]) >= 30
    for item in quoted:
        if not item.source:
            continue
        first, _, last = item.source.removeprefix("003:").partition("-")
        lines = seed[int(first) - 1 : int(last or first)]
        assert item.text == " ".join(line.strip() for line in lines).strip()


def test_missing_wording_says_so() -> None:
    indicators = km.current().indicators
    assert indicators["3.c"].text == "ordlyd mangler"
    assert indicators["3.c"].source is None


# ----------------------------------------------------------------------- the numbers


PITSTOP = {
    "8.a": 5, "8.b": 5, "9.a": 4, "9.b": 2, "9.c": 5, "9.d": 3,
    "3.a": 3, "3.b": 3, "3.d": 5,
    "10.a": 2, "10.b": 3,
}  # fmt: skip


def _themes(scores: dict[str, int]) -> dict[str, km.ThemeScore]:
    return {t.theme.id: t for t in km.theme_scores(km.current(), scores)}


def test_pitstop_organisation_og_ledelse() -> None:
    org = _themes(PITSTOP)["organisation"]
    k8, k9 = org.criteria
    assert k8.value == 5
    assert k9.value == Fraction(7, 2)
    # The theme is the mean of its criteria (4,25), not of its six indicators (4,0).
    assert org.value == Fraction(17, 4)
    assert org.text == "4,3"


def test_pitstop_maalgruppe_and_kompetencer() -> None:
    themes = _themes(PITSTOP)
    assert themes["maalgruppe"].text == "3,7"  # 3.c was not scored: it counts in no mean
    assert themes["kompetencer"].text == "2,5"
    assert themes["uddannelse"].value is None
    assert themes["uddannelse"].text == "–"


def test_rounding_is_half_up() -> None:
    assert km.one_decimal(Fraction(17, 4)) == Decimal("4.3")
    assert km.one_decimal(Fraction(73, 20)) == Decimal("3.7")  # 3,65: a float rounds to 3,6
    assert km.one_decimal(Fraction(5, 4)) == Decimal("1.3")
    assert km.shown(Fraction(5)) == "5"
    assert km.shown(Fraction(11, 3)) == "3,7"


def test_change_against_the_previous_visit() -> None:
    assert km.change_text(3, 4) == "Scoren ændres fra 3 til 4"
    assert km.change_text(1, 5) == "Scoren ændres fra 1 til 5"
    assert km.change_text(4, 4) == "Uændret (4)"
    assert km.change_text(None, 4) == "Ny score"
