"""Instrument definitions (data files) and the one validator used by forms, import and API."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from bostotte.common.formatting import dk_number

DEFINITIONS_DIR = Path(__file__).parent / "definitions"
_AGE_KEY = re.compile(r"age_(\d+)_(\d+)$")


@dataclass(frozen=True)
class Item:
    id: str
    label: str
    help: str = ""
    plain: str = ""  # the citizen's word for it on her own pages (REM); the label is staff's

    @property
    def plain_label(self) -> str:
        return self.plain or self.label


@dataclass(frozen=True)
class Occasion:
    id: str
    label: str
    recorded_by: tuple[str, ...]


@dataclass(frozen=True)
class Instrument:
    id: str
    name: str
    short_label: str
    version: str
    method: str
    subject: str  # "citizen" or "goal"
    description: str
    items: tuple[Item, ...]
    scale_min: float
    scale_max: float
    step: float
    scale_labels: dict[str, str]
    direction: str
    total_rule: str
    total_range: tuple[float, float]
    cutoffs: dict[str, float]
    reliable_change: float | None
    occasions: dict[str, Occasion]
    filled_by: tuple[str, ...]
    cadence: dict[str, object] = field(default_factory=dict)

    @cached_property
    def item_ids(self) -> list[str]:
        return [i.id for i in self.items]

    @cached_property
    def age_cutoffs(self) -> list[tuple[int, int, float]]:
        """(lowest age, highest age, cut-off) of the `age_<low>_<high>` keys, youngest
        first; the youngest group also covers younger children, `adult` everyone older."""
        return sorted(
            (int(m[1]), int(m[2]), value)
            for key, value in self.cutoffs.items()
            if (m := _AGE_KEY.match(key))
        )

    def cutoff_for_age(self, age: int) -> float:
        """The clinical cut-off for a citizen of `age` (the one rule pages, signals and
        statistics share)."""
        return next((v for _low, high, v in self.age_cutoffs if age <= high), self.cutoffs["adult"])

    @property
    def decimals(self) -> int:
        return 1 if self.step < 1 else 0

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher_is_better"

    def total(self, values: Mapping[str, float]) -> float:
        if self.total_rule == "value":
            return values["value"]
        return round(sum(values[i] for i in self.item_ids), 1)

    def scale_label(self, value: float) -> str | None:
        return self.scale_labels.get(str(int(value))) if value == int(value) else None

    def may_record(self, role: str, occasion: str | None) -> bool:
        if occasion and occasion in self.occasions:
            return role in self.occasions[occasion].recorded_by
        return role in self.filled_by


def _load(path: Path) -> Instrument:
    raw = json.loads(path.read_text(encoding="utf-8"))
    scale = raw["scale"]
    return Instrument(
        id=raw["id"],
        name=raw["name"],
        short_label=raw["short_label"],
        version=raw["version"],
        method=raw["method"],
        subject=raw["subject"],
        description=raw["description"],
        items=tuple(Item(**i) for i in raw["items"]),
        scale_min=scale["min"],
        scale_max=scale["max"],
        step=scale["step"],
        scale_labels=scale.get("labels", {}),
        direction=raw["direction"],
        total_rule=raw["total"],
        total_range=tuple(raw["total_range"]),  # type: ignore[arg-type]
        cutoffs=raw.get("cutoffs", {}),
        reliable_change=raw.get("reliable_change"),
        occasions={
            k: Occasion(k, v["label"], tuple(v["recorded_by"]))
            for k, v in raw.get("occasions", {}).items()
        },
        filled_by=tuple(raw["filled_by"]),
        cadence=raw.get("cadence", {}),
    )


@cache
def registry() -> dict[str, Instrument]:
    instruments = [_load(p) for p in sorted(DEFINITIONS_DIR.glob("*.json"))]
    return {i.id: i for i in instruments}


def get(instrument_id: str) -> Instrument:
    return registry()[instrument_id]


def exists(instrument_id: str) -> bool:
    return instrument_id in registry()


def parse_value(raw: object, instrument: Instrument) -> tuple[float | None, str | None]:
    """One item value from a form, CSV or API: returns (value, Danish error).

    Called once per row of an import of millions of rows: floats, not Decimals, with the
    one-decimal check done on the scaled value.
    """
    if raw is None or isinstance(raw, bool):
        return None, "Udfyld en værdi." if raw is None else "Skriv et tal."
    text = str(raw).strip().replace(",", ".")
    if not text:
        return None, "Udfyld en værdi."
    try:
        number = float(text)
    except ValueError:
        return None, "Skriv et tal, fx 7,5."
    if not math.isfinite(number):
        return None, "Skriv et tal, fx 7,5."
    lo, hi = instrument.scale_min, instrument.scale_max
    if number < lo or number > hi:
        return None, f"Værdien skal være mellem {dk_number(lo)} og {dk_number(hi)}."
    scaled = number * 10**instrument.decimals
    if abs(scaled - round(scaled)) > 1e-6:
        if instrument.decimals == 0:
            return None, f"Vælg et helt tal mellem {dk_number(lo)} og {dk_number(hi)}."
        return None, "Brug højst én decimal, fx 7,5."
    return round(number, instrument.decimals) + 0.0, None


def validate_values(
    instrument: Instrument, raw: Mapping[str, object]
) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Every item present and on the instrument's scale; unknown items refused.

    Returns (values, errors) with errors keyed by item id.
    """
    values: dict[str, float] = {}
    errors: dict[str, list[str]] = {}
    for item in instrument.items:
        value, error = parse_value(raw.get(item.id), instrument)
        if error:
            errors[item.id] = [error]
        else:
            assert value is not None
            values[item.id] = value
    for key in raw:
        if key not in instrument.item_ids:
            errors.setdefault(key, []).append(f"{instrument.id} har ikke punktet «{key}».")
    return values, errors
