"""The stikprøve: drawn from the visit's teams with who and why, no name on its pages,
one case file per citizen as a PDF, each read access-logged as "tilsyn stikprøve" and shown
to the citizen among who has seen her data."""

from __future__ import annotations

import io
import random
from datetime import date

import pypdf
import pytest
from sqlalchemy import select

from bostotte.audit.models import AccessLog
from bostotte.auth import services as auth_services
from bostotte.auth.models import Role
from bostotte.goals.services import update_goal
from bostotte.tilsyn import samples
from bostotte.tilsyn.models import Sample
from tests import factories as make
from tests.factories import World
from tests.tilsyn.test_visits import pitstop_visit


@pytest.fixture()
def leaders_read(session) -> None:  # type: ignore[no-untyped-def]
    """The municipality lets leaders read their teams' records (issue 24's setting, where
    this build has it): the stikprøve is such a read."""
    if setter := getattr(auth_services, "set_setting", None):
        setter(session, "leader_reads_records", True)
        session.commit()


def _record(session, w: World) -> None:  # type: ignore[no-untyped-def]
    goal = make.goal(session, w.w1, w.p1, specific="Jeg vil selv åbne min post")
    make.subgoal(
        session, goal, title="Åbne posten om mandagen", method="MI", approach="Vi åbner sammen"
    )
    make.score(
        session,
        w.w1,
        w.c1,
        "FKO",
        date(2026, 4, 1),
        {"value": 2},
        goal_id=goal.id,
        occasion="status",
        worker_note="Posten åbnes nu hver uge",
    )
    update_goal(session, w.w1, goal, {"measurable": "Posten er åbnet hver mandag"})
    session.commit()


def test_draw_and_read_a_case_file(session, w: World, login_as, leaders_read) -> None:
    _record(session, w)
    visit = pitstop_visit(session, w)
    session.commit()
    leader = login_as(w.leader)
    response = leader.post(
        f"/tilsyn/besoeg/{visit.id}/stikproeve",
        data={"size": "1", "reason": "Socialtilsynets stikprøve"},
    )
    assert response.status_code == 302
    sample = Sample.query.one()
    assert (sample.method, sample.reason, sample.created_by_id) == (
        "random",
        "Socialtilsynets stikprøve",
        w.leader.id,
    )
    assert [m.citizen_id for m in sample.members] == [w.c1.id]  # team 1's only citizen
    assert session.scalars(select(AccessLog)).all() == []  # drawing reads no record
    page = leader.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sagsmappe 1 af 1 (PDF)" in page
    assert w.c1.display_name not in page
    assert w.c1.display_name not in leader.get(f"/tilsyn/besoeg/{visit.id}").get_data(as_text=True)
    pdf = leader.get(f"/tilsyn/stikproeve/{sample.id}/1.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.data)).pages).replace(
        "\n", " "
    )
    for expected in (
        w.c1.display_name,
        "Jeg vil selv åbne min post",
        "Åbne posten om mandagen",
        "Metode: Motivationssamtalen (MI)",
        "Fremgangsmåde: Vi åbner sammen",
        "Posten åbnes nu hver uge",
        "Sammen med borgeren",
        "Socialtilsynets stikprøve",
        "ændret (målbart)",
    ):
        assert expected in text, expected
    logged = session.scalars(select(AccessLog)).all()
    assert [(r.citizen_id, r.what, r.actor_id) for r in logged] == [
        (w.c1.id, "tilsyn stikprøve", w.leader.id)
    ]
    seen = login_as(w.borger).get("/mig/hvem-har-set").get_data(as_text=True)
    assert "tilsyn stikprøve" in seen.lower()
    assert leader.get(f"/tilsyn/stikproeve/{sample.id}/2.pdf").status_code == 404


def test_random_draws_come_from_the_visits_teams(session, w: World, leaders_read) -> None:
    extra = [make.citizen(session, w.t1) for _ in range(4)]
    for c in extra:
        make.plan(session, c)
    make.citizen(session, w.t1)  # no plan: not drawn
    visit = pitstop_visit(session, w)
    pool = {w.c1.id, *(c.id for c in extra)}
    assert set(samples.candidates(session, w.leader, visit)) == pool
    drawn = samples.draw(session, w.leader, visit, {"size": 3, "reason": "x"}, rng=random.Random(1))
    ids = [m.citizen_id for m in drawn.members]
    assert len(set(ids)) == 3 and set(ids) <= pool
    assert [m.position for m in drawn.members] == [1, 2, 3]


def test_chosen_and_bad_input(session, w: World, login_as, leaders_read) -> None:
    visit = pitstop_visit(session, w)
    session.commit()
    leader = login_as(w.leader)
    url = f"/tilsyn/besoeg/{visit.id}/stikproeve"
    bad = leader.post(url, data={"size": "50", "reason": ""})
    assert bad.status_code == 400
    assert "Udfyld feltet" in bad.get_data(as_text=True)
    bad = leader.post(url, data={"size": "5", "reason": "x"})
    assert "Besøgets teams har kun 1 borgere med en plan." in bad.get_data(as_text=True)
    other_team = leader.post(url, data={"chosen": str(w.c2.id), "reason": "x"})
    assert other_team.status_code == 400
    assert "Vælg højst 10 borgere med en plan i besøgets teams." in other_team.get_data(
        as_text=True
    )
    assert Sample.query.count() == 0
    ok = leader.post(url, data={"chosen": f"{w.c1.id}", "reason": "Tilsynet valgte"})
    assert ok.status_code == 302
    assert Sample.query.one().method == "chosen"


def test_who_may(session, w: World, login_as, leaders_read) -> None:
    visit = pitstop_visit(session, w)
    sample = samples.draw(session, w.leader, visit, {"size": 1, "reason": "x"})
    other = make.user(session, Role.LEADER, [w.t2])
    session.commit()
    for user, status in ((w.w1, 403), (w.authority, 403), (w.admin, 403), (other, 404)):
        client = login_as(user)
        assert client.get(f"/tilsyn/stikproeve/{sample.id}").status_code == status
        assert client.get(f"/tilsyn/stikproeve/{sample.id}/1.pdf").status_code == status
    assert session.scalars(select(AccessLog)).all() == []


def test_where_leaders_read_no_records_there_is_no_stikprove(session, w: World, login_as) -> None:
    setter = getattr(auth_services, "set_setting", None)
    if setter is None:
        pytest.skip("this build has no setting for leaders' reads")
    setter(session, "leader_reads_records", False)
    visit = pitstop_visit(session, w)
    session.commit()
    leader = login_as(w.leader)
    page = leader.get(f"/tilsyn/besoeg/{visit.id}").get_data(as_text=True)
    assert "du kan ikke trække en stikprøve" in page
    url = f"/tilsyn/besoeg/{visit.id}/stikproeve"
    assert leader.post(url, data={"size": "1", "reason": "x"}).status_code == 403
    assert Sample.query.count() == 0
