"""Each signal with values and dates around its boundary (pure rules, no database)."""

from datetime import UTC, date, datetime

import pytest

from bostotte.reminders.signals import Score, SignalFacts, ors_cutoff, signals_for

TODAY = date(2026, 11, 23)
AT = datetime(2026, 11, 1, 9, tzinfo=UTC)


def score(on, total):
    return Score(on, total, AT)


def kinds(facts, today=TODAY):
    return [s.kind for s in signals_for(facts, today)]


def ors(first, latest, *, first_on=date(2026, 1, 5), latest_on=date(2026, 3, 2), birth_year=1980):
    return SignalFacts(
        1, birth_year, ors_first=score(first_on, first), ors_latest=score(latest_on, latest)
    )


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
    (signal,) = signals_for(ors(30, 24.5), TODAY)
    assert signal.text == (
        "ORS er faldet 5,5 point fra første måling (30 den 5. jan. 2026) "
        "til 24,5 den 2. mar. 2026 – et pålideligt fald."
    )
    assert (signal.basis, signal.anchor, signal.subject) == (date(2026, 3, 2), "instrument-ORS", "")


@pytest.mark.parametrize(
    ("latest_on", "latest", "fires"),
    [
        (date(2026, 7, 5), 24.9, True),  # exactly 6 months after the first ORS, under 25
        (date(2026, 7, 4), 24.9, False),  # a day short of 6 months
        (date(2026, 7, 5), 25.0, False),  # at the cut-off is not under it
    ],
)
def test_ors_still_under_the_cut_off_after_six_months(latest_on, latest, fires):
    facts = ors(22, latest, first_on=date(2026, 1, 5), latest_on=latest_on)
    assert ("ors_still_low" in kinds(facts)) is fires


def test_ors_still_low_needs_the_first_score_under_the_cut_off_too():
    assert "ors_still_low" not in kinds(ors(25, 24, latest_on=date(2026, 8, 1)))


def test_ors_cut_off_follows_the_citizens_age():
    assert ors_cutoff(2009, date(2026, 6, 1)) == 28  # 17 years
    assert ors_cutoff(2008, date(2026, 6, 1)) == 25  # 18 years
    assert ors_cutoff(2014, date(2026, 6, 1)) == 32  # 12 years
    young = ors(27, 27.5, latest_on=date(2026, 8, 1), birth_year=2010)
    assert "ors_still_low" in kinds(young)  # under 28 at 16
    assert "ors_still_low" not in kinds(ors(27, 27.5, latest_on=date(2026, 8, 1)))


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
    facts = SignalFacts(
        1,
        1980,
        srs_latest=score(date(2026, 11, 2), latest),
        srs_previous=score(date(2026, 10, 20), previous) if previous else None,
    )
    assert (kinds(facts) == ["srs_alliance"]) is fires


def test_srs_sentences():
    low = SignalFacts(1, 1980, srs_latest=score(date(2026, 11, 2), 33.5))
    assert signals_for(low, TODAY)[0].text == (
        "SRS var 33,5 ved samtalen den 2. nov. 2026, under 36: samarbejdet kan være udfordret."
    )
    drop = SignalFacts(
        1,
        1980,
        srs_latest=score(date(2026, 11, 2), 37),
        srs_previous=score(date(2026, 10, 20), 38.5),
    )
    (signal,) = signals_for(drop, TODAY)
    assert signal.text == (
        "SRS faldt fra 38,5 til 37 ved samtalen den 2. nov. 2026: samarbejdet kan være udfordret."
    )
    assert signal.anchor == "instrument-SRS"


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
    found = signals_for(facts, TODAY)
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


@pytest.mark.parametrize(
    ("target", "fires"), [(date(2026, 11, 22), True), (date(2026, 11, 23), False)]
)
def test_goal_past_its_target_date_and_still_open(target, fires):
    facts = SignalFacts(1, 1980, open_goals=((12, "Jeg vil tage bussen alene " * 5, target),))
    found = signals_for(facts, TODAY)
    assert bool(found) is fires
    if fires:
        assert found[0].text.startswith("Målet »Jeg vil tage bussen alene Jeg vil tage")
        assert "…« havde måldato 22. nov. 2026 og er stadig åbent." in found[0].text
