"""The engine's additions for the leader's dashboard: a scope (teams, theme), the trend per
quarter, last period, documentation per worker, and everything together in dashboard()."""

from datetime import date

import pytest

from bostotte.auth.models import Role
from bostotte.stats import services
from bostotte.stats.queries import Period, Scope
from tests import factories as make
from tests.stats import bulk
from tests.stats.helpers import fko

P = Period(date(2026, 1, 1), date(2026, 11, 23))
TODAY = date(2026, 11, 23)


@pytest.fixture()
def two_teams(session):
    nord, syd = make.team(session, "Team Nord"), make.team(session, "Team Syd")
    anna = make.user(session, Role.WORKER, [nord], name="Anna Worker")
    bo = make.user(session, Role.WORKER, [syd], name="Bo Worker")
    session.commit()
    bulk.add(session, bulk.Spec(nord.id, 12, anna.id, status=2))  # all improved
    bulk.add(session, bulk.Spec(syd.id, 8, bo.id, status=4))  # all worse
    return nord, syd, anna, bo


def test_a_team_scope_gives_that_teams_numbers(session, two_teams):
    nord, syd, _, _ = two_teams
    by_team = services.compute(session, P, by="team", today=TODAY)["by"]["groups"]
    for team in (nord, syd):
        scoped = services.compute(session, P, today=TODAY, scope=Scope((team.id,)))
        for measure in ("fko", "ors", "rem", "documentation"):
            assert scoped[measure] == by_team[team.name][measure]
    nord_only = services.compute(session, P, today=TODAY, scope=Scope((nord.id,)))
    assert nord_only["fko"]["total"]["n"] == 12
    assert nord_only["fko"]["total"]["maintained_or_improved"] == 12
    syd_only = services.compute(session, P, today=TODAY, scope=Scope((syd.id,)))
    assert syd_only["fko"]["total"]["maintained_or_improved"] == 0
    # a leader of no team sees nothing, not everything
    assert services.compute(session, P, today=TODAY, scope=Scope(()))["fko"]["total"] == {
        "n": None,
        "suppressed": True,
    }


def test_a_theme_scope_counts_as_the_theme_breakdown(session, two_teams):
    by_theme = services.compute(session, P, by="theme", today=TODAY)["by"]["groups"]
    scoped = services.compute(session, P, today=TODAY, scope=Scope(None, "mestring"))
    assert scoped["fko"]["total"] == by_theme["mestring"]["fko"]["total"]
    assert scoped["ors"] == by_theme["mestring"]["ors"]
    assert scoped["documentation"] == by_theme["mestring"]["documentation"]
    # 20 citizens, themes in turn: 3 + 2 mestring goals
    assert scoped["fko"]["total"]["n"] == 5
    assert scoped["fko"]["by_theme"]["sundhed"] == {"n": None, "suppressed": True}


def test_each_quarter_of_the_trend_is_that_quarter_as_a_period(session):
    team = make.team(session)
    worker = make.user(session, Role.WORKER, [team])
    c = make.citizen(session, team)
    plan = make.plan(session, c, start=date(2024, 1, 1), end=date(2026, 12, 31))
    goals = [make.goal(session, worker, plan, theme="mestring") for _ in range(3)]
    others = []
    for _ in range(3):
        other = make.citizen(session, team)
        p = make.plan(session, other, start=date(2024, 1, 1), end=date(2026, 12, 31))
        others += [make.goal(session, worker, p, theme=t) for t in ("mestring", "sundhed")]
    for k, g in enumerate(goals + others):
        fko(session, g, "baseline", date(2024, 1, 1), 2)
        fko(session, g, "status", date(2025, 2, 1), 1 + k % 3)  # Q1 2025
        fko(session, g, "status", date(2025, 3, 31), 2)  # later in Q1: wins
        if k % 2:
            fko(session, g, "final", date(2025, 5, 1), 4)  # Q2: only half of them
        fko(session, g, "status", date(2025, 6, 30), 1)  # Q2, loses to the final
    session.commit()

    quarters = services.quarters_until(date(2025, 8, 15), 4)
    assert quarters == [(2024, 4), (2025, 1), (2025, 2), (2025, 3)]
    trend = services.fko_trend(session, quarters, min_cell=1)
    for q in trend:
        alone = services.compute(session, services.quarter_period(q["quarter"]), min_cell=1)
        assert q["total"] == alone["fko"]["total"]
        assert q["by_theme"] == {
            t: {k: v for k, v in c.items() if k != "target"}
            for t, c in alone["fko"]["by_theme"].items()
        }
    q1, q2 = trend[1]["total"], trend[2]["total"]
    assert (q1["n"], q1["maintained_or_improved"]) == (9, 9)
    assert (q2["n"], q2["maintained_or_improved"]) == (9, 5)  # 4 finals at 4 are worse
    assert trend[0]["total"] == {"n": None, "suppressed": True}


def test_quarter_arithmetic():
    assert services.quarters_until(date(2026, 1, 1), 3) == [(2025, 3), (2025, 4), (2026, 1)]
    assert services.quarter_period((2025, 4)) == Period(date(2025, 10, 1), date(2025, 12, 31))
    assert services.quarter_period((2024, 1)) == Period(date(2024, 1, 1), date(2024, 3, 31))


def test_previous_period():
    ytd = Period(date(2026, 1, 1), date(2026, 11, 23))
    assert services.previous_period(ytd) == Period(date(2025, 1, 1), date(2025, 11, 23))
    leap = Period(date(2024, 1, 1), date(2024, 12, 31))
    assert services.previous_period(leap) == Period(date(2023, 1, 1), date(2023, 12, 31))
    assert services.previous_period(Period(date(2024, 2, 29), date(2024, 5, 31))) == Period(
        date(2023, 2, 28), date(2023, 5, 31)
    )
    agreement = Period(date(2019, 1, 1), date(2020, 12, 31))  # seed 001's two years
    assert services.previous_period(agreement) == Period(date(2017, 1, 1), date(2018, 12, 31))


def test_documentation_per_worker_counts_late_scorings_by_kind(session, two_teams):
    _, _, anna, bo = two_teams
    workers = services.documentation_by_worker(session, P, today=TODAY)
    assert [w["name"] for w in workers] == ["Anna Worker", "Bo Worker"]
    anna_row = workers[0]
    # plan from 1 Jan 2025: in 2026 FKO statuses fall due 1 Jan, 1 Apr, 1 Jul, 1 Oct; the
    # one status (1 Apr 2026) is on time, the three others are missing.
    assert anna_row["documentation"]["n"] == 12 * 4
    assert anna_row["documentation"]["on_time"] == 12
    assert anna_row["late"] == {"fko_status": 36}
    assert workers[1]["documentation"]["n"] == 8 * 4
    by_team = services.compute(session, P, by="team", today=TODAY)["by"]["groups"]
    assert by_team["Team Nord"]["documentation"]["n"] == anna_row["documentation"]["n"]


def test_a_worker_with_few_due_scorings_is_hidden_and_so_is_her_smallest_colleague(session):
    team = make.team(session, "Team Nord")
    small, mid, big = (
        make.user(session, Role.WORKER, [team], name=n) for n in ("Ane", "Bent", "Carl")
    )
    session.commit()
    bulk.add(session, bulk.Spec(team.id, 1, small.id))  # 4 due scorings: < 5
    bulk.add(session, bulk.Spec(team.id, 2, mid.id))  # 8
    bulk.add(session, bulk.Spec(team.id, 3, big.id))  # 12
    bulk.add(session, bulk.Spec(team.id, 2, None))  # no contact person: 8
    workers = {w["name"]: w for w in services.documentation_by_worker(session, P, today=TODAY)}
    assert workers["Ane"] == {
        "worker_id": small.id,
        "name": "Ane",
        "late": {},
        "documentation": {"n": None, "suppressed": True},
    }
    hidden = [n for n, w in workers.items() if w["documentation"].get("suppressed")]
    assert sorted(hidden) == ["Ane", "Bent"] or sorted(hidden) == ["Ane", "Ingen kontaktperson"]
    assert workers["Carl"]["documentation"]["n"] == 12
    assert list(workers)[-1] == "Ingen kontaktperson"


def test_dashboard_has_every_part_in_a_fixed_number_of_queries(session, two_teams, count_queries):
    scope = Scope((two_teams[0].id,))
    with count_queries() as statements:
        dash = services.dashboard(session, P, today=TODAY, scope=scope)
    assert len(statements) == 13  # 9, and 4 for the pedagogical methods (not crossed)
    assert dash["previous_period"] == Period(date(2025, 1, 1), date(2025, 11, 23))
    assert len(dash["trend"]) == services.TREND_QUARTERS
    assert dash["trend"][-1]["quarter"] == (2026, 4)
    assert set(dash["breakdowns"]) == set(services.BREAKDOWNS)
    for by in services.BREAKDOWNS:  # all of them in one go = each on its own
        assert (
            dash["breakdowns"][by]
            == services.compute(session, P, by=by, today=TODAY, scope=scope)["by"]
        )
    assert list(dash["breakdowns"]["team"]["groups"]) == ["Team Nord"]
    assert [w["name"] for w in dash["workers"]] == ["Anna Worker"]
    rows = services.dashboard_rows(dash)
    first = rows[0]
    assert (first["measure"], first["dimension"], first["key"], first["n"]) == (
        "fko",
        "",
        "total",
        12,
    )
    # the rows go to the socialudvalg: none per worker, though the page has them
    # (no delmål in this data: no pedagogical method to count under)
    dimensions = {"", *services.BREAKDOWNS, "previous", "quarter"} - {"pedagogy"}
    assert {r["dimension"] for r in rows} == dimensions
