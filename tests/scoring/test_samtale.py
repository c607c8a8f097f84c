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
from bostotte.common.time import LOCAL_TZ, local_today
from bostotte.goals.models import Goal, SubGoal
from bostotte.scoring import services
from bostotte.scoring.models import Scoring
from bostotte.scoring.services import record_scoring
from tests import factories as make


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
        "scored_on": local_today().isoformat(),
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
            select(Scoring).where(
                Scoring.instrument == instrument, Scoring.scored_on == local_today()
            )
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
    assert f'value="{local_today().isoformat()}"' in page
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
    assert f"Seneste ORS: 25 ({local_today().day}." in page  # today's point, called out
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
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
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
            {"scored_on": local_today(), "participation": "together"},
            {"ORS": make.items("ORS", 5, 5, 5, 5), "SRS": make.items("SRS", 9, 9, 9, -1)},
            today=local_today(),
        )
    assert refused.value.errors == {"srs-generelt": ["Værdien skal være mellem 0 og 10."]}
    session.flush()
    assert count(session) == 3


# ------------------------------------------------------------------ an ORS already today


def no_ors(**overrides: str) -> dict[str, str]:
    """The form with the ORS fields left empty (today's ORS is used instead)."""
    empty = {f"ors-{i}": "" for i in ("individuelt", "interpersonelt", "socialt", "generelt")}
    return form(**empty, **overrides)


def todays_ors(session, w, by=None) -> Scoring:  # type: ignore[no-untyped-def]
    """She filled in ORS herself this morning on /mig (24,5), or `by` recorded it."""
    scoring = record_scoring(
        session,
        by or w.borger,
        w.c1,
        "ORS",
        {"scored_on": local_today(), "participation": "together"},
        make.items("ORS", 6, 6, 6, 6.5),
        today=local_today(),
    )
    session.commit()
    return scoring


def test_her_ors_from_today_is_offered_first(w, login_as, session):
    own = todays_ors(session, w)
    page = login_as(w.w1).get(url(w)).get_data(as_text=True)
    at = own.created_at.astimezone(LOCAL_TZ).strftime("%H:%M")
    question = f"Borgeren har allerede udfyldt ORS i dag kl. {at}: 24,5. Vil du bruge den?"
    assert question in page
    assert page.index(question) < page.index('name="ors-individuelt"')
    # using it is chosen; the new ORS's fields fold away under the other choice
    assert f'name="use_ors" value="{own.id}" class="form-radio" checked' in page
    assert 'value="" class="form-radio" data-controls="#ors-ny"' in page
    assert "Bruger I dagens ORS, gemmes den med SRS." in page


def test_a_worker_recorded_ors_today_is_offered_in_other_words(w, login_as, session):
    todays_ors(session, w, by=w.w1)
    page = login_as(w.w1).get(url(w)).get_data(as_text=True)
    assert "Der er allerede registreret ORS i dag kl. " in page
    assert "Borgeren har allerede udfyldt" not in page


def test_an_older_ors_is_not_offered(w, login_as, session):
    page = login_as(w.w1).get(url(w)).get_data(as_text=True)
    assert "Vil du bruge den?" not in page and 'name="use_ors"' not in page


def test_using_it_records_only_the_srs_with_the_note(w, login_as, session):
    own = todays_ors(session, w)
    worker = login_as(w.w1)
    r = worker.post(url(w), data=no_ors(use_ors=str(own.id)))
    assert r.status_code == 302
    [ors], [srs] = todays(session, "ORS"), todays(session, "SRS")
    assert ors.id == own.id and ors.worker_note is None and ors.version == 1  # hers, as it was
    assert srs.worker_note == "Vi talte om posten og om fodbold."
    page = worker.get(r.headers["Location"]).get_data(as_text=True)
    assert "Samtalen er gemt med dagens ORS 24,5 og SRS 35,5." in page


def test_a_new_ors_can_be_recorded_instead(w, login_as, session):
    todays_ors(session, w)
    r = login_as(w.w1).post(url(w), data=form(use_ors=""))
    assert r.status_code == 302
    ors = todays(session, "ORS")
    assert sorted(s.total for s in ors) == [24.5, 25.0]
    new = next(s for s in ors if s.total == 25.0)
    assert new.worker_note == "Vi talte om posten og om fodbold."
    assert todays(session, "SRS")[0].worker_note is None


def test_using_it_and_typing_a_new_one_keeps_both_and_asks(w, login_as, session):
    own = todays_ors(session, w)
    r = login_as(w.w1).post(url(w), data=form(use_ors=str(own.id)))
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and count(session) == 4
    assert 'href="#f-use_ors"' in page and "men også skrevet nye ORS-tal" in page
    assert 'name="ors-individuelt" class="form-input input-width-xs" value="6,5"' in page
    assert f'name="use_ors" value="{own.id}" class="form-radio" checked' in page


def test_another_citizens_ors_cannot_be_used(w, login_as, session):
    theirs = record_scoring(
        session,
        w.w2,
        w.c2,
        "ORS",
        {"scored_on": local_today(), "participation": "together"},
        make.items("ORS", 1, 1, 1, 1),
        today=local_today(),
    )
    session.commit()
    r = login_as(w.w1).post(url(w), data=no_ors(use_ors=str(theirs.id)))
    assert r.status_code == 400 and count(session) == 4
    assert "Den ORS, du valgte, er ikke længere fra i dag." in r.get_data(as_text=True)


def test_using_it_without_srs_saves_nothing_new_but_a_note_needs_the_srs(w, login_as, session):
    own = todays_ors(session, w)
    empty_srs = {f"srs-{i}": "" for i in ("relation", "maal_og_emner", "tilgang", "generelt")}
    worker = login_as(w.w1)
    r = worker.post(url(w), data=no_ors(use_ors=str(own.id), without_srs="1", **empty_srs))
    assert r.status_code == 400 and count(session) == 4
    assert "Noten gemmes med samtalens SRS." in r.get_data(as_text=True)
    data = no_ors(use_ors=str(own.id), without_srs="1", worker_note="", **empty_srs)
    r = worker.post(url(w), data=data)
    assert r.status_code == 302 and count(session) == 4
    page = worker.get(r.headers["Location"]).get_data(as_text=True)
    assert "Samtalen er gemt med dagens ORS 24,5 (uden SRS)." in page


# ------------------------------------------------------------------ a § 82 b forløb


def forloeb(session, w, used: int = 3, granted: int = 10) -> None:  # type: ignore[no-untyped-def]
    w.p1.legal_basis, w.p1.sessions_used, w.p1.sessions_granted = "§82b", used, granted
    session.commit()


def used(session, w) -> int:  # type: ignore[no-untyped-def]
    session.refresh(w.p1)
    return int(w.p1.sessions_used)


def test_a_82b_talk_is_counted_by_default_in_the_same_post(w, login_as, session):
    forloeb(session, w)
    worker = login_as(w.w1)
    page = worker.get(url(w)).get_data(as_text=True)
    assert 'name="count_session" value="1" class="form-checkbox" checked' in page
    assert "Tæl samtalen som en af forløbets samtaler" in page
    assert "Forløbet (§ 82 b): 3 af 10 samtaler brugt." in page
    r = worker.post(url(w), data=form(count_session="1"))
    assert r.status_code == 302
    assert used(session, w) == 4  # once
    assert len(todays(session, "ORS")) == len(todays(session, "SRS")) == 1
    page = worker.get(r.headers["Location"]).get_data(as_text=True)
    assert "Den er talt med i forløbet: 4 af 10 samtaler brugt." in page


def test_unticked_it_is_not_counted(w, login_as, session):
    forloeb(session, w)
    assert login_as(w.w1).post(url(w), data=form()).status_code == 302
    assert used(session, w) == 3 and len(todays(session, "ORS")) == 1


def test_counting_is_all_or_nothing_with_the_scorings(w, login_as, session):
    forloeb(session, w)
    r = login_as(w.w1).post(url(w), data=form(count_session="1", **{"srs-tilgang": "11"}))
    assert r.status_code == 400
    assert used(session, w) == 3 and count(session) == 3
    # and her choice is kept for the next try
    assert 'name="count_session" value="1" class="form-checkbox" checked' in r.get_data(
        as_text=True
    )


def test_when_every_session_is_used_the_box_is_off_and_counting_is_refused(w, login_as, session):
    forloeb(session, w, used=10)
    worker = login_as(w.w1)
    page = worker.get(url(w)).get_data(as_text=True)
    assert 'name="count_session" value="1" class="form-checkbox" aria-describedby' in page
    assert "10 af 10 samtaler brugt. Alle er brugt" in page
    r = worker.post(url(w), data=form(count_session="1"))
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and count(session) == 3 and used(session, w) == 10
    assert 'href="#f-count_session"' in page and "Alle bevilgede samtaler er brugt." in page


def test_a_85_plan_has_no_box_and_cannot_be_counted(w, login_as, session):
    worker = login_as(w.w1)
    assert 'name="count_session"' not in worker.get(url(w)).get_data(as_text=True)
    r = worker.post(url(w), data=form(count_session="1"))
    assert r.status_code == 400 and count(session) == 3
    assert "Samtaler tælles kun i et aktivt § 82 b-forløb." in r.get_data(as_text=True)


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
