"""Each definition of domain.md on a small dataset whose numbers are worked out by hand."""

import math
from datetime import date

import pytest

from bostotte import instruments
from bostotte.auth.models import Role
from bostotte.common.schema import DomainError
from bostotte.stats.queries import Period
from bostotte.stats.services import compute, set_target, wilson
from tests import factories as make
from tests.stats.helpers import add_scoring, fko, ors, ors_total

P = Period(date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture()
def base(session):
    team = make.team(session, "Team Nord")
    worker = make.user(session, Role.WORKER, [team])
    return team, worker


def goal_in(session, worker, citizen, theme):
    plan = citizen.active_plan or make.plan(
        session, citizen, start=date(2024, 1, 1), end=date(2026, 12, 31)
    )
    return make.goal(session, worker, plan, theme=theme, target_date=date(2026, 6, 1))


def test_fko_mastery_edges(session, base):
    team, worker = base
    c = make.citizen(session, team)
    a = goal_in(session, worker, c, "mestring")
    fko(session, a, "baseline", date(2024, 1, 1), 3)
    fko(session, a, "target", date(2024, 1, 1), 1)
    fko(session, a, "status", P.start, 2)  # on the first day: counts
    b = goal_in(session, worker, c, "mestring")
    fko(session, b, "baseline", date(2024, 1, 1), 2)
    fko(session, b, "status", date(2025, 3, 1), 1)
    fko(session, b, "final", date(2025, 6, 1), 3)  # the final wins over a later status
    fko(session, b, "status", date(2025, 9, 1), 1)
    c2 = make.citizen(session, team)
    cg = goal_in(session, worker, c2, "sundhed")
    fko(session, cg, "baseline", date(2024, 1, 1), 2)
    fko(session, cg, "target", date(2024, 1, 1), 2)
    fko(session, cg, "status", P.end, 2)  # on the last day: counts
    c3 = make.citizen(session, team)
    d = goal_in(session, worker, c3, "sundhed")
    fko(session, d, "baseline", date(2024, 1, 1), 3)
    fko(session, d, "status", date(2024, 12, 31), 1)  # before P: not counted
    e = goal_in(session, worker, c3, "sundhed")
    fko(session, e, "status", date(2025, 5, 1), 1)  # no baseline: not counted
    f = goal_in(session, worker, c3, "socialt_liv")
    fko(session, f, "baseline", date(2024, 1, 1), 4)
    fko(session, f, "status", date(2026, 1, 1), 1)  # after P: not counted
    session.commit()

    stats = compute(session, P, min_cell=1)
    total = stats["fko"]["total"]
    assert {k: total[k] for k in ("n", "maintained_or_improved", "improved", "target_reached")} == {
        "n": 3,
        "maintained_or_improved": 2,
        "improved": 1,
        "target_reached": 1,
    }
    assert total["share"] == pytest.approx(2 / 3)
    mestring = stats["fko"]["by_theme"]["mestring"]
    assert (
        mestring["n"],
        mestring["maintained_or_improved"],
        mestring["improved"],
        mestring["target_reached"],
    ) == (2, 1, 1, 0)
    sundhed = stats["fko"]["by_theme"]["sundhed"]
    assert (sundhed["n"], sundhed["maintained_or_improved"], sundhed["target_reached"]) == (1, 1, 1)
    assert stats["fko"]["by_theme"]["socialt_liv"] == {"n": None, "suppressed": True}


def test_28_of_47_is_the_2017_baseline(session, base):
    """Seed 001: 28 of 47 mestring goals maintained or improved = 59.6 %, shown as 60 %."""
    team, worker = base
    citizens = [make.citizen(session, team) for _ in range(16)]
    for i in range(47):
        g = goal_in(session, worker, citizens[i // 3], "mestring")
        fko(session, g, "baseline", date(2024, 6, 1), 2)
        fko(session, g, "final", date(2025, 6, 1), 2 if i < 28 else 3)
    set_target(session, "mestring", P, 0.63)
    session.commit()
    cell = compute(session, P)["fko"]["by_theme"]["mestring"]
    assert (cell["n"], cell["maintained_or_improved"]) == (47, 28)
    assert round(cell["share"] * 100) == 60 and cell["target"] == 0.63
    low, high = wilson(28, 47)
    assert (cell["ci_low"], cell["ci_high"]) == (low, high)
    assert 0.45 < low < 0.46 and 0.72 < high < 0.74


def test_suppression_around_min_cell(session, base):
    team, worker = base
    for i in range(5):
        g = goal_in(session, worker, make.citizen(session, team), "mestring")
        fko(session, g, "baseline", date(2024, 6, 1), 2)
        fko(session, g, "status", date(2025, 6, 1) if i < 4 else date(2025, 9, 1), 1)
    session.commit()
    assert compute(session, P)["fko"]["total"]["n"] == 5  # exactly 5: shown
    four = compute(session, Period(P.start, date(2025, 7, 31)))["fko"]["total"]
    assert four == {"n": None, "suppressed": True}  # exactly 4: hidden
    assert (
        compute(session, Period(P.start, date(2025, 7, 31)), min_cell=4)["fko"]["total"]["n"] == 4
    )


def test_complementary_suppression(session, base):
    team, worker = base
    for theme, n in (("mestring", 6), ("sundhed", 7), ("socialt_liv", 3)):
        for _ in range(n):
            g = goal_in(session, worker, make.citizen(session, team), theme)
            fko(session, g, "baseline", date(2024, 6, 1), 2)
            fko(session, g, "status", date(2025, 6, 1), 2)
    session.commit()
    by_theme = compute(session, P)["fko"]["by_theme"]
    assert by_theme["socialt_liv"]["suppressed"] and by_theme["mestring"]["suppressed"]
    assert by_theme["sundhed"]["n"] == 7
    assert by_theme["uddannelse_beskaeftigelse"]["suppressed"]  # empty


def test_ors_change(session, base):
    team, _ = base
    x = make.citizen(session, team, birth_year=1980)
    ors_total(session, x, date(2024, 6, 1), 20.0)  # first: before P
    ors_total(session, x, date(2025, 3, 1), 26.0)
    ors_total(session, x, date(2025, 11, 1), 25.5)  # latest inside P
    y = make.citizen(session, team)
    ors_total(session, y, date(2026, 2, 1), 10.0)  # all after P: not counted
    ors_total(session, y, date(2026, 3, 1), 30.0)
    z = make.citizen(session, team)
    ors_total(session, z, date(2025, 5, 1), 22.0)  # one ORS only: not counted
    w = make.citizen(session, team, birth_year=1970)
    ors_total(session, w, date(2025, 1, 10), 30.0)
    ors_total(session, w, P.end, 24.9)  # −5.1: reliably worse
    v = make.citizen(session, team, birth_year=2009)  # 16 at P.to: cut-off 28
    ors(session, v, date(2025, 2, 1), 6.1, 7, 6.5, 6.5)  # 26.1
    ors(session, v, date(2025, 8, 1), 8.1, 8, 7.5, 7.5)  # 31.1: +5.0 in floats
    session.commit()
    cell = compute(session, P, min_cell=1)["ors"]
    firsts, latests = [20.0, 30.0, 26.1], [25.5, 24.9, 31.1]
    assert cell["n"] == 3
    assert cell["mean_first"] == pytest.approx(sum(firsts) / 3)
    assert cell["mean_latest"] == pytest.approx(sum(latests) / 3)
    mean_change = (sum(latests) - sum(firsts)) / 3
    assert cell["mean_change"] == pytest.approx(mean_change)
    assert (
        cell["reliably_improved"],
        cell["reliably_deteriorated"],
        cell["clinically_significant"],
    ) == (2, 1, 2)
    mean = sum(firsts) / 3
    sd = math.sqrt(sum((f - mean) ** 2 for f in firsts) / 2)
    assert cell["effect_size"] == pytest.approx(mean_change / sd)


def test_clinically_significant_is_reliably_recovered(session, base):
    """OpenFIT's "reliably recovered": first at or below the cut-off (25.0 is clinical),
    latest above it (25.0 is not recovered), change ≥ 5; the cut-off by her age at the first
    score (17 then: 28), not at the period's end (18)."""
    team, _ = base
    for first, latest, birth_year in (
        (20.0, 25.0, 1980),  # latest exactly at the cut-off: not recovered
        (25.0, 30.0, 1980),  # first exactly at the cut-off: clinical, recovered
        (20.0, 25.1, 1980),  # just above: recovered
        (24.0, 29.0, 2008),  # 17 at the first score: cut-off 28, recovered
        (23.0, 28.0, 2008),  # 17 at the first score: 28 is not above 28
    ):
        c = make.citizen(session, team, birth_year=birth_year)
        ors_total(session, c, date(2025, 1, 10), first)
        ors_total(session, c, date(2025, 11, 10), latest)
    session.commit()
    cell = compute(session, P, min_cell=1)["ors"]
    assert cell["n"] == 5
    assert cell["clinically_significant"] == 3


def test_effect_size_is_null_when_sd_is_zero_or_n_is_one(session, base):
    team, _ = base
    for latest in (27.0, 29.0):
        c = make.citizen(session, team)
        ors_total(session, c, date(2025, 1, 5), 20.0)
        ors_total(session, c, date(2025, 6, 5), latest)
    session.commit()
    cell = compute(session, P, min_cell=1)["ors"]
    assert cell["n"] == 2 and cell["effect_size"] is None
    cell = compute(session, Period(date(2025, 6, 1), date(2025, 6, 30)), min_cell=1)["ors"]
    assert cell["n"] == 2


def test_ors_first_date_and_total_read_together_stay_exact(session, base):
    """The first's date and total travel in one integer: a date in year 1 (a typo the form
    accepts) and a total with a decimal come back exact, and a latest on the first's date
    still does not count."""
    team, _ = base
    old = make.citizen(session, team)
    ors_total(session, old, date(1, 1, 1), 39.9)
    ors_total(session, old, date(2025, 6, 1), 12.3)
    same_day = make.citizen(session, team)
    ors_total(session, same_day, date(2025, 2, 1), 20.1)
    ors_total(session, same_day, date(2025, 2, 1), 30.0)  # same date as the first: no
    session.commit()
    cell = compute(session, P, min_cell=1)["ors"]
    assert cell["n"] == 1
    assert (cell["mean_first"], cell["mean_latest"]) == (39.9, 12.3)
    assert cell["reliably_deteriorated"] == 1


def test_rem_change_per_indicator(session, base):
    team, _ = base
    items = [
        "struktureringsevne",
        "foelelsesmaessig_habitus",
        "selvopfattelse",
        "omstillingsevne",
        "vedligeholdelse_af_bolig",
        "oekonomi",
        "kontakt_til_familie",
        "kontakt_til_venner",
        "helbred_vaner",
    ]
    a, b = make.citizen(session, team), make.citizen(session, team)
    add_scoring(session, a, "REM", date(2025, 1, 15), dict.fromkeys(items, 3))
    add_scoring(
        session,
        a,
        "REM",
        date(2025, 12, 1),
        {**dict.fromkeys(items, 3), "oekonomi": 1, "helbred_vaner": 4},
    )
    add_scoring(session, b, "REM", date(2024, 11, 1), dict.fromkeys(items, 2))
    add_scoring(session, b, "REM", date(2025, 11, 1), {**dict.fromkeys(items, 2), "oekonomi": 2})
    session.commit()
    rem = compute(session, P, min_cell=1)["rem"]["by_indicator"]
    assert rem["oekonomi"] == {
        "n": 2,
        "mean_first": 2.5,
        "mean_latest": 1.5,
        "improved": 1,
        "unchanged": 1,
        "worsened": 0,
    }
    assert (rem["helbred_vaner"]["worsened"], rem["helbred_vaner"]["mean_latest"]) == (1, 3.0)


def test_breakdown_by_team_gender_age_and_method(session, base):
    team, worker = base
    syd = make.team(session, "Team Syd")
    for i in range(12):
        c = make.citizen(
            session,
            team if i < 7 else syd,
            gender="k" if i % 2 else "m",
            birth_year=1990 if i < 6 else 1950,
            uses_fit=i < 4,
        )
        g = goal_in(session, worker, c, "mestring")
        fko(session, g, "baseline", date(2024, 6, 1), 3)
        fko(session, g, "status", date(2025, 6, 1), 2 if i < 9 else 4)
    session.commit()
    by_team = compute(session, P, by="team", min_cell=1)["by"]
    assert by_team["dimension"] == "team"
    assert {k: v["fko"]["total"]["n"] for k, v in by_team["groups"].items()} == {
        "Team Nord": 7,
        "Team Syd": 5,
    }
    assert by_team["groups"]["Team Syd"]["fko"]["total"]["maintained_or_improved"] == 2
    ages = compute(session, P, by="age", min_cell=1)["by"]["groups"]
    assert {k: v["fko"]["total"]["n"] for k, v in ages.items()} == {"30-49": 6, "65+": 6}
    methods = compute(session, P, by="method", min_cell=1)["by"]["groups"]
    assert methods["FKO"]["fko"]["total"]["n"] == 12 and methods["FIT"]["fko"]["total"]["n"] == 4
    genders = compute(session, P, by="gender")["by"]["groups"]
    assert genders["k"]["fko"]["total"]["n"] == 6


def test_bad_period_and_dimension(session):
    with pytest.raises(DomainError):
        compute(session, Period(date(2025, 2, 1), date(2025, 1, 1)))
    with pytest.raises(DomainError):
        compute(session, P, by="shoe_size")


def test_documentation_on_time(session, base):
    team, worker = base
    a = make.citizen(session, team, uses_rem=False, uses_fit=False)
    plan = make.plan(session, a, start=date(2025, 1, 1), end=date(2025, 12, 31))
    g = make.goal(session, worker, plan, theme="mestring", target_date=date(2025, 12, 1))
    g.created_on = date(2025, 1, 1)
    fko(session, g, "status", date(2025, 4, 10), 2)  # due 1 Apr: within 14 days
    fko(session, g, "status", date(2025, 7, 20), 2)  # due 1 Jul: late; counts for 1 Oct
    fko(session, g, "final", date(2026, 1, 5), 2)  # due 31 Dec: within 14 days
    b = make.citizen(
        session, team, uses_fko=False, uses_fit=False, uses_rem=True, start_date=date(2025, 2, 1)
    )
    items = dict.fromkeys(instruments_rem(), 2)
    add_scoring(session, b, "REM", date(2025, 5, 20), items)  # due 1 May: late
    session.commit()
    doc = compute(session, P, min_cell=1, today=date(2026, 11, 23))["documentation"]
    assert (doc["n"], doc["on_time"], doc["share"]) == (5, 3, 3 / 5)
    # Before the 1 July status is late, it is not counted either way.
    doc = compute(session, P, min_cell=1, today=date(2025, 7, 10))["documentation"]
    assert (doc["n"], doc["on_time"]) == (4, 3)


def test_documentation_goal_opened_and_closed_on_a_mark(session, base):
    """A goal is due at the marks from the day it is created to the day it is closed, both
    days included."""
    team, worker = base
    a = make.citizen(session, team, uses_rem=False, uses_fit=False)
    plan = make.plan(session, a, start=date(2025, 1, 1), end=date(2025, 12, 31))
    g = make.goal(session, worker, plan, theme="mestring", target_date=date(2025, 12, 1))
    g.created_on, g.closed_on = date(2025, 4, 1), date(2025, 7, 1)
    fko(session, g, "status", date(2025, 7, 10), 2)  # due 1 Jul, the day it closed
    session.commit()
    doc = compute(session, P, min_cell=1, today=date(2026, 11, 23))["documentation"]
    # 1 Apr: late; 1 Jul: on time; 1 Oct and the final: closed before them.
    assert (doc["n"], doc["on_time"]) == (2, 1)


def instruments_rem():
    return instruments.get("REM").item_ids
