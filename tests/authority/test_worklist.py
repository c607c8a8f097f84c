"""Myndighed's worklist, /myndighed: each section's rule on constructed data (the lines it
takes and the ones just outside it), only her referred citizens, the page and who may see
it, and the access log of every citizen it names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bostotte.audit.models import AccessLog
from bostotte.auth.models import Role, User
from bostotte.auth.permissions import home_endpoint, menu
from bostotte.authority.services import months_gone, worklist
from bostotte.citizens.models import Citizen, Plan
from bostotte.common.time import add_months, local_today
from bostotte.goals.models import Goal
from tests import factories as make
from tests.stats.helpers import fko


@dataclass
class Cast:
    me: User
    other: User  # another myndighed
    worker: User
    citizens: dict[str, Citizen]
    goals: dict[str, Goal]
    plans: dict[str, Plan]


def _citizen(session, team, me, name, **kw) -> Citizen:  # type: ignore[no-untyped-def]
    return make.citizen(session, team, display_name=name, caseworker_id=me.id, **kw)


def _plan(session, c, start, end, basis="§85", used=None, granted=None) -> Plan:  # type: ignore[no-untyped-def]
    plan = make.plan(session, c, start, end, legal_basis=basis)
    if used is not None:
        plan.sessions_used = used
    if granted is not None:
        plan.sessions_granted = granted
    return plan


@pytest.fixture()
def cast(w, session) -> Cast:
    me, other, worker, team = w.authority, make.user(session, Role.AUTHORITY), w.w1, w.t1
    w.p1.status = "closed"  # her citizen 1's plan: out of the way
    far = local_today() + timedelta(days=200)
    year_ago = local_today() - timedelta(days=100)
    cs: dict[str, Citizen] = {}
    gs: dict[str, Goal] = {}
    ps: dict[str, Plan] = {}

    def goal(key: str, plan: Plan, **kw) -> Goal:  # type: ignore[no-untyped-def]
        gs[key] = make.goal(session, worker, plan, target_date=kw.pop("target_date", far), **kw)
        return gs[key]

    # FKO: one goal with nothing, one with a baseline only, one complete (not listed)
    cs["fko"] = _citizen(session, team, me, "Anna FKO")
    ps["fko"] = _plan(session, cs["fko"], year_ago, far)
    goal("none", ps["fko"])
    fko(session, goal("baseline only", ps["fko"]), "baseline", year_ago, 3)
    fko(session, done := goal("complete", ps["fko"]), "baseline", year_ago, 3)
    fko(session, done, "target", year_ago, 1)
    # a citizen who does not use FKO is not asked for it
    cs["no fko"] = _citizen(session, team, me, "Bent uden FKO", uses_fko=False)
    goal("no fko", _plan(session, cs["no fko"], year_ago, far))
    # plans ending: today and in 30 days are in, in 31 days is not
    for key, days in (("ends today", 0), ("ends in 30", 30), ("ends in 31", 31)):
        cs[key] = _citizen(session, team, me, f"Plan {key}", uses_fko=False)
        ps[key] = _plan(session, cs[key], year_ago, local_today() + timedelta(days=days))
    # § 82 b: 8 of 10 and 18 of 20 sessions are near, 7 of 10 and 17 of 20 not; 5 months
    # gone is near, a day less is not
    recent = local_today() - timedelta(days=20)
    for key, used, granted, start in (
        ("8 of 10", 8, 10, recent),
        ("7 of 10", 7, 10, recent),
        ("18 of 20", 18, 20, recent),
        ("17 of 20", 17, 20, recent),
        ("5 months", 0, 10, add_months(local_today(), -5)),
        ("under 5 months", 0, 10, add_months(local_today(), -5) + timedelta(days=1)),
    ):
        cs[key] = _citizen(session, team, me, f"Forløb {key}", legal_basis="§82b", uses_fko=False)
        ps[key] = _plan(
            session, cs[key], start, add_months(start, 6), "§82b", used=used, granted=granted
        )
    # § 141 follow-up: a goal past its date, one due today (not yet), a closed one past its
    # date (done), and a plan past its end that is still active
    cs["follow"] = _citizen(session, team, me, "Cecilie Opfølgning", uses_fko=False)
    ps["follow"] = _plan(session, cs["follow"], year_ago, far)
    goal("past", ps["follow"], target_date=local_today() - timedelta(days=1))
    goal("due today", ps["follow"], target_date=local_today())
    goal("closed", ps["follow"], target_date=local_today() - timedelta(days=5)).status = "achieved"
    cs["expired"] = _citizen(session, team, me, "Dorte Udløbet", uses_fko=False)
    ps["expired"] = _plan(session, cs["expired"], year_ago, local_today() - timedelta(days=3))
    # another myndighed's citizen with everything to do, and a closed plan of mine
    cs["not mine"] = _citizen(session, team, other, "Ikke min")
    goal("not mine", _plan(session, cs["not mine"], year_ago, local_today()), target_date=year_ago)
    cs["closed plan"] = _citizen(session, team, me, "Lukket plan")
    closed = _plan(session, cs["closed plan"], year_ago, local_today() + timedelta(days=3))
    goal("in closed plan", closed, target_date=year_ago)
    closed.status = "closed"
    session.commit()
    return Cast(me, other, worker, cs, gs, ps)


def _sections(cast: Cast):  # type: ignore[no-untyped-def]
    from bostotte.extensions import db  # noqa: PLC0415

    return {s.key: s for s in worklist(db.session, cast.me, local_today()).sections}


def test_goals_without_baseline_or_target_are_listed_with_what_is_missing(cast):
    lines = _sections(cast)["fko"].lines
    assert [(line.goal_id, line.missing) for line in lines] == [
        (cast.goals["none"].id, ("baseline", "target")),
        (cast.goals["baseline only"].id, ("target",)),
    ]
    assert lines[0].name == "Anna FKO"


def test_plans_ending_within_30_days(cast):
    lines = _sections(cast)["udloeber"].lines
    ids = [line.citizen_id for line in lines]
    assert ids == [cast.citizens["ends today"].id, cast.citizens["ends in 30"].id]
    assert [line.days for line in lines] == [0, 30]


def test_82b_near_ten_sessions_or_six_months(cast):
    lines = _sections(cast)["82b"].lines
    names = {line.name for line in lines}
    assert names == {"Forløb 8 of 10", "Forløb 18 of 20", "Forløb 5 months"}
    by_name = {line.name: line for line in lines}
    eight = by_name["Forløb 8 of 10"]
    assert (eight.sessions_used, eight.sessions_granted) == (8, 10)
    assert by_name["Forløb 5 months"].months_gone == 5


def test_months_gone_reads_as_the_query_does():
    assert months_gone(date(2026, 1, 30), date(2026, 6, 30)) == 5  # 30 June - 5 = 30 Jan
    assert months_gone(date(2026, 1, 31), date(2026, 6, 30)) == 4  # ... after 30 Jan
    assert months_gone(date(2026, 1, 31), date(2026, 7, 1)) == 5
    assert months_gone(date(2026, 6, 1), date(2026, 6, 1)) == 0
    assert months_gone(date(2025, 12, 15), date(2026, 5, 15)) == 5


def test_follow_up_waits_for_goals_past_their_date_and_plans_past_their_end(cast):
    lines = _sections(cast)["opfoelgning"].lines
    assert [(line.citizen_id, line.goal_id) for line in lines] == [
        (cast.citizens["expired"].id, None),  # 3 days overdue first
        (cast.citizens["follow"].id, cast.goals["past"].id),
    ]
    assert [line.days for line in lines] == [-3, -1]


def test_only_her_referred_citizens_and_their_active_plans(cast):
    named = {line.citizen_id for s in _sections(cast).values() for line in s.lines}
    assert cast.citizens["not mine"].id not in named
    assert cast.citizens["closed plan"].id not in named
    assert cast.citizens["no fko"].id not in named


def test_the_page_shows_the_sections_with_counts_and_links(cast, login_as):
    response = login_as(cast.me).get("/myndighed")
    assert response.status_code == 200
    html = response.data.decode()
    for heading, count in (
        ("Mangler FKO-baseline eller\u00a0-mål", 2),
        ("Plan udløber inden for 30 dage", 2),
        ("§\u00a082\u00a0b-forløb nær 10 samtaler eller 6 måneder", 3),
        ("Mål der venter på opfølgning (§\u00a0141)", 2),
    ):
        assert f'{heading} <span class="text-muted">({count})</span>' in html, heading
    # the rules are stated on the page
    assert "højst 2 bevilgede samtaler" in html and "mindst 5 af de 6 måneder" in html
    assert "måldato er passeret" in html
    # every line links to the citizen; the missing FKO occasions to their form
    for key in ("fko", "ends today", "8 of 10", "follow", "expired"):
        assert f'href="/borgere/{cast.citizens[key].id}"' in html, key
    g = cast.goals["none"]
    assert f"/borgere/{g.citizen_id}/scoringer/FKO/ny?goal={g.id}&amp;occasion=baseline" in html
    assert "Ikke min" not in html


def test_every_citizen_named_is_logged_as_read(cast, login_as, session):
    assert login_as(cast.me).get("/myndighed").status_code == 200
    logged = set(
        session.scalars(
            select(AccessLog.citizen_id).where(
                AccessLog.actor_id == cast.me.id, AccessLog.what == "arbejdsliste"
            )
        )
    )
    expected = {
        cast.citizens[k].id
        for k in ("fko", "ends today", "ends in 30", "8 of 10", "18 of 20", "5 months")
    } | {cast.citizens["follow"].id, cast.citizens["expired"].id}
    assert logged == expected


@pytest.mark.parametrize("who", ["w1", "leader", "admin", "borger"])
def test_only_myndighed_gets_in(w, login_as, who):
    assert login_as(getattr(w, who)).get("/myndighed").status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/myndighed")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_empty_list_says_so(w, login_as):
    html = login_as(w.authority).get("/myndighed").data.decode()
    assert "Ingen § 82 b-forløb er tæt på grænsen." in html
    assert "Ingen mål eller planer venter på opfølgning." in html


def test_she_lands_on_it_and_has_it_in_her_menu(w, app):
    with app.test_request_context():
        assert home_endpoint(w.authority) == "authority.index"
        assert [e.label for e in menu(w.authority)] == ["Arbejdsliste", "Borgere", "Statistik"]
        assert "Arbejdsliste" not in [e.label for e in menu(w.w1)]
