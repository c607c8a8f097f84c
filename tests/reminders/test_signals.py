"""Each signal with values and dates around its boundary (pure rules on constructed facts), the
ORS's run under the cut-off as the database finds it, and the SRS rule the chart shares."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bostotte import instruments
from bostotte.charts import Cutoff, ors_srs_chart
from bostotte.citizens.models import Citizen
from bostotte.reminders.signals import (
    Score,
    SignalFacts,
    load_facts,
    ors_cutoff,
    signals_for,
    whole_months,
)
from bostotte.reminders.sync import with_plans
from tests import factories as make

TODAY = date(2026, 11, 23)
AT = datetime(2026, 11, 1, 9, tzinfo=UTC)


def score(on, total):
    return Score(on, total, AT)


def kinds(facts):
    return [s.kind for s in signals_for(facts)]


def ors(first, latest, *, first_on=date(2026, 1, 5), latest_on=date(2026, 3, 2), birth_year=1980):
    return SignalFacts(
        1, birth_year, ors_first=score(first_on, first), ors_latest=score(latest_on, latest)
    )


# --- A reliable fall: since the first score, and since the previous session -----------


@pytest.mark.parametrize(
    ("first", "latest", "fires"),
    [
        (30, 25, True),
        (30, 25.1, False),
        (30, 20, True),
        (26.3, 21.3, True),
        (26.3, 21.4, False),
    ],
)
def test_ors_reliably_worse_than_the_first_score(first, latest, fires):
    assert ("ors_decline" in kinds(ors(first, latest))) is fires


def test_ors_decline_needs_a_later_score_and_says_so_in_danish():
    assert kinds(ors(30, 20, latest_on=date(2026, 1, 5))) == []
    (signal,) = signals_for(ors(30, 24.5))
    assert signal.text == (
        "ORS er faldet 5,5 point fra første måling (30 den 5. jan. 2026) "
        "til 24,5 den 2. mar. 2026 – et pålideligt fald."
    )
    assert (signal.basis, signal.anchor, signal.subject) == (date(2026, 3, 2), "instrument-ORS", "")


def three(first, previous, latest):
    return SignalFacts(
        1,
        1980,
        ors_first=score(date(2026, 1, 5), first),
        ors_previous=score(date(2026, 5, 4), previous),
        ors_latest=score(date(2026, 6, 1), latest),
    )


@pytest.mark.parametrize(
    ("first", "previous", "latest", "fires"),
    [
        (20, 30, 25, True),  # 5 down since the previous, 5 up since the first
        (20, 30, 25.1, False),  # 4,9 down since the previous
        (20, 26.3, 21.3, True),  # 5 despite float rounding
        (30, 26, 25, True),  # 5 down since the first only
        (30, 29, 29, False),
    ],
)
def test_ors_reliably_worse_than_the_previous_session_too(first, previous, latest, fires):
    assert ("ors_decline" in kinds(three(first, previous, latest))) is fires


def test_the_decline_says_since_when():
    (since_previous,) = signals_for(three(20, 30, 24))
    assert since_previous.text == (
        "ORS er faldet 6 point siden forrige måling (30 den 4. maj 2026) til 24 den "
        "1. jun. 2026 – et pålideligt fald."
    )
    (both,) = signals_for(three(32, 30, 24))
    assert both.text == (
        "ORS er faldet 6 point siden forrige måling (30 den 4. maj 2026) og 8 point fra "
        "første måling (32 den 5. jan. 2026) til 24 den 1. jun. 2026 – et pålideligt fald."
    )
    # with two scores the previous one is the first: said once
    two = SignalFacts(
        1,
        1980,
        ors_first=score(date(2026, 1, 5), 30),
        ors_previous=score(date(2026, 1, 5), 30),
        ors_latest=score(date(2026, 6, 1), 24),
    )
    assert signals_for(two)[0].text.startswith("ORS er faldet 6 point fra første måling")


# --- Still low: the unbroken run under the cut-off, and how long -------------------------


def low(since, latest_on, latest=20.0, birth_year=1980):
    return SignalFacts(
        1,
        birth_year,
        ors_first=score(date(2025, 1, 5), 30),
        ors_latest=score(latest_on, latest),
        ors_low_since=score(since, 22) if since else None,
    )


@pytest.mark.parametrize(
    ("since", "latest_on", "fires"),
    [
        (date(2026, 1, 5), date(2026, 7, 5), True),  # exactly 6 months under the cut-off
        (date(2026, 1, 5), date(2026, 7, 4), False),  # a day short
        (None, date(2026, 7, 5), False),  # the latest is not under it
    ],
)
def test_ors_still_low_after_six_months_under_the_cut_off(since, latest_on, fires):
    assert ("ors_still_low" in kinds(low(since, latest_on))) is fires


def test_still_low_says_how_long_it_has_been_low():
    (signal,) = [
        s
        for s in signals_for(low(date(2026, 1, 20), date(2026, 11, 19), 14.6))
        if s.kind == "ors_still_low"
    ]
    assert signal.text == (
        "ORS har været under den kliniske grænse på 25 ved hver måling i 9 måneder, siden "
        "20. jan. 2026 (seneste 14,6 den 19. nov. 2026)."
    )
    assert whole_months(date(2026, 1, 31), date(2026, 2, 28)) == 1
    assert whole_months(date(2026, 1, 20), date(2026, 2, 19)) == 0


def test_ors_cut_off_follows_the_citizens_age():
    assert ors_cutoff(2009, date(2026, 6, 1)) == 28  # 17 years
    assert ors_cutoff(2008, date(2026, 6, 1)) == 25  # 18 years
    assert ors_cutoff(2014, date(2026, 6, 1)) == 32  # 12 years


def ors_items(total):
    """Four one-decimal item values that sum to `total`."""
    part = round(total / 4, 1)
    return make.items("ORS", part, part, part, round(total - 3 * part, 1))


def _ors_history(session, w, citizen, totals):
    for on, total in totals:
        make.score(session, w.w1, citizen, "ORS", on, ors_items(total))
    session.commit()
    (facts,) = load_facts(
        session, session.scalars(with_plans(select(Citizen).where(Citizen.id == citizen.id)))
    )
    return facts


def test_the_run_under_the_cut_off_starts_after_the_last_score_over_it(w, session):
    facts = _ors_history(
        session,
        w,
        w.c1,
        [
            (date(2025, 9, 1), 20),  # under…
            (date(2025, 11, 1), 21),
            (date(2026, 1, 5), 26),  # …a break over the cut-off of 25…
            (date(2026, 2, 2), 22),  # …and under again since here
            (date(2026, 5, 4), 24.8),
            (date(2026, 8, 3), 19.6),
        ],
    )
    assert facts.ors_low_since == Score(date(2026, 2, 2), 22, facts.ors_low_since.recorded_at)
    assert facts.ors_first.on == date(2025, 9, 1) and facts.ors_previous.on == date(2026, 5, 4)
    (signal,) = [s for s in signals_for(facts) if s.kind == "ors_still_low"]
    assert "i 6 måneder, siden 2. feb. 2026" in signal.text
    # one score at the cut-off ends the run: no longer "still low"
    make.score(session, w.w1, w.c1, "ORS", date(2026, 9, 7), ors_items(25))
    session.commit()
    (facts,) = load_facts(
        session, session.scalars(with_plans(select(Citizen).where(Citizen.id == w.c1.id)))
    )
    assert facts.ors_low_since is None
    assert "ors_still_low" not in kinds(facts)


def test_the_run_follows_the_age_cut_off(w, session):
    """Born 2009: 17 in 2026, so 27 is under the cut-off of 28 for adolescents."""
    w.c1.birth_year = 2009
    facts = _ors_history(session, w, w.c1, [(date(2026, 1, 5), 27), (date(2026, 7, 6), 27.6)])
    assert facts.ors_low_since is not None and facts.ors_low_since.on == date(2026, 1, 5)
    assert "ors_still_low" in kinds(facts)


# --- SRS: one rule and one text, on the chart and in the signal --------------------------


def srs(previous, latest):
    return SignalFacts(
        1,
        1980,
        srs_latest=score(date(2026, 11, 2), latest),
        srs_previous=score(date(2026, 10, 20), previous) if previous else None,
    )


@pytest.mark.parametrize(
    ("previous", "latest", "fires"),
    [
        (None, 35.9, True),
        (None, 36.0, False),  # under 36
        (38.0, 37.0, True),
        (38.0, 37.1, False),  # down by 1 point or more
        (37.3, 36.3, True),  # 1.0 despite float rounding
        (36.5, 36.5, False),
    ],
)
def test_srs_alliance_at_risk(previous, latest, fires):
    assert (kinds(srs(previous, latest)) == ["srs_alliance"]) is fires


def test_srs_sentences():
    assert signals_for(srs(None, 33.5))[0].text == (
        "Samtalen den 2. nov. 2026: seneste SRS er 33,5, under alliancegrænsen på 36. "
        "Samarbejdet kan være udfordret."
    )
    (signal,) = signals_for(srs(38.5, 37))
    assert signal.text == (
        "Samtalen den 2. nov. 2026: seneste SRS er 37, over alliancegrænsen på 36, men faldet "
        "1,5 point fra 38,5 ved samtalen før. Samarbejdet kan være udfordret."
    )
    assert signal.anchor == "instrument-SRS"


@pytest.mark.parametrize(
    ("previous", "latest", "warning"),
    [
        (None, 33.5, True),
        (None, 38, False),
        (38.5, 37, True),
        (37.6, 36, True),
        (36, 33, True),
        (38, 37.5, False),
        (36.5, 36.5, False),
    ],
)
def test_the_chart_says_what_the_signal_says(previous, latest, warning):
    """The chart's summary and the signal use the same words for the latest SRS, and the
    signal fires exactly when those words are a warning (under the line or falling)."""
    ors_def, srs_def = instruments.get("ORS"), instruments.get("SRS")
    scores = ([(date(2026, 10, 20), previous)] if previous else []) + [(date(2026, 11, 2), latest)]
    chart = ors_srs_chart(
        [],
        scores,
        scale=ors_def.total_range,
        cutoffs=[Cutoff(date(2000, 1, 1), ors_def.cutoffs["adult"])],
        alliance=srs_def.cutoffs["alliance"],
        reliable_change=ors_def.reliable_change,
    )
    words = chart.summary.split("; ")[1].removesuffix(".")
    assert words.startswith("seneste SRS er ")
    found = signals_for(srs(previous, latest))
    assert bool(found) is warning
    if found:
        assert found[0].text == (
            f"Samtalen den 2. nov. 2026: {words}. Samarbejdet kan være udfordret."
        )


# --- FKO; and a goal past its date is a reminder, not a signal ---------------------------


@pytest.mark.parametrize(
    ("baseline", "latest", "fires"), [(2, 3, True), (2, 2, False), (3, 1, False)]
)
def test_fko_status_worse_than_baseline(baseline, latest, fires):
    facts = SignalFacts(
        1,
        1980,
        fko=(
            (
                12,
                "Jeg vil selv betale mine regninger",
                score(date(2026, 1, 5), baseline),
                score(date(2026, 4, 5), latest),
            ),
        ),
    )
    found = signals_for(facts)
    assert bool(found) is fires
    if fires:
        assert (found[0].kind, found[0].anchor, found[0].subject) == (
            "fko_worse",
            "goal-12",
            "goal:12",
        )
        assert found[0].text == (
            "Støttebehovet for målet »Jeg vil selv betale mine regninger« er 3 (Højt) ved "
            "seneste status, højere end udgangspunktet 2 (Moderat)."
        )


def test_fko_without_a_status_yet_is_no_signal():
    facts = SignalFacts(1, 1980, fko=((12, "Mål", score(date(2026, 1, 5), 2), None),))
    assert kinds(facts) == []


def test_a_goal_past_its_date_is_no_signal(w, session):
    """It is the reminder "Følg op på målets måldato": one overdue goal, one item."""
    make.goal(session, w.w1, w.p1, target_date=date(2026, 3, 1))
    session.commit()
    (facts,) = load_facts(
        session, session.scalars(with_plans(select(Citizen).where(Citizen.id == w.c1.id)))
    )
    assert signals_for(facts) == []
