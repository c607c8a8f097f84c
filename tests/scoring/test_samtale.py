"""A session in one flow: ORS at the start, the talk (her delmål, a note), SRS at the end, one
save, all or nothing; then the graph with today's point."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bostotte.audit.models import AccessLog
from bostotte.auth.permissions import citizen_flags
from bostotte.common.schema import InvalidInput
from bostotte.common.time import local_today
from bostotte.goals.models import Goal, SubGoal
from bostotte.scoring import services
from bostotte.scoring.models import Scoring
from tests import factories as make

TODAY = local_today()  # the page's date is the real today, as the view's


@dataclass
class SessionWorld(make.World):
    g1: Goal
    open_step: SubGoal
    done_step: SubGoal


@pytest.fixture()
def w(w, session):
    g1 = make.goal(session, w.w1, w.p1, specific="Jeg vil klare min post selv")
    open_step = make.subgoal(session, g1, title="Åbne posten om mandagen", status="in_progress")
    done_step = make.subgoal(session, g1, title="Købe en brevbakke", status="achieved")
    # two earlier sessions: the page shows the newest
    make.score(session, w.w1, w.c1, "ORS", date(2026, 10, 1), make.items("ORS", 4, 4, 4, 4))
    make.score(session, w.w1, w.c1, "ORS", date(2026, 11, 3), make.items("ORS", 6.2, 5, 7, 6.5))
    make.score(session, w.w1, w.c1, "SRS", date(2026, 11, 3), make.items("SRS", 9, 8.5, 9, 9))
    session.commit()
    return SessionWorld(**vars(w), g1=g1, open_step=open_step, done_step=done_step)


def url(w, graph: bool = False) -> str:  # type: ignore[no-untyped-def]
    return f"/borgere/{w.c1.id}/samtale" + ("/graf" if graph else "")


def form(**overrides: str) -> dict[str, str]:
    data = {
        "scored_on": TODAY.isoformat(),
        "participation": "together",
        "ors-individuelt": "6,5",
        "ors-interpersonelt": "7",
        "ors-socialt": "5.5",
        "ors-generelt": "6",
        "worker_note": "Vi talte om posten og om fodbold.",
        "srs-relation": "9",
        "srs-maal_og_emner": "9,5",
        "srs-tilgang": "8",
        "srs-generelt": "9",
    }
    data.update(overrides)
    return data


def todays(session, instrument: str) -> list[Scoring]:  # type: ignore[no-untyped-def]
    return list(
        session.scalars(
            select(Scoring).where(Scoring.instrument == instrument, Scoring.scored_on == TODAY)
        )
    )


def count(session) -> int:  # type: ignore[no-untyped-def]
    return len(session.scalars(select(Scoring.id)).all())


# ------------------------------------------------------------------ the page


def test_the_page_walks_ors_the_talk_and_srs_with_her_last_scores(w, login_as, session):
    r = login_as(w.w1).get(url(w))
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    steps = ["1. Ved samtalens start", "ORS – trivsel", "2. Samtalen", "3. Ved samtalens slutning"]
    positions = [page.index(s) for s in [*steps, "SRS – samarbejdet", "Gem samtalen"]]
    assert positions == sorted(positions)
    # her last score beside each item: the newest session's, not the first's
    assert "Sidst: <strong>6,2</strong> (3. nov. 2026)" in page
    assert "Sidst: <strong>6,5</strong> (3. nov. 2026)" in page
    assert "Sidst: <strong>8,5</strong> (3. nov. 2026)" in page  # SRS
    assert "Sidst: <strong>4</strong>" not in page
    # the same item id in both instruments, two fields
    assert 'name="ors-generelt"' in page and 'name="srs-generelt"' in page
    assert 'inputmode="decimal"' in page
    # the open delmål, read-only, with its status; the achieved one is not on the agenda
    assert "Jeg vil klare min post selv" in page
    assert "Åbne posten om mandagen" in page and "I gang" in page
    assert "Købe en brevbakke" not in page
    assert 'name="without_srs"' in page
    assert f'value="{TODAY.isoformat()}"' in page
    assert "Uenighed" not in page  # disagreement needs her own value per item
    log = session.scalars(select(AccessLog).where(AccessLog.citizen_id == w.c1.id)).all()
    assert any(a.what == "samtale (ORS og SRS)" for a in log)


def test_a_first_session_says_she_has_not_scored_before(w, login_as, session):
    page = login_as(w.w2).get(f"/borgere/{w.c2.id}/samtale").get_data(as_text=True)
    assert "Borgeren har ikke scoret ORS før." in page
    assert "Borgeren har ikke scoret SRS før." in page
    assert "Sidst:" not in page


# ------------------------------------------------------------------ saving


def test_one_post_saves_ors_and_srs_and_shows_the_graph_with_todays_point(w, login_as, session):
    worker = login_as(w.w1)
    r = worker.post(url(w), data=form())
    assert r.status_code == 302
    assert r.headers["Location"] == url(w, graph=True)  # no anchor: the message is at the top
    [ors], [srs] = todays(session, "ORS"), todays(session, "SRS")
    assert ors.values == {"individuelt": 6.5, "interpersonelt": 7, "socialt": 5.5, "generelt": 6}
    assert (ors.total, srs.total) == (25.0, 35.5)
    assert ors.worker_note == "Vi talte om posten og om fodbold." and srs.worker_note is None
    assert {(s.participation, s.scored_by_id) for s in (ors, srs)} == {("together", w.w1.id)}

    graph = worker.get(r.headers["Location"])
    page = graph.get_data(as_text=True)
    assert graph.status_code == 200
    assert "Samtalen er gemt: ORS 25 og SRS 35,5." in page
    assert page.index("Samtalen er gemt") < page.index('id="chart-ors-srs"')
    assert 'id="chart-ors-srs"' in page and "<svg" in page
    assert f"Seneste ORS: 25 ({TODAY.day}." in page  # today's point, called out
    log = session.scalars(select(AccessLog).where(AccessLog.citizen_id == w.c1.id)).all()
    assert any(a.what == "samtale: ORS og SRS over tid" for a in log)


def test_srs_left_empty_asks_for_the_choice_and_saves_nothing(w, login_as, session):
    empty_srs = {f"srs-{i}": "" for i in ("relation", "maal_og_emner", "tilgang", "generelt")}
    r = login_as(w.w1).post(url(w), data=form(**empty_srs))
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and count(session) == 3
    assert 'href="#f-without_srs"' in page and "sæt flueben ved »Gem uden SRS«" in page
    assert page.count('aria-invalid="true"') == 1  # the box, not the four SRS fields
    assert 'name="ors-individuelt" class="form-input input-width-xs" value="6,5"' in page


def test_ors_alone_is_saved_when_she_chooses_so(w, login_as, session):
    empty_srs = {f"srs-{i}": "" for i in ("relation", "maal_og_emner", "tilgang", "generelt")}
    worker = login_as(w.w1)
    r = worker.post(url(w), data=form(without_srs="1", **empty_srs))
    assert r.status_code == 302
    assert len(todays(session, "ORS")) == 1 and todays(session, "SRS") == []
    page = worker.get(r.headers["Location"]).get_data(as_text=True)
    assert "Samtalen er gemt: ORS 25 (uden SRS)." in page


def test_srs_typed_and_without_srs_ticked_is_refused(w, login_as, session):
    r = login_as(w.w1).post(url(w), data=form(without_srs="1"))
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and count(session) == 3
    assert "Du har udfyldt SRS og valgt at gemme uden." in page
    assert 'name="srs-relation" class="form-input input-width-xs" value="9"' in page
    assert 'name="without_srs" value="1" class="form-checkbox" checked' in page


def test_one_bad_value_keeps_everything_and_marks_only_that_field(w, login_as, session):
    r = login_as(w.w1).post(url(w), data=form(**{"srs-tilgang": "11"}))
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert count(session) == 3  # the ORS, valid on its own, is not saved either
    assert 'href="#f-srs-tilgang"' in page and "SRS – Tilgang eller metode" in page
    assert "Værdien skal være mellem 0 og 10." in page
    assert page.count('aria-invalid="true"') == 1
    assert 'id="f-srs-tilgang" name="srs-tilgang" class="form-input input-width-xs" value="11"' in (
        page
    )
    for kept in ('value="6,5"', 'value="5.5"', 'value="9,5"', "Vi talte om posten og om fodbold."):
        assert kept in page


def test_every_error_at_once_in_the_pages_order(w, login_as, session):
    data = form(
        scored_on="",
        **{"ors-socialt": "5,55", "srs-generelt": "", "worker_note": "x" * 4001},
    )
    r = login_as(w.w1).post(url(w), data=data)
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and count(session) == 3
    links = ["#f-ors-socialt", "#f-worker_note", "#f-srs-generelt", "#f-scored_on"]
    positions = [page.index(f'href="{link}"') for link in links]
    assert positions == sorted(positions)
    assert "Brug højst én decimal, fx 7,5." in page and "Højst 4000 tegn." in page


def test_a_date_in_the_future_is_refused_once(w, login_as, session):
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    page = login_as(w.w1).post(url(w), data=form(scored_on=tomorrow)).get_data(as_text=True)
    assert page.count("Datoen må ikke ligge i fremtiden.</") == 1 + 1  # summary and field
    assert count(session) == 3


def test_disagreement_is_not_a_choice_here(w, login_as, session):
    r = login_as(w.w1).post(url(w), data=form(participation="disagreed"))
    assert r.status_code == 400 and count(session) == 3


def test_the_service_writes_nothing_when_the_srs_is_bad(w, session):
    with pytest.raises(InvalidInput) as refused:
        services.record_session(
            session,
            w.w1,
            w.c1,
            {"scored_on": TODAY, "participation": "together"},
            {"ORS": make.items("ORS", 5, 5, 5, 5), "SRS": make.items("SRS", 9, 9, 9, -1)},
            today=TODAY,
        )
    assert refused.value.errors == {"srs-generelt": ["Værdien skal være mellem 0 og 10."]}
    session.flush()
    assert count(session) == 3


# ------------------------------------------------------------------ who


@pytest.mark.parametrize(
    ("who", "status"), [("authority", 403), ("leader", 403), ("w2", 404), ("borger", 403)]
)
@pytest.mark.parametrize("graph", [False, True], ids=["samtale", "graf"])
def test_who_may_open_it(w, login_as, session, who, status, graph):
    client = login_as(getattr(w, who))
    assert client.get(url(w, graph)).status_code == status
    if not graph:
        assert client.post(url(w), data=form()).status_code == status
    assert count(session) == 3


def test_anonymous_gets_the_login_page(w, client):
    r = client.get(url(w))
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_a_citizen_without_fit_is_404(w, login_as, session):
    w.c1.uses_fit = False
    session.commit()
    assert login_as(w.w1).get(url(w)).status_code == 404
    assert login_as(w.w1).get(url(w, graph=True)).status_code == 404


def test_the_flag_says_who_may_hold_a_session(w, session):
    ids = ["FKO", "ORS", "SRS", "REM"]
    assert citizen_flags(w.w1, w.c1, ids).can_hold_session
    assert not citizen_flags(w.authority, w.c1, ids).can_hold_session
    assert not citizen_flags(w.leader, w.c1, ids).can_hold_session
    w.c1.uses_fit = False
    assert not citizen_flags(w.w1, w.c1, ids).can_hold_session


def test_the_page_costs_the_same_whatever_her_history(w, login_as, session, count_queries):
    def queries() -> int:
        client = login_as(w.w1)
        client.get(url(w))  # warm up: the login and the instrument files
        with count_queries() as statements:
            assert client.get(url(w)).status_code == 200
        return len(statements)

    before = queries()
    for k in range(20):
        on = date(2025, 1, 1) + timedelta(days=7 * k)
        make.score(session, w.w1, w.c1, "ORS", on, make.items("ORS", 5, 5, 5, 5))
        make.score(session, w.w1, w.c1, "SRS", on, make.items("SRS", 9, 9, 9, 9))
        make.subgoal(session, w.g1, title=f"Skridt {k}")
    session.commit()
    assert queries() == before
