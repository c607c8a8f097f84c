"""Every route bound to a citizen, attacked the same ways (flaskr's parametrised protection
tests): anonymous gets the login page; a role that may never do this gets 403; a citizen
outside the user's scope, one that does not exist, and another citizen's record under her
id get 404 (auth/permissions.py's docstring). A route added without a line here fails
`test_every_citizen_route_is_listed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import pytest

from bostotte.auth.models import Role, User
from bostotte.auth.services import set_setting
from bostotte.goals.models import Goal, SubGoal
from bostotte.portal.models import ScoringDecline
from bostotte.portal.services import decline
from bostotte.scoring.models import Scoring
from bostotte.scoring.services import record_scoring
from tests import factories as make
from tests.conftest import TODAY

ORS = {"individuelt": 5, "interpersonelt": 6, "socialt": 7, "generelt": 8}
NO_SUCH_CITIZEN = 999_999


@dataclass
class RouteWorld(make.World):
    """Each citizen with a goal, a delmål, an ORS scoring and a declined instrument, so every
    route has a record of her own and one of the other citizen to try."""

    borger2: User
    g1: Goal
    s1: SubGoal
    sc1: Scoring
    d1: ScoringDecline
    g2: Goal
    s2: SubGoal
    sc2: Scoring
    d2: ScoringDecline


def _records(session, worker, citizen, plan, login):  # type: ignore[no-untyped-def]
    goal = make.goal(session, worker, plan)
    subgoal = make.subgoal(session, goal)
    scoring = record_scoring(
        session,
        worker,
        citizen,
        "ORS",
        {"scored_on": date(2026, 3, 1), "participation": "together"},
        ORS,
        today=TODAY,
    )
    declined = decline(session, login, citizen, "REM", None)
    return goal, subgoal, scoring, declined


def route_world(session, w: make.World) -> RouteWorld:  # type: ignore[no-untyped-def]
    """The cast with each citizen's records (shared with tests/hardening/test_route_matrix.py,
    which builds it once per module)."""
    borger2 = make.user(session, Role.CITIZEN, citizen_id=w.c2.id)
    g1, s1, sc1, d1 = _records(session, w.w1, w.c1, w.p1, w.borger)
    g2, s2, sc2, d2 = _records(session, w.w2, w.c2, w.c2.active_plan, borger2)
    session.commit()
    return RouteWorld(
        **vars(w), borger2=borger2, g1=g1, s1=s1, sc1=sc1, d1=d1, g2=g2, s2=s2, sc2=sc2, d2=d2
    )


@pytest.fixture()
def w(w, session):
    return route_world(session, w)


class Route(NamedTuple):
    endpoint: str
    method: str
    path: str  # {c}: the citizen; {p} {g} {s} {sc}: her plan, goal, delmål, scoring
    may: frozenset[str]  # who of the world may (the others get 403)
    # The leader reads it too when the municipality lets leaders read their teams' records
    # (the setting leader_reads_records, off by default: then she gets 403 like the others).
    leader_if_allowed: bool = False

    def url(self, w: RouteWorld, citizen: int | None = None, *, other: bool = False) -> str:
        """The route for citizen 1 (or `citizen`), with her records or, `other`, with
        citizen 2's."""
        n = "2" if other else "1"
        plan = w.c2.active_plan if other else w.p1
        return self.path.format(
            c=w.c1.id if citizen is None else citizen,
            p=plan.id,
            g=getattr(w, "g" + n).id,
            s=getattr(w, "s" + n).id,
            sc=getattr(w, "sc" + n).id,
        )

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


READERS = frozenset({"w1", "authority"})
EDITORS = frozenset({"w1", "authority"})
WORKER = frozenset({"w1"})
STAFF_ROUTES = [
    Route("citizens.show", "GET", "/borgere/{c}", READERS, leader_if_allowed=True),
    Route("citizens.edit", "GET", "/borgere/{c}/rediger", EDITORS),
    Route("citizens.edit", "POST", "/borgere/{c}/rediger", EDITORS),
    Route("citizens.new_plan", "GET", "/borgere/{c}/plan/ny", EDITORS),
    Route("citizens.new_plan", "POST", "/borgere/{c}/plan/ny", EDITORS),
    # A § 82 b forløb's sessions are counted and extended by the provider (no visitation).
    Route("citizens.plan_action", "POST", "/borgere/{c}/plan/{p}/samtale", WORKER),
    Route("citizens.plan_action", "POST", "/borgere/{c}/plan/{p}/forlaeng", WORKER),
    Route("citizens.plan_action", "POST", "/borgere/{c}/plan/{p}/afslut", EDITORS),
    Route("goals.new_goal", "GET", "/borgere/{c}/maal/ny", EDITORS),
    Route("goals.new_goal", "POST", "/borgere/{c}/maal/ny", EDITORS),
    Route("goals.edit_goal", "GET", "/borgere/{c}/maal/{g}/rediger", EDITORS),
    Route("goals.edit_goal", "POST", "/borgere/{c}/maal/{g}/rediger", EDITORS),
    Route("goals.close_goal", "GET", "/borgere/{c}/maal/{g}/afslut", EDITORS),
    Route("goals.close_goal", "POST", "/borgere/{c}/maal/{g}/afslut", EDITORS),
    Route("goals.reopen_goal", "POST", "/borgere/{c}/maal/{g}/genaabn", EDITORS),
    Route(
        "goals.goal_history",
        "GET",
        "/borgere/{c}/maal/{g}/historik",
        READERS,
        leader_if_allowed=True,
    ),
    # Myndighed sets the goals; delmål and their notes are the worker's steps towards them.
    Route("goals.new_subgoal", "GET", "/borgere/{c}/maal/{g}/delmaal/ny", WORKER),
    Route("goals.new_subgoal", "POST", "/borgere/{c}/maal/{g}/delmaal/ny", WORKER),
    Route("goals.edit_subgoal", "GET", "/borgere/{c}/delmaal/{s}/rediger", WORKER),
    Route("goals.edit_subgoal", "POST", "/borgere/{c}/delmaal/{s}/rediger", WORKER),
    Route("goals.add_note", "GET", "/borgere/{c}/delmaal/{s}/note", WORKER),
    Route("goals.add_note", "POST", "/borgere/{c}/delmaal/{s}/note", WORKER),
    # ORS is recorded by the worker (and the citizen on her own pages), never by myndighed.
    Route("scoring.new", "GET", "/borgere/{c}/scoringer/ORS/ny", WORKER),
    Route("scoring.new", "POST", "/borgere/{c}/scoringer/ORS/ny", WORKER),
    Route("scoring.show", "GET", "/borgere/{c}/scoringer/{sc}", READERS, leader_if_allowed=True),
    Route("scoring.edit", "GET", "/borgere/{c}/scoringer/{sc}/rediger", WORKER),
    Route("scoring.edit", "POST", "/borgere/{c}/scoringer/{sc}/rediger", WORKER),
    # The quarter's FKO status: the worker's occasion (myndighed sets baseline and target).
    Route("scoring.quarter", "GET", "/borgere/{c}/kvartal", WORKER),
    Route("scoring.quarter", "POST", "/borgere/{c}/kvartal", WORKER),
    # The rhythm drives the worker's reminders: hers to agree with the citizen.
    Route("citizens.rhythm_form", "GET", "/borgere/{c}/rytme", WORKER),
    Route("citizens.rhythm_form", "POST", "/borgere/{c}/rytme", WORKER),
    # A session's ORS and SRS in one flow: the worker's (myndighed records neither).
    Route("scoring.samtale", "GET", "/borgere/{c}/samtale", WORKER),
    Route("scoring.samtale", "POST", "/borgere/{c}/samtale", WORKER),
    Route("scoring.samtale_graph", "GET", "/borgere/{c}/samtale/graf", WORKER),
    Route("invitations.invite", "GET", "/borgere/{c}/invitation", WORKER),
    Route("invitations.invite", "POST", "/borgere/{c}/invitation", WORKER),
    Route("reminders.mark_seen", "POST", "/opgaver/signaler/{c}", WORKER),
]
# The citizen's own pages: she is bound by her login, so her records are the only ones.
PORTAL_ROUTES = [
    Route("portal.index", "GET", "/mig", frozenset()),
    Route("portal.seen", "GET", "/mig/hvem-har-set", frozenset()),
    Route("portal.scorings", "GET", "/mig/maalinger", frozenset()),
    Route("portal.scoring", "GET", "/mig/maalinger/{sc}", frozenset()),
    Route("portal.scoring", "POST", "/mig/maalinger/{sc}", frozenset()),
    Route("portal.my_data", "GET", "/mig/mine-data", frozenset()),
    Route("portal.my_data_json", "GET", "/mig/mine-data.json", frozenset()),
    Route("portal.my_data_pdf", "GET", "/mig/mine-data.pdf", frozenset()),
    Route("portal.decline", "GET", "/mig/nej-tak", frozenset()),
    Route("portal.decline", "POST", "/mig/nej-tak", frozenset()),
    Route("portal.withdraw", "POST", "/mig/nej-tak/{d}/fortryd", frozenset()),
    Route("portal.fill", "GET", "/mig/udfyld/ORS", frozenset()),
    Route("portal.fill", "POST", "/mig/udfyld/ORS", frozenset()),
]
# w2 is a worker too, but of the other team: test_a_citizen_outside_her_scope_… tries her.
ROLES = ("w1", "leader", "authority", "admin", "borger")
WITH_RECORD = [r for r in STAFF_ROUTES if "{" in r.path.replace("{c}", "")]
OWN_RECORD = [r for r in PORTAL_ROUTES if "{" in r.path]


def _send(client, route: Route, url: str):  # type: ignore[no-untyped-def]
    return client.get(url) if route.method == "GET" else client.post(url, data={})


def _portal_url(route: Route, w: RouteWorld, *, other: bool = False) -> str:
    n = "2" if other else "1"
    return route.path.format(sc=getattr(w, "sc" + n).id, d=getattr(w, "d" + n).id)


def test_every_citizen_route_is_listed(app):
    bound = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if ("citizen_id" in rule.arguments or rule.rule.startswith("/mig"))
        # The API's routes have their own matrix (tests/api/test_access.py).
        and not rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
        if rule.endpoint != "portal.static"
    }
    assert bound == {(r.endpoint, r.method) for r in STAFF_ROUTES + PORTAL_ROUTES}


@pytest.mark.parametrize("route", STAFF_ROUTES + PORTAL_ROUTES, ids=str)
def test_anonymous_gets_the_login_page(route, w, client):
    url = route.url(w) if route in STAFF_ROUTES else _portal_url(route, w)
    response = _send(client, route, url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("route", STAFF_ROUTES, ids=str)
@pytest.mark.parametrize("who", ROLES)
def test_a_role_that_may_not_gets_403_and_one_that_may_gets_in(route, who, w, login_as):
    status = _send(login_as(getattr(w, who)), route, route.url(w)).status_code
    if who in route.may:
        assert status in (200, 302, 400, 422), status  # a page, a redirect or a form's errors
    else:
        assert status == 403


@pytest.mark.parametrize("route", STAFF_ROUTES, ids=str)
def test_a_leader_the_municipality_lets_read_gets_the_reading_routes_only(
    route, w, session, login_as
):
    set_setting(session, "leader_reads_records", True)
    session.commit()
    status = _send(login_as(w.leader), route, route.url(w)).status_code
    if route.leader_if_allowed:
        assert status == 200
        assert _send(login_as(w.leader), route, route.url(w, w.c2.id)).status_code == 404
    else:
        assert status == 403


@pytest.mark.parametrize("route", STAFF_ROUTES, ids=str)
def test_a_citizen_outside_her_scope_or_not_there_is_404(route, w, login_as):
    assert _send(login_as(w.w2), route, route.url(w)).status_code == 404
    assert _send(login_as(w.w1), route, route.url(w, NO_SUCH_CITIZEN)).status_code == 404
    if "authority" in route.may:  # myndighed sees only the citizens she referred
        assert _send(login_as(w.authority), route, route.url(w, w.c2.id)).status_code == 404


@pytest.mark.parametrize("route", WITH_RECORD, ids=str)
def test_another_citizens_record_under_her_id_is_404(route, w, login_as):
    assert _send(login_as(w.w1), route, route.url(w, other=True)).status_code == 404


@pytest.mark.parametrize("route", PORTAL_ROUTES, ids=str)
@pytest.mark.parametrize("who", ("w1", "leader", "authority", "admin"))
def test_staff_get_403_on_the_citizens_own_pages(route, who, w, login_as):
    assert _send(login_as(getattr(w, who)), route, _portal_url(route, w)).status_code == 403


@pytest.mark.parametrize("route", PORTAL_ROUTES, ids=str)
def test_the_citizen_gets_her_own_pages(route, w, login_as):
    status = _send(login_as(w.borger), route, _portal_url(route, w)).status_code
    assert status in (200, 302, 400, 422), status


@pytest.mark.parametrize("route", OWN_RECORD, ids=str)
def test_another_citizens_record_on_her_pages_is_404(route, w, login_as):
    assert _send(login_as(w.borger), route, _portal_url(route, w, other=True)).status_code == 404


@pytest.mark.parametrize("route", STAFF_ROUTES, ids=str)
def test_an_id_beyond_any_id_column_is_404(route, w, login_as):
    """PostgreSQL's INTEGER ends at 2**31 - 1; a larger id in a URL names no record."""
    client = login_as(w.w1)
    for too_big in (2**31, 2**63):
        url = route.path.format(c=too_big, p=too_big, g=too_big, s=too_big, sc=too_big)
        assert _send(client, route, url).status_code == 404, url
