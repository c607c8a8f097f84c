"""Resultatdokumentation for the kvalitetsmodel's theme 3 (Målgruppe, metoder og resultater,
indicator 3.b: results documented "til løbende brug for egen læring"): for a period and the
leader's teams, which instruments are in use, documentation on time, FKO mastery per theme
with N and the targets, and the leader's own text on how the results were used.

The numbers are the statistics' (stats.services.compute with the leader's Scope: its
cells, its targets, its small-cell suppression); only the instruments in use are counted
here, with the statistics' own scope condition. No citizen is named or read one by one, so
nothing here is access-logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.exc import IntegrityError

from bostotte import instruments
from bostotte.auth.models import Role, User
from bostotte.common.db import Session
from bostotte.common.schema import DomainError, InvalidInput
from bostotte.common.versions import VersionConflict, expect_version
from bostotte.goals.models import THEMES
from bostotte.scoring.models import Scoring
from bostotte.stats import services as stats
from bostotte.stats.queries import Period, Scope
from bostotte.stats.queries.shared import in_citizens
from bostotte.tilsyn.models import ResultText

INSTRUMENTS = ("FKO", "ORS", "SRS", "REM")
MAX_TEXT = 5000
TEXT_TOO_LONG = "Teksten må højst være {max} tegn. Du har skrevet {n} tegn; intet er gemt."
# The version a form sends when it was opened before any text was saved: a save from it
# while a colleague's text exists meanwhile is a conflict, not an overwrite.
NO_TEXT_VERSION = 0


@dataclass(frozen=True)
class InstrumentUse:
    id: str
    name: str  # "FKO – støttebehov"
    cell: dict[str, Any]  # {"n": citizens, "scorings": k}, or hidden (under min_cell)


@dataclass(frozen=True)
class ThemeRow:
    key: str  # a theme, or "total"
    label: str
    cell: dict[str, Any]
    target: float | None


@dataclass(frozen=True)
class Results:
    period: Period
    team_key: str
    min_cell: int
    instruments: tuple[InstrumentUse, ...]
    documentation: dict[str, Any]
    themes: tuple[ThemeRow, ...]
    text: ResultText | None

    @property
    def any_hidden(self) -> bool:
        cells = [u.cell for u in self.instruments] + [self.documentation]
        return any(c.get("suppressed") for c in cells + [t.cell for t in self.themes])


def team_key(scope: Scope) -> str:
    """The set of teams a text belongs to: their ids, sorted ("2,5")."""
    return ",".join(str(t) for t in sorted(scope.team_ids or ()))


def instruments_in_use(
    session: Session, period: Period, scope: Scope, min_cell: int
) -> tuple[InstrumentUse, ...]:
    """Per instrument: the scorings made in the period and the citizens with at least one.
    Fewer than `min_cell` citizens (but some) hides both numbers, as the statistics hide a
    small cell; none is shown as 0 (it reveals nobody)."""
    rows = session.execute(
        select(
            Scoring.instrument,
            func.count(Scoring.id),
            func.count(distinct(Scoring.citizen_id)),
        )
        .where(
            Scoring.instrument.in_(INSTRUMENTS),
            Scoring.scored_on >= period.start,
            Scoring.scored_on <= period.end,
            *in_citizens(scope, Scoring.citizen_id),
        )
        .group_by(Scoring.instrument)
    )
    counts = {instrument: (int(k), int(n)) for instrument, k, n in rows}
    out = []
    for instrument_id in INSTRUMENTS:
        scorings, citizens = counts.get(instrument_id, (0, 0))
        cell: dict[str, Any]
        if 0 < citizens < min_cell:
            cell = {"n": None, "suppressed": True}
        else:
            cell = {"n": citizens, "scorings": scorings}
        out.append(InstrumentUse(instrument_id, instruments.get(instrument_id).short_label, cell))
    return tuple(out)


def _theme_rows(fko: dict[str, Any]) -> tuple[ThemeRow, ...]:
    rows = [
        ThemeRow(theme, THEMES.get(theme, theme), cell, cell.get("target"))
        for theme, cell in fko["by_theme"].items()
    ]
    rows.append(ThemeRow("total", "I alt", fko["total"], None))
    return tuple(rows)


def find_text(session: Session, key: str, period: Period) -> ResultText | None:
    return session.scalar(
        select(ResultText).where(
            ResultText.team_key == key,
            ResultText.period_from == period.start,
            ResultText.period_to == period.end,
        )
    )


def results(
    session: Session, period: Period, scope: Scope, *, min_cell: int, today: date
) -> Results:
    """The resultatdokumentation of `scope` (the leader's teams, or one of them) in `period`."""
    numbers = stats.compute(session, period, min_cell=min_cell, today=today, scope=scope)
    key = team_key(scope)
    return Results(
        period=period,
        team_key=key,
        min_cell=min_cell,
        instruments=instruments_in_use(session, period, scope, min_cell),
        documentation=numbers["documentation"],
        themes=_theme_rows(numbers["fko"]),
        text=find_text(session, key, period),
    )


def save_text(
    session: Session,
    user: User,
    scope: Scope,
    period: Period,
    text: str,
    version: int | None,
) -> ResultText:
    """Keep the leader's "Sådan har vi brugt resultaterne" for the period and teams. A form
    opened at another version than the saved one (or before a colleague's first save) is
    refused as a conflict, never written over it."""
    if user.role != Role.LEADER or not scope.team_ids:
        raise DomainError("Kun lederen af teamene skriver om resultaterne.")
    if len(text) > MAX_TEXT:
        raise InvalidInput({"tekst": [TEXT_TOO_LONG.format(max=MAX_TEXT, n=len(text))]})
    key = team_key(scope)
    row = find_text(session, key, period)
    if row is None:
        if not text:
            raise InvalidInput({"tekst": ["Skriv, hvordan I har brugt resultaterne."]})
        if version not in (None, NO_TEXT_VERSION):
            raise VersionConflict("ResultText: gone")
        row = ResultText(
            team_key=key,
            period_from=period.start,
            period_to=period.end,
            text=text,
            updated_by_id=user.id,
        )
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:  # a colleague's first save came between
            raise VersionConflict("ResultText: created meanwhile") from None
        return row
    expect_version(session, row, NO_TEXT_VERSION if version is None else version)
    row.text = text
    row.updated_by_id = user.id
    session.flush()
    return row


def years(today: date, back: int = 6) -> Sequence[int]:
    """The years the period selector offers: this one and the `back` before it."""
    return list(range(today.year, today.year - back - 1, -1))
