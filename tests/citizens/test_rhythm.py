"""A citizen's rhythm: the worker sets it within her team's limits, the team's leader sets
the limits, and the reminders (the daily job, the lists, the citizen page) follow it."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from bostotte.audit.models import AccessLog
from bostotte.citizens.rhythm import set_limits, set_rhythm
from bostotte.citizens.services import list_citizens
from bostotte.extensions import db
from bostotte.reminders.cadence import Rhythm
from bostotte.retention.services import anonymise
from tests import factories as make
from tests.imports.test_complete import _export, _import, databases  # noqa: F401 (a fixture)
from tests.reminders.conftest import at

JAN20 = date(2026, 1, 20)
NO_SUCH_TEAM = 999_999


def rhythm_url(w) -> str:  # type: ignore[no-untyped-def]
    return f"/borgere/{w.c1.id}/rytme"


def rhythm(session, w, fko=None, ors=None, reason=None, today=JAN20):  # type: ignore[no-untyped-def]
    set_rhythm(
        session,
        w.c1,
        {"fko_status_months": fko, "ors_weeks": ors, "rhythm_reason": reason},
        today,
        at(today),
    )
    session.commit()


def limits(session, team, fko=(3, 6), ors=(2, 8), today=JAN20):  # type: ignore[no-untyped-def]
    data = {
        "fko_months_min": fko[0],
        "fko_months_max": fko[1],
        "ors_weeks_min": ors[0],
        "ors_weeks_max": ors[1],
    }
    set_limits(session, team, data, today, at(today))
    session.commit()


# --- The worker's form ------------------------------------------------------------------


def test_the_worker_sets_a_rhythm_within_the_limits(w, session, login_as):
    client = login_as(w.w1)
    page = client.get(rhythm_url(w))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "hver 3. måned (standard)" in text
    # no ORS since her plan began on 1 January: 4 weeks later it fell due
    assert "mindst hver 4. uge (standard) · over fristen siden 29. jan. 2026" in text
    assert "Mellem 3 og 6 måneder" in text and "Mellem 2 og 8 uger" in text
    # A longer FKO rhythm is allowed here, so the form says what it means for the statistics.
    assert "Dokumentation til tiden måles stadig pr. kvartal" in text
    response = client.post(
        rhythm_url(w),
        data={
            "fko_status_months": "6",
            "ors_weeks": " 8 ",
            "rhythm_reason": "Borgeren oplever hyppige målinger som nederlag.",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/borgere/{w.c1.id}")
    session.refresh(w.c1)
    assert (w.c1.fko_status_months, w.c1.ors_weeks) == (6, 8)
    assert w.c1.rhythm == Rhythm(6, 8)
    assert w.c1.rhythm_reason == "Borgeren oplever hyppige målinger som nederlag."
    shown = client.get(f"/borgere/{w.c1.id}").get_data(as_text=True)
    assert "Rytmen er gemt: FKO-status hver 6. måned, ORS mindst hver 8. uge." in shown
    assert "Rytme: FKO-status hver 6. måned, ORS mindst hver 8. uge." in shown
    assert rhythm_url(w) in shown  # "Ret rytme"
    # The form reads her record: logged as every read is.
    assert session.scalar(
        select(AccessLog).where(AccessLog.citizen_id == w.c1.id, AccessLog.what == "rytme")
    )


def test_values_outside_the_limits_are_refused_in_danish_and_nothing_is_saved(w, session, login_as):
    client = login_as(w.w1)
    response = client.post(
        rhythm_url(w),
        data={"fko_status_months": "12", "ors_weeks": "1", "rhythm_reason": "Prøver"},
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Vælg mellem 3 og 6 måneder. Det er teamets grænser for FKO-status." in text
    assert "Vælg mellem 2 og 8 uger. Det er teamets grænser for ORS." in text
    assert 'value="12"' in text and "Prøver" in text  # what she entered is kept
    session.refresh(w.c1)
    assert (w.c1.fko_status_months, w.c1.ors_weeks, w.c1.rhythm_reason) == (None, None, None)


def test_bad_input_gets_a_message_never_a_500(w, session, login_as):
    client = login_as(w.w1)
    for data, message in (
        ({"fko_status_months": "tre"}, "Skriv et helt tal."),
        ({"ors_weeks": "4,5"}, "Skriv et helt tal."),
        ({"fko_status_months": "9" * 40}, "Vælg mellem 3 og 6 måneder."),
        ({"ors_weeks": "-4"}, "Vælg mellem 2 og 8 uger."),
        ({"rhythm_reason": "x" * 501}, "Højst 500 tegn."),
    ):
        response = client.post(rhythm_url(w), data=data)
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), data
    session.refresh(w.c1)
    assert w.c1.fko_status_months is None and w.c1.ors_weeks is None


def test_empty_fields_go_back_to_the_standard(w, session, login_as):
    rhythm(session, w, fko=6, ors=8, reason="Aftalt")
    client = login_as(w.w1)
    assert 'value="6"' in client.get(rhythm_url(w)).get_data(as_text=True)
    response = client.post(rhythm_url(w), data={"fko_status_months": "", "ors_weeks": ""})
    assert response.status_code == 302
    session.refresh(w.c1)
    assert (w.c1.fko_status_months, w.c1.ors_weeks, w.c1.rhythm_reason) == (None, None, None)
    assert w.c1.rhythm == Rhythm(3, 4)


def test_only_her_worker_sets_it(w, login_as):
    for who in (w.leader, w.authority, w.admin, w.borger):
        assert login_as(who).get(rhythm_url(w)).status_code == 403, who.role
        assert login_as(who).post(rhythm_url(w), data={"ors_weeks": "8"}).status_code == 403
    other = login_as(w.w2)  # a worker of the other team
    assert other.get(rhythm_url(w)).status_code == 404
    assert other.post(rhythm_url(w), data={"ors_weeks": "8"}).status_code == 404


def test_the_citizen_page_shows_the_rhythm_and_the_link_only_to_her_worker(w, session, login_as):
    rhythm(session, w, ors=6)
    for who in (w.w1, w.authority):
        text = login_as(who).get(f"/borgere/{w.c1.id}").get_data(as_text=True)
        assert "Rytme: FKO-status hver 3. måned, ORS mindst hver 6. uge." in text
        assert (rhythm_url(w) in text) == (who is w.w1)


# --- The leader's limits ----------------------------------------------------------------


def test_the_leader_sets_her_teams_limits(w, session, login_as):
    client = login_as(w.leader)
    # reached from her overview of overdue tasks
    assert 'href="/borgere/rytme"' in client.get("/opgaver/overblik").get_data(as_text=True)
    page = client.get("/borgere/rytme")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Team Nord" in text and "Team Syd" not in text  # only her teams
    assert "med 3 til 6 måneders mellemrum" in text
    form = client.get(f"/borgere/rytme/{w.t1.id}")
    assert form.status_code == 200 and 'value="6"' in form.get_data(as_text=True)
    response = client.post(
        f"/borgere/rytme/{w.t1.id}",
        data={
            "fko_months_min": "2",
            "fko_months_max": "12",
            "ors_weeks_min": "1",
            "ors_weeks_max": "12",
        },
    )
    assert response.status_code == 302
    session.refresh(w.t1)
    assert w.t1.rhythm_limits.fko_months == (2, 12)
    assert w.t1.rhythm_limits.ors_weeks == (1, 12)
    # the worker may now agree a yearly FKO status
    assert login_as(w.w1).post(rhythm_url(w), data={"fko_status_months": "12"}).status_code == 302


def test_limits_are_checked(w, session, login_as):
    client = login_as(w.leader)
    url = f"/borgere/rytme/{w.t1.id}"
    response = client.post(
        url,
        data={
            "fko_months_min": "6",
            "fko_months_max": "3",
            "ors_weeks_min": "0",
            "ors_weeks_max": "x",
        },
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Skriv et helt tal." in text  # ors_weeks_max
    response = client.post(
        url,
        data={
            "fko_months_min": "6",
            "fko_months_max": "3",
            "ors_weeks_min": "0",
            "ors_weeks_max": "4",
        },
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Det længste interval må ikke være kortere end det korteste." in text
    assert "Skriv et tal mellem 1 og 12 uger." in text
    response = client.post(url, data={"fko_months_min": "3"})
    assert response.status_code == 400 and "Udfyld feltet." in response.get_data(as_text=True)
    session.refresh(w.t1)
    assert w.t1.fko_months_min is None and w.t1.ors_weeks_min is None


def test_limits_only_by_the_teams_leader(w, session, login_as, client):
    data = {
        "fko_months_min": "3",
        "fko_months_max": "6",
        "ors_weeks_min": "2",
        "ors_weeks_max": "8",
    }
    leader = login_as(w.leader)
    assert leader.get(f"/borgere/rytme/{w.t2.id}").status_code == 404  # not her team
    assert leader.post(f"/borgere/rytme/{w.t2.id}", data=data).status_code == 404
    assert leader.post(f"/borgere/rytme/{NO_SUCH_TEAM}", data=data).status_code == 404
    assert leader.post(f"/borgere/rytme/{2**31}", data=data).status_code == 404
    for who in (w.w1, w.authority, w.admin, w.borger):
        other = login_as(who)
        assert other.get("/borgere/rytme").status_code == 403, who.role
        assert other.get(f"/borgere/rytme/{w.t1.id}").status_code == 403, who.role
        assert other.post(f"/borgere/rytme/{w.t1.id}", data=data).status_code == 403, who.role
    assert "/login" in client.get("/borgere/rytme").location
    session.refresh(w.t2)
    assert w.t2.fko_months_min is None


def test_narrower_limits_narrow_the_agreed_rhythm_and_the_form_says_so(w, session, login_as):
    rhythm(session, w, fko=6, ors=8)
    limits(session, w.t1, fko=(3, 4), ors=(2, 6))
    session.refresh(w.c1)
    assert (w.c1.fko_status_months, w.c1.ors_weeks) == (6, 8)  # as agreed …
    assert w.c1.rhythm == Rhythm(4, 6)  # … but the limits hold
    text = login_as(w.w1).get(rhythm_url(w)).get_data(as_text=True)
    assert "Teamets grænser er ændret, siden rytmen blev aftalt." in text
    # without room for a longer FKO rhythm than the quarter's, no note about it
    limits(session, w.t1, fko=(2, 3))
    text = login_as(w.w1).get(rhythm_url(w)).get_data(as_text=True)
    assert "Dokumentation til tiden måles stadig pr. kvartal" not in text


# --- The lists follow the rhythm (the daily job: tests/reminders/test_cadence_rhythm.py)


def test_the_list_of_citizens_shows_the_next_scoring_by_her_rhythm(w, session):
    rhythm(session, w, ors=2)
    session.refresh(w.c1)
    w.c1.uses_fko = w.c1.uses_rem = False
    session.commit()
    (row,) = [r for r in list_citizens(session, w.w1, JAN20) if r.citizen.id == w.c1.id]
    assert (row.next_due.rule, row.next_due.due) == ("ors", date(2026, 1, 15))


# --- The complete export carries it -----------------------------------------------------


def test_the_complete_export_round_trip_keeps_rhythm_and_limits(databases, tmp_path):  # noqa: F811
    source = databases()
    with source.app_context():
        world = make.world(db.session)
        rhythm(db.session, world, fko=5, ors=6, reason="Aftalt med borgeren – “citat”")
        limits(db.session, world.t1, fko=(2, 9), ors=(1, 10))
        db.session.remove()
    first = _export(source, tmp_path / "ud1")
    (citizen,) = [
        row
        for row in map(json.loads, first["alle/citizens.jsonl"].decode().splitlines())
        if row["fko_status_months"] is not None
    ]
    assert (citizen["fko_status_months"], citizen["ors_weeks"]) == (5, 6)
    assert citizen["rhythm_reason"] == "Aftalt med borgeren – “citat”"
    teams = [json.loads(line) for line in first["alle/teams.jsonl"].decode().splitlines()]
    assert {
        (t["fko_months_min"], t["fko_months_max"], t["ors_weeks_min"], t["ors_weeks_max"])
        for t in teams
    } == {
        (2, 9, 1, 10),
        (None, None, None, None),
    }
    target = databases()
    assert _import(target, tmp_path / "ud1").exit_code == 0
    assert _export(target, tmp_path / "ud2") == first  # byte for byte


def test_anonymisation_removes_the_reason_and_keeps_the_intervals(w, session):
    rhythm(session, w, fko=6, ors=8, reason="Borgeren bliver presset af hyppige målinger.")
    anonymise(session, w.c1.id, at(JAN20))
    session.commit()
    session.refresh(w.c1)
    assert (w.c1.fko_status_months, w.c1.ors_weeks, w.c1.rhythm_reason) == (6, 8, None)


def test_her_own_data_download_holds_her_rhythm(w, session, login_as):
    rhythm(session, w, ors=6, reason="Aftalt til mødet i januar.")
    data = login_as(w.borger).get("/mig/mine-data.json").json
    assert data["citizen"]["rhythm"] == {
        "fko_status_months": 3,
        "ors_weeks": 6,
        "text": "FKO-status hver 3. måned, ORS mindst hver 6. uge",
        "reason": "Aftalt til mødet i januar.",
    }
