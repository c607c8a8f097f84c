"""A citizen's charts from her scorings, goals and delmål: the one builder every page uses.

Scales, cut-offs and the reliable-change threshold come from the instrument files; this
module only picks the right ones (the ORS cut-off by age) and hands plain data to the chart
functions, through `cache.kept`: a chart is drawn once for the same data and then kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from bostotte import instruments
from bostotte.charts.cache import kept
from bostotte.charts.fit import ors_srs_chart
from bostotte.charts.fko import fko_chart
from bostotte.charts.model import Chart, Cutoff, FkoPoint, Scale, Step
from bostotte.charts.rem import rem_multiples, rem_radar
from bostotte.charts.timeline import subgoal_timeline
from bostotte.citizens.models import Citizen
from bostotte.common.dates import window_error
from bostotte.goals.models import Goal
from bostotte.instruments import Instrument
from bostotte.scoring.models import Scoring

if TYPE_CHECKING:
    from bostotte.progress.services import Expected

_ors_srs_chart = kept(ors_srs_chart)
_fko_chart = kept(fko_chart)
_rem_radar = kept(rem_radar)
_rem_multiples = kept(rem_multiples)
_subgoal_timeline = kept(subgoal_timeline)


def scale_of(instrument: Instrument) -> Scale:
    return Scale(
        instrument.scale_min,
        instrument.scale_max,
        {int(k): v for k, v in instrument.scale_labels.items()},
        instrument.higher_is_better,
    )


def _cutoff_for_age(instrument: Instrument, age: int) -> tuple[float, str]:
    """The cut-off for an age and the age group it belongs to ('' for adults)."""
    group = next(((low, high) for low, high, _v in instrument.age_cutoffs if age <= high), None)
    return instrument.cutoff_for_age(age), f"{group[0]}–{group[1]} år" if group else ""


def ors_cutoffs(instrument: Instrument, birth_year: int, dates: Iterable[date]) -> list[Cutoff]:
    """The clinical cut-off in force over the dates: the age cut-off while the citizen is
    under 18, the adult one after. Age is the year minus the birth year (as the statistics
    count it), so a change falls on 1 January."""
    ds = sorted(dates)
    if not ds:
        return [Cutoff(date.min, *_cutoff_for_age(instrument, 99))]
    out: list[Cutoff] = []
    for year in range(ds[0].year, ds[-1].year + 1):
        value, group = _cutoff_for_age(instrument, year - birth_year)
        if not out or (out[-1].value, out[-1].group) != (value, group):
            out.append(Cutoff(max(date(year, 1, 1), ds[0]), value, group))
    return out


@dataclass(frozen=True)
class CitizenCharts:
    """Charts for the citizen page and the portal; None where the method is not in use."""

    ors_srs: Chart | None = None
    rem_radar: Chart | None = None
    rem_multiples: Chart | None = None
    fko: dict[int, Chart] = field(default_factory=dict)  # by goal id
    timelines: dict[int, Chart] = field(default_factory=dict)  # by goal id


def drawn(scorings: Sequence[Scoring]) -> list[Scoring]:
    """The scorings a time axis can hold: one dated outside the domain's window (stored
    before it was enforced) is left out of the charts; the page's list still shows it."""
    return [s for s in scorings if window_error(s.scored_on) is None]


def fit_chart(
    citizen: Citizen,
    scorings: Sequence[Scoring],
    *,
    you: bool = False,
    expected: Expected | None = None,
) -> Chart:
    ors_def, srs_def = instruments.get("ORS"), instruments.get("SRS")
    scorings = drawn(scorings)
    ors = [(s.scored_on, s.total) for s in scorings if s.instrument == ors_def.id]
    srs = [(s.scored_on, s.total) for s in scorings if s.instrument == srs_def.id]
    return _ors_srs_chart(
        ors,
        srs,
        scale=ors_def.total_range,
        cutoffs=ors_cutoffs(ors_def, citizen.birth_year, [d for d, _ in ors]),
        alliance=srs_def.cutoffs.get("alliance"),
        reliable_change=ors_def.reliable_change,
        you=you,
        expected=expected.ors if expected is not None else None,
    )


def rem_data(
    scorings: Sequence[Scoring], *, you: bool = False
) -> tuple[list[tuple[str, str]], list[tuple[date, dict[str, float]]], Scale]:
    """REM's items, scorings and scale; `you`: her plain labels (the file's `plain`)."""
    rem = instruments.get("REM")
    return (
        [(i.id, i.plain_label if you else i.label) for i in rem.items],
        # a scoring from before an item was added to the file cannot be drawn whole
        [
            (s.scored_on, s.values)
            for s in drawn(scorings)
            if s.instrument == rem.id and set(rem.item_ids) <= s.values.keys()
        ],
        scale_of(rem),
    )


def goal_fko_chart(
    goal: Goal,
    scorings: Sequence[Scoring],
    *,
    you: bool = False,
    expected: Expected | None = None,
) -> Chart:
    fko = instruments.get("FKO")
    points = [
        FkoPoint(s.scored_on, s.total, s.occasion or "status")
        for s in drawn(scorings)
        if s.instrument == fko.id and s.goal_id == goal.id
    ]
    return _fko_chart(
        points,
        scale=scale_of(fko),
        theme=goal.theme_label,
        goal=goal.specific,
        occasions={k: o.label for k, o in fko.occasions.items()},
        chart_id=f"fko-{goal.id}",
        you=you,
        expected=(expected.fko or {}).get(goal.id) if expected is not None else None,
    )


def goal_timeline(goal: Goal, today: date) -> Chart:
    steps = [
        Step(
            sg.title,
            sg.status,
            sg.status_label,
            sg.created_on,
            sg.target_date,
            tuple(sorted(n.noted_on for n in sg.notes)),
        )
        for sg in goal.subgoals
    ]
    return _subgoal_timeline(
        steps,
        period=(goal.plan.start_date, goal.plan.end_date),
        today=today,
        goal=goal.specific,
        chart_id=f"delmaal-{goal.id}",
    )


def citizen_charts(
    citizen: Citizen,
    scorings: Sequence[Scoring],
    *,
    today: date,
    goals: Iterable[Goal] = (),
    you: bool = False,
    timelines: bool = True,
    expected: Expected | None = None,
) -> CitizenCharts:
    """Every chart the page shows. `scorings` are the citizen's (any order); `goals` those
    on the page; `you` words callouts to the citizen herself ("Din seneste score …");
    `expected` her curves from earlier courses (bostotte.progress), drawn as bands."""
    methods = set(citizen.methods)
    used = {s.instrument for s in scorings}
    ors_srs = (
        fit_chart(citizen, scorings, you=you, expected=expected)
        if "FIT" in methods or used & {"ORS", "SRS"}
        else None
    )
    radar = multiples = None
    if "REM" in methods or "REM" in used:
        items, rem, scale = rem_data(scorings, you=you)
        radar = _rem_radar(items, rem, scale=scale, you=you)
        multiples = _rem_multiples(items, rem, scale=scale)
    goals = list(goals)
    fko = (
        {g.id: goal_fko_chart(g, scorings, you=you, expected=expected) for g in goals}
        if "FKO" in methods or "FKO" in used
        else {}
    )
    return CitizenCharts(
        ors_srs,
        radar,
        multiples,
        fko,
        {g.id: goal_timeline(g, today) for g in goals} if timelines else {},
    )
