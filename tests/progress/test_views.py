"""Expected progress on constructed histories: the band on her chart (29 courses: none, 30:
shown), the numbers against a plain-Python reference, the "ikke på sporet" list, who sees it,
and its reads in the access log."""

from __future__ import annotations

import statistics
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bostotte.audit.models import AccessLog
from bostotte.auth.models import Role
from bostotte.auth.services import set_setting
from bostotte.progress import services
from bostotte.progress.bands import MIN_COURSES, TOO_FEW
from bostotte.scoring.models import Scoring, ScoringItem
from tests import factories as make

START = date(2025, 1, 6)
TODAY = make.TODAY


@pytest.fixture(autouse=True)
def fresh_norms():  # type: ignore[no-untyped-def]
    services.kept.clear()
    yield
    services.kept.clear()


def ors(session, citizen, totals, start=START):  # type: ignore[no-untyped-def]
    """Her ORS sessions a fortnight apart, each total spread evenly over the four items."""
    for k, total in enumerate(totals):
        scoring = Scoring(
            citizen_id=citizen.id,
            instrument="ORS",
            instrument_version="1",
            scored_on=start + timedelta(days=14 * k),
            total=total,
        )
        scoring.items = [
            ScoringItem(item=item, position=i, value=total / 4)
            for i, item in enumerate(("individuelt", "interpersonelt", "socialt", "generelt"))
        ]
        session.add(scoring)
    session.flush()


def history(session, n, team=None):  # type: ignore[no-untyped-def]
    """n earlier courses starting in 15–20, four sessions each, rising by a point a session
    plus a spread: course i at session k scores 16 + k + (i % 7)."""
    team = team or make.team(session, "Tidligere")
    courses = []
    for i in range(n):
        c = make.citizen(session, team, end_date=date(2025, 12, 31))
        totals = [16.0 + k + (i % 7) * 0.5 for k in range(4)]
        ors(session, c, totals)
        courses.append(totals)
    return courses


def page(client, citizen_id):  # type: ignore[no-untyped-def]
    response = client.get(f"/borgere/{citizen_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_29_courses_show_no_curve_30_do(session, w, login_as):  # type: ignore[no-untyped-def]
    history(session, MIN_COURSES - 1)
    ors(session, w.c1, [17.0, 17.5, 18.0])
    session.commit()
    client = login_as(w.w1)
    html = page(client, w.c1.id)
    assert TOO_FEW in html and "envelope--expected" not in html
    history(session, 1)
    session.commit()
    html = page(client, w.c1.id)
    assert TOO_FEW not in html
    assert "envelope--expected" in html and "Forventet (midterste halvdel)" in html
    assert "Halvdelen af 30 tidligere forløb, der startede i samme bånd (15–20)" in html


def test_the_curve_is_the_percentiles_of_the_others_at_each_session(session, w):  # type: ignore[no-untyped-def]
    courses = history(session, 40)
    ors(session, w.c1, [18.0, 12.0, 11.0, 10.5])  # her own course is left out
    session.commit()
    mine = list(session.scalars(select(Scoring).where(Scoring.citizen_id == w.c1.id)))
    curve = services.expected_for(session, w.c1, mine, TODAY).ors
    assert curve is not None and curve.courses == 40 and curve.label == "15–20"
    for p in curve.points:
        ref = statistics.quantiles([c[p.index - 1] for c in courses], n=4, method="inclusive")
        assert (p.p25, p.p50, p.p75) == pytest.approx(ref, abs=0.005)
        assert p.n == 40


def test_the_history_is_read_once_per_data_version(session, w):  # type: ignore[no-untyped-def]
    """Read again on a new day or when the citizens change, not for each new scoring."""
    history(session, 30)
    session.commit()
    before = services.kept.reads
    services.kept.get(session, "ORS", TODAY)
    services.kept.get(session, "ORS", TODAY)
    assert services.kept.reads == before + 1
    ors(session, w.c1, [20.0])
    session.commit()
    services.kept.get(session, "ORS", TODAY)
    assert services.kept.reads == before + 1
    services.kept.get(session, "ORS", TODAY + timedelta(days=1))
    assert services.kept.reads == before + 2
    make.citizen(session, w.t1)
    session.commit()
    services.kept.get(session, "ORS", TODAY + timedelta(days=1))
    assert services.kept.reads == before + 3


def off_track_world(session, w):  # type: ignore[no-untyped-def]
    history(session, 40)
    low = w.c1
    ok = make.citizen(session, w.t1, primary_worker_id=w.w1.id, display_name="Karen På Sporet")
    short = make.citizen(session, w.t1, primary_worker_id=w.w1.id, display_name="Kun To")
    colleague = make.citizen(
        session, w.t1, primary_worker_id=make.user(session, Role.WORKER, [w.t1]).id
    )
    ors(session, low, [17.0, 15.0, 14.0, 13.0])  # band at session 4: p25 ≈ 20
    ors(session, ok, [17.0, 19.0, 20.5, 21.0])
    ors(session, short, [17.0, 10.0])  # under 3 sessions: not assessed
    ors(session, colleague, [17.0, 12.0, 12.0])
    ors(session, w.c2, [17.0, 11.0, 11.0])  # another team's
    session.commit()
    return low, ok, short, colleague


def test_the_list_holds_her_citizens_below_the_band(session, w, login_as):  # type: ignore[no-untyped-def]
    low, ok, short, colleague = off_track_world(session, w)
    client = login_as(w.w1)
    html = client.get("/opgaver/ikke-paa-sporet").get_data(as_text=True)
    assert low.display_name in html
    for other in (ok, short, colleague, w.c2):
        assert other.display_name not in html
    assert "15–20" in html and ">13<" in html  # her band and her latest score
    # the whole team: her colleague's citizen too, never another team's
    html = client.get("/opgaver/ikke-paa-sporet?alle=1").get_data(as_text=True)
    assert low.display_name in html and colleague.display_name in html
    assert w.c2.display_name not in html
    rows = services.off_track(session, services.Citizen.team_id == w.t1.id, TODAY)
    assert [r.citizen_id for r in rows] == [low.id, colleague.id]
    assert rows[0].point.p50 == pytest.approx(
        statistics.median([19.0 + (i % 7) * 0.5 for i in range(40)])
    )


def test_a_citizen_whose_support_ended_is_not_listed(session, w, login_as):  # type: ignore[no-untyped-def]
    low, *_ = off_track_world(session, w)
    low.end_date = TODAY - timedelta(days=1)
    session.commit()
    html = login_as(w.w1).get("/opgaver/ikke-paa-sporet").get_data(as_text=True)
    assert low.display_name not in html
    assert services.off_track(session, services.Citizen.id == low.id, TODAY) == []


def test_the_list_reads_are_access_logged(session, w, login_as):  # type: ignore[no-untyped-def]
    low, *_ = off_track_world(session, w)
    login_as(w.w1).get("/opgaver/ikke-paa-sporet")
    logged = session.scalars(
        select(AccessLog.citizen_id).where(AccessLog.what == "ikke på sporet")
    ).all()
    assert logged == [low.id]


@pytest.mark.parametrize("who", ["leader", "authority", "admin", "borger"])  # leader: by default
def test_only_workers_open_the_list(session, w, login_as, who):  # type: ignore[no-untyped-def]
    off_track_world(session, w)
    response = login_as(getattr(w, who)).get("/opgaver/ikke-paa-sporet")
    assert response.status_code == 403
    assert (
        session.scalar(
            select(func.count()).select_from(AccessLog).where(AccessLog.what == "ikke på sporet")
        )
        == 0
    )


def test_a_leader_reads_the_list_of_her_teams_when_allowed(session, w, login_as):  # type: ignore[no-untyped-def]
    low, _ok, _short, colleague = off_track_world(session, w)
    refused = login_as(w.leader).get("/opgaver/ikke-paa-sporet")
    assert refused.status_code == 403 and low.display_name not in refused.get_data(as_text=True)
    set_setting(session, "leader_reads_records", True)
    session.commit()
    html = login_as(w.leader).get("/opgaver/ikke-paa-sporet").get_data(as_text=True)
    # her team (Team Nord): every worker's citizens; not Team Syd's
    assert low.display_name in html and colleague.display_name in html
    assert w.c2.display_name not in html
    logged = session.scalars(
        select(AccessLog.citizen_id).where(
            AccessLog.what == "ikke på sporet", AccessLog.actor_id == w.leader.id
        )
    ).all()
    assert sorted(logged) == sorted([low.id, colleague.id])


def test_another_workers_list_has_none_of_hers(session, w, login_as):  # type: ignore[no-untyped-def]
    low, *_ = off_track_world(session, w)
    html = login_as(w.w2).get("/opgaver/ikke-paa-sporet?alle=1").get_data(as_text=True)
    assert low.display_name not in html and w.c2.display_name in html
    # and her record itself stays closed to him
    assert login_as(w.w2).get(f"/borgere/{low.id}").status_code == 404


def test_anonymous_goes_to_login(client, session):  # type: ignore[no-untyped-def]
    assert client.get("/opgaver/ikke-paa-sporet").status_code in (302, 401)


def test_mine_opgaver_links_the_list(session, w, login_as):  # type: ignore[no-untyped-def]
    html = login_as(w.w1).get("/opgaver").get_data(as_text=True)
    assert 'href="/opgaver/ikke-paa-sporet"' in html
