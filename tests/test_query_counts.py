"""The worker's three busiest pages send a fixed number of queries: the same at 40 and at 400
citizens (Mine opgaver: at 40 and 250, with reminders, signals and the citizens' comments),
and the citizen page the same whatever her own history. Each pin is exact, so a
change that adds a query per row (or any query) shows here and is a decision, not an accident.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bostotte.auth.models import Role
from bostotte.goals.services import add_note
from bostotte.scoring.services import record_scoring
from tests import factories as make
from tests.reminders.caseload import caseload as reminders_caseload

TODAY = date(2026, 11, 23)

# The pins. The citizen page: the user, the citizen, the user's teams and the access-log row
# (4); plans with goals, delmål, notes and their authors (5); scorings with who scored, items
# and revisions (4); her voice (2); her latest invitation and her login (2). Mine borgere:
# the user, the citizens with team, plans and goals (3), the last and first/last scorings
# (2), the team filter (1) and the access-log rows of the listed citizens (1); the signals
# seen are read only when there is a signal, and this caseload has none (its goals past
# their date were signals until issue 20; they are reminders on Mine opgaver now).
# Mine opgaver: the user, the citizens with team, plans and goals (3), the open reminders
# with their goal or delmål (1), the scorings (1), the citizens' comments and declines (2),
# the signals seen and who saw them (2), the access-log rows of the page's citizens (1).
# citizen page: one query for the data version of the expected curves (bostotte.progress),
# one for the municipality's names of the delmål methods (goals.methods, once a request)
PINS = {"citizen page": 19, "Mine borgere": 8, "Mine opgaver": 11}


def _citizen_with_history(session, worker, team, goals: int) -> int:
    citizen = make.citizen(session, team, primary_worker_id=worker.id)
    plan = make.plan(session, citizen)
    for _ in range(goals):
        goal = make.goal(session, worker, plan)
        for _ in range(2):
            subgoal = make.subgoal(session, goal)
            add_note(
                session, worker, subgoal, {"text": "Det gik godt", "noted_on": TODAY}, today=TODAY
            )
    for k in range(3):
        record_scoring(
            session,
            worker,
            citizen,
            "ORS",
            {"scored_on": TODAY - timedelta(days=30 * k), "participation": "together"},
            {"individuelt": 5, "interpersonelt": 6, "socialt": 6, "generelt": 7},
            today=TODAY,
        )
    return citizen.id


@pytest.fixture(params=[40, 400], ids=["40 citizens", "400 citizens"])
def caseload(request, session):
    team = make.team(session)
    worker = make.user(session, Role.WORKER, [team])
    ids = [
        _citizen_with_history(session, worker, team, goals=1 + k % 3) for k in range(request.param)
    ]
    session.commit()
    return worker, ids


def _queries(login_as, count_queries, user, url: str) -> int:
    client = login_as(user)
    client.get(url)  # warm up: the login and the instrument files
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_the_citizen_page_is_pinned(caseload, login_as, count_queries):
    worker, ids = caseload
    one_goal, three_goals = ids[0], ids[2]
    assert _queries(login_as, count_queries, worker, f"/borgere/{one_goal}") == PINS["citizen page"]
    assert (
        _queries(login_as, count_queries, worker, f"/borgere/{three_goals}") == PINS["citizen page"]
    )


def test_mine_borgere_is_pinned(caseload, login_as, count_queries):
    worker, _ids = caseload
    assert _queries(login_as, count_queries, worker, "/borgere") == PINS["Mine borgere"]


@pytest.mark.parametrize("size", [40, 250], ids=["40 citizens", "250 citizens"])
def test_mine_opgaver_is_pinned(size, session, login_as, count_queries):
    """A caseload with reminders, signals (some seen) and the citizens' comments and no's."""
    worker = reminders_caseload(session, size)
    for url in ("/opgaver", "/opgaver?alle=1", "/opgaver?side=2"):
        assert _queries(login_as, count_queries, worker, url) == PINS["Mine opgaver"], url


# Myndighed's worklist: the user (1), one query per section (4) and the access-log rows of
# the citizens it names (1).
WORKLIST_PIN = 6


@pytest.fixture(params=[40, 250], ids=["40 referred", "250 referred"])
def referrals(request, session):
    """Citizens she referred, every one on her list: goals without a baseline, a goal past
    its date, and every third a § 82 b forløb near its end."""
    team = make.team(session)
    worker = make.user(session, Role.WORKER, [team])
    me = make.user(session, Role.AUTHORITY)
    for k in range(request.param):
        basis = "§82b" if k % 3 == 0 else "§85"
        citizen = make.citizen(session, team, caseworker_id=me.id, legal_basis=basis)
        start = TODAY - timedelta(days=160)
        plan = make.plan(session, citizen, start, start + timedelta(days=180), legal_basis=basis)
        for _ in range(1 + k % 3):
            make.goal(session, worker, plan, target_date=TODAY - timedelta(days=1 + k % 5))
    session.commit()
    return me


def test_the_worklist_is_pinned(referrals, login_as, count_queries):
    assert _queries(login_as, count_queries, referrals, "/myndighed") == WORKLIST_PIN
