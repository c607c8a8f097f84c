from datetime import date

import pytest
from sqlalchemy import func, select

from bostotte.auth.services import set_setting
from bostotte.citizens.models import Citizen, Plan
from bostotte.scoring.services import record_scoring
from tests import factories as make


def citizen_form(w, **over):
    form = {
        "display_name": "Mette Holm",
        "case_ref": "SAG-1",
        "birth_year": "1990",
        "gender": "k",
        "team_id": str(w.t1.id),
        "legal_basis": "§85",
        "start_date": "2026-02-01",
        "uses_fko": "1",
        "uses_fit": "1",
        "caseworker_id": str(w.authority.id),
        "primary_worker_id": str(w.w1.id),
    }
    form.update(over)
    return {k: v for k, v in form.items() if v is not None}


def test_create_citizen_then_plan(w, login_as, session):
    client = login_as(w.w1)
    r = client.post("/borgere/ny", data=citizen_form(w))
    assert r.status_code == 302 and "/plan/ny" in r.headers["Location"]
    c = session.scalars(select(Citizen).where(Citizen.display_name == "Mette Holm")).one()
    assert (c.team_id, c.methods, c.caseworker_id, c.pakke1) == (
        w.t1.id,
        ["FKO", "FIT"],
        w.authority.id,
        False,
    )
    r = client.post(
        f"/borgere/{c.id}/plan/ny",
        data={"legal_basis": "§85", "start_date": "2026-02-01", "end_date": "2027-01-31"},
    )
    assert r.status_code == 302
    page = client.get(f"/borgere/{c.id}").get_data(as_text=True)
    assert "1. feb. 2026 – 31. jan. 2027" in page and "0 af 3 aktive" in page


@pytest.mark.parametrize(
    ("over", "field_message"),
    [
        ({"display_name": ""}, "Udfyld feltet."),
        ({"birth_year": "18"}, "Skriv et fødselsår mellem 1900 og 2100."),
        ({"birth_year": "abc"}, "Skriv et helt tal."),
        ({"gender": "x"}, "Vælg en af mulighederne."),
        ({"start_date": "i går"}, "Skriv en gyldig dato"),
        ({"end_date": "2025-01-01"}, "Slutdatoen skal ligge efter startdatoen."),
        ({"uses_fko": None, "uses_fit": None}, "Vælg mindst én metode."),
    ],
)
def test_create_citizen_bad_input(w, login_as, session, over, field_message):
    before = session.scalar(select(func.count()).select_from(Citizen))
    r = login_as(w.w1).post("/borgere/ny", data=citizen_form(w, **over))
    assert r.status_code == 400
    assert field_message in r.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Citizen)) == before


def test_worker_cannot_place_a_citizen_in_another_team(w, login_as, session):
    r = login_as(w.w1).post("/borgere/ny", data=citizen_form(w, team_id=str(w.t2.id)))
    assert r.status_code == 400 and "Vælg et af dine teams." in r.get_data(as_text=True)


def test_edit_citizen(w, login_as, session):
    r = login_as(w.w1).post(
        f"/borgere/{w.c1.id}/rediger", data=citizen_form(w, display_name="Nyt Navn", pakke1="1")
    )
    assert r.status_code == 302
    c = session.get(Citizen, w.c1.id)
    assert (c.display_name, c.pakke1) == ("Nyt Navn", True)


def test_only_one_active_plan(w, login_as, session):
    r = login_as(w.w1).post(
        f"/borgere/{w.c1.id}/plan/ny",
        data={"legal_basis": "§85", "start_date": "2026-02-01", "end_date": "2027-01-31"},
    )
    assert r.status_code == 400 and "allerede en aktiv plan" in r.get_data(as_text=True)
    assert (
        session.scalar(select(func.count()).select_from(Plan).where(Plan.citizen_id == w.c1.id))
        == 1
    )


def test_82b_is_at_most_six_months_and_goals_carry_over(w, login_as, session):
    c = make.citizen(session, w.t1, legal_basis="§82b")
    session.commit()
    client = login_as(w.w1)
    r = client.post(
        f"/borgere/{c.id}/plan/ny",
        data={"legal_basis": "§82b", "start_date": "2026-01-01", "end_date": "2026-08-01"},
    )
    assert r.status_code == 400 and "højst vare 6 måneder" in r.get_data(as_text=True)
    r = client.post(
        f"/borgere/{c.id}/plan/ny",
        data={"legal_basis": "§82b", "start_date": "2026-01-01", "end_date": "2026-06-30"},
    )
    assert r.status_code == 302
    plan = session.get(Citizen, c.id).active_plan
    assert (plan.sessions_granted, plan.sessions_used) == (10, 0)
    make.goal(session, w.w1, plan, specific="Få styr på økonomien")
    session.commit()
    r = client.post(f"/borgere/{c.id}/plan/{plan.id}/afslut", data={"closed_on": "2026-06-01"})
    assert r.status_code == 302
    r = client.post(
        f"/borgere/{c.id}/plan/ny",
        data={
            "legal_basis": "§85",
            "start_date": "2026-06-02",
            "end_date": "2027-06-01",
            "carry_over": "1",
        },
    )
    assert r.status_code == 302
    new = session.get(Citizen, c.id).active_plan
    assert new.legal_basis == "§85"
    assert [g.specific for g in new.active_goals] == ["Få styr på økonomien"]


def test_list_shows_plan_goals_and_next_scoring_due(w, login_as, session):
    g = make.goal(session, w.w1, w.p1)
    record_scoring(
        session,
        w.authority,
        w.c1,
        "FKO",
        {
            "scored_on": date(2026, 1, 5),
            "goal_id": g.id,
            "occasion": "baseline",
            "participation": "together",
        },
        {"value": "3"},
        today=date(2026, 1, 5),
    )
    session.commit()
    page = login_as(w.w1).get("/borgere").get_data(as_text=True)
    assert w.c1.display_name in page and "Team Nord" in page and "§85" in page
    assert "1 af 3" in page
    # plan start 1 Jan 2026 and no ORS yet: ORS is flagged after 4 weeks, the soonest due
    assert "ORS: 29. jan. 2026" in page and "Over fristen" in page
    page = login_as(w.w1).get("/borgere?q=ingen-sådan").get_data(as_text=True)
    assert w.c1.display_name not in page and "Ingen borgere matcher" in page


def test_82b_sessions_are_counted_and_extended_once(w, login_as, session):
    c = make.citizen(session, w.t1, legal_basis="§82b")
    plan = make.plan(session, c, start=date(2026, 1, 1), end=date(2026, 6, 30), legal_basis="§82b")
    plan.sessions_used = 9
    set_setting(session, "leader_reads_records", True)  # a leader reads only when allowed
    session.commit()
    client = login_as(w.w1)
    page = client.get(f"/borgere/{c.id}").get_data(as_text=True)
    assert "Registrér en samtale" in page and "Forlæng med 10 samtaler" in page
    response = login_as(w.leader).get(f"/borgere/{c.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Registrér en samtale" not in page and "Forlæng med 10 samtaler" not in page
    page = client.get(f"/borgere/{w.c1.id}").get_data(as_text=True)  # § 85: no sessions
    assert "Registrér en samtale" not in page
    url = f"/borgere/{c.id}/plan/{plan.id}"
    client.post(f"{url}/samtale")
    assert session.get(Plan, plan.id).sessions_used == 10
    page = client.post(f"{url}/samtale", follow_redirects=True).get_data(as_text=True)
    assert "Alle bevilgede samtaler er brugt" in page
    assert session.get(Plan, plan.id).sessions_used == 10
    client.post(f"{url}/forlaeng")
    assert session.get(Plan, plan.id).sessions_granted == 20
    page = client.post(f"{url}/forlaeng", follow_redirects=True).get_data(as_text=True)
    assert "kan kun forlænges én gang" in page
    assert session.get(Plan, plan.id).sessions_granted == 20
    page = client.get(f"/borgere/{c.id}").get_data(as_text=True)
    assert "10 af 20 brugt" in page
    assert "Registrér en samtale" in page and "Forlæng med 10 samtaler" not in page


def test_an_ended_indsats_has_nothing_due(w, login_as, session):
    make.citizen(session, w.t1, display_name="Afsluttet Borger", end_date=date(2026, 3, 1))
    session.commit()
    page = login_as(w.w1).get("/borgere?q=Afsluttet").get_data(as_text=True)
    row = page[page.index("Afsluttet Borger") :]
    row = row[: row.index("</tr>")]
    assert "Ingen aktiv plan" in row and "Over fristen" not in row and "ORS:" not in row
