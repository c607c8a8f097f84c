"""Visits on /tilsyn: entering PITSTOP's visit (seed 003), its theme scores and changes
against the previous visit, and who may see what."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from bostotte.auth.models import Role
from bostotte.tilsyn import services
from bostotte.tilsyn.models import IndicatorScore, Visit
from tests import factories as make
from tests.factories import World

PITSTOP = {
    "8.a": 5, "8.b": 5, "9.a": 4, "9.b": 2, "9.c": 5, "9.d": 3,
    "3.a": 3, "3.b": 3, "3.d": 5,
    "10.a": 2, "10.b": 3,
    "1.a": 4, "1.b": 4, "2.a": 4, "2.b": 5,
    "4.a": 5, "4.b": 5, "5.a": 5, "5.b": 5, "5.c": 5, "7.a": 5,
    "14.a": 5, "14.b": 5,
}  # fmt: skip


def form(w: World, day: str = "2025-03-04", scores: dict[str, int] | None = None, **kw: Any):
    data: dict[str, Any] = {
        "visit_date": day,
        "kind": "anmeldt",
        "visitor": "Socialtilsyn Hovedstaden",
        "offer": "PITSTOP",
        "team_ids": [str(w.t1.id)],
        "tekst-organisation": "Tilbuddet har en kompetent ledelse.",
        "tekst-oekonomi": "Økonomien vurderes at være bæredygtig.",
    }
    data.update({f"score-{k}": str(v) for k, v in (scores or PITSTOP).items()})
    data.update(kw)
    return data


def test_the_leader_enters_pitstop_and_sees_the_report_as_printed(w: World, login_as) -> None:
    client = login_as(w.leader)
    response = client.post("/tilsyn/besoeg/ny", data=form(w))
    assert response.status_code == 302
    visit = Visit.query.one()
    assert visit.score_map == PITSTOP
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Organisation og ledelse: 4,3" in page
    assert "Målgruppe, metoder og resultater: 3,7" in page
    assert "Kompetencer: 2,5" in page
    assert "Kriterium 9: Tilbuddets daglige drift varetages kompetent – 3,5" in page
    assert "Bedømmelse: 2. i lav grad opfyldt" in page
    assert "Økonomien vurderes at være bæredygtig." in page
    assert "Vurderes uden score" in page
    assert 'id="chart-tilsyn-radar"' in page


def test_the_next_visit_shows_each_change(w: World, login_as) -> None:
    client = login_as(w.leader)
    client.post("/tilsyn/besoeg/ny", data=form(w))
    later = {**PITSTOP, "9.b": 4, "10.a": 3}
    response = client.post("/tilsyn/besoeg/ny", data=form(w, "2026-03-02", later))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Scoren ændres fra 2 til 4" in page  # 9.b
    assert "Scoren ændres fra 2 til 3" in page  # 10.a
    assert "Uændret (5)" in page
    assert "Forrige besøg" in page and "4. mar. 2025" in page
    # The radar's table has both visits; Kompetencer 2,5 → 3 (mean of 3 and 3)
    assert "0,5 højere" in page


def test_previous_visit_is_of_the_same_teams(session, w: World) -> None:
    both = make.user(session, Role.LEADER, [w.t1, w.t2])
    data = {
        "kind": "anmeldt",
        "visitor": "BDO",
        "offer": "X",
        "model_version": "2024",
        "form": {},
    }
    a = services.create_visit(
        session, both, {**data, "visit_date": date(2025, 1, 1), "team_ids": [w.t1.id]}, make.TODAY
    )
    services.create_visit(
        session,
        both,
        {**data, "visit_date": date(2025, 6, 1), "team_ids": [w.t1.id, w.t2.id]},
        make.TODAY,
    )
    c = services.create_visit(
        session, both, {**data, "visit_date": date(2026, 1, 1), "team_ids": [w.t1.id]}, make.TODAY
    )
    assert services.previous_visit(session, c) == a
    assert services.previous_visit(session, a) is None


def test_bad_input_is_refused_in_danish_and_nothing_is_written(w: World, login_as) -> None:
    client = login_as(w.leader)
    bad = form(w, "2030-01-01", **{"score-9.b": "7", "team_ids": [str(w.t2.id)]})
    response = client.post("/tilsyn/besoeg/ny", data=bad)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Der er fejl i formularen" in page
    assert "Datoen må ikke ligge i fremtiden." in page
    assert "Indikator 9.b: vælg en score fra 1 til 5" in page
    assert "Vælg blandt dine egne teams." in page
    assert Visit.query.count() == 0
    response = client.post("/tilsyn/besoeg/ny", data={"visit_date": "x", "kind": "nej"})
    assert response.status_code == 400
    assert "Skriv en gyldig dato" in response.get_data(as_text=True)
    assert Visit.query.count() == 0


def test_editing_changes_scores_and_a_stale_form_is_refused(session, w: World, login_as) -> None:
    client = login_as(w.leader)
    client.post("/tilsyn/besoeg/ny", data=form(w))
    visit = Visit.query.one()
    edit = client.get(f"/tilsyn/besoeg/{visit.id}/rediger").get_data(as_text=True)
    assert 'value="PITSTOP"' in edit
    changed = {**PITSTOP}
    del changed["10.b"]
    response = client.post(
        f"/tilsyn/besoeg/{visit.id}/rediger", data=form(w, scores=changed, version="1")
    )
    assert response.status_code == 302
    session.expire_all()
    assert "10.b" not in Visit.query.one().score_map
    stale = client.post(f"/tilsyn/besoeg/{visit.id}/rediger", data=form(w, version="1"))
    assert stale.status_code == 409
    session.expire_all()
    assert "10.b" not in Visit.query.one().score_map


def test_delete(session, w: World, login_as) -> None:
    client = login_as(w.leader)
    client.post("/tilsyn/besoeg/ny", data=form(w))
    visit = Visit.query.one()
    assert client.post(f"/tilsyn/besoeg/{visit.id}/slet").status_code == 400
    assert (
        client.post(f"/tilsyn/besoeg/{visit.id}/slet", data={"bekraeft": "ja"}).status_code == 302
    )
    assert session.scalar(select(func.count()).select_from(IndicatorScore)) == 0


# ------------------------------------------------------------------------- who may


def pitstop_visit(session, w: World) -> Visit:  # type: ignore[no-untyped-def]
    """The PITSTOP visit of seed 003, team 1's."""
    return services.create_visit(
        session,
        w.leader,
        {
            "visit_date": date(2025, 3, 4),
            "kind": "anmeldt",
            "visitor": "Socialtilsyn Hovedstaden",
            "offer": "PITSTOP",
            "model_version": "2024",
            "team_ids": [w.t1.id],
            "form": {f"score-{k}": str(v) for k, v in PITSTOP.items()},
        },
        make.TODAY,
    )


@pytest.mark.parametrize("who", ["authority", "borger", "admin"])
def test_others_get_403_on_every_route(session, w: World, login_as, who: str) -> None:
    visit = pitstop_visit(session, w)
    session.commit()
    client = login_as(getattr(w, who))
    for url in ("/tilsyn", "/tilsyn/besoeg/ny", f"/tilsyn/besoeg/{visit.id}"):
        assert client.get(url).status_code == 403, url
    assert client.post("/tilsyn/besoeg/ny", data=form(w)).status_code == 403
    assert (
        client.post(f"/tilsyn/besoeg/{visit.id}/slet", data={"bekraeft": "ja"}).status_code == 403
    )
    assert Visit.query.count() == 1


def test_a_worker_sees_the_page_but_no_visit(session, w: World, login_as) -> None:
    visit = pitstop_visit(session, w)
    session.commit()
    client = login_as(w.w1)
    page = client.get("/tilsyn").get_data(as_text=True)
    assert "PITSTOP" not in page
    assert client.get(f"/tilsyn/besoeg/{visit.id}").status_code == 403
    assert client.post("/tilsyn/besoeg/ny", data=form(w)).status_code == 403


def test_another_teams_leader_gets_404(session, w: World, login_as) -> None:
    visit = pitstop_visit(session, w)
    other = make.user(session, Role.LEADER, [w.t2])
    session.commit()
    client = login_as(other)
    assert "PITSTOP" not in client.get("/tilsyn").get_data(as_text=True)
    assert client.get(f"/tilsyn/besoeg/{visit.id}").status_code == 404
    assert client.get(f"/tilsyn/besoeg/{visit.id}/rediger").status_code == 404
    assert (
        client.post(f"/tilsyn/besoeg/{visit.id}/slet", data={"bekraeft": "ja"}).status_code == 404
    )
    assert client.get("/tilsyn/besoeg/99999").status_code == 404
    assert Visit.query.count() == 1


def test_a_visit_of_two_teams_is_not_one_leaders_alone(session, w: World, login_as) -> None:
    both = make.user(session, Role.LEADER, [w.t1, w.t2])
    data = {
        "visit_date": date(2025, 3, 4),
        "kind": "uanmeldt",
        "visitor": "BDO",
        "offer": "Nord og Syd",
        "model_version": "2024",
        "team_ids": [w.t1.id, w.t2.id],
        "form": {},
    }
    visit = services.create_visit(session, both, data, make.TODAY)
    session.commit()
    assert login_as(both).get(f"/tilsyn/besoeg/{visit.id}").status_code == 200
    assert login_as(w.leader).get(f"/tilsyn/besoeg/{visit.id}").status_code == 404


def test_the_menu_has_tilsyn_for_leader_and_worker(w: World, login_as) -> None:
    assert ">Tilsyn<" in login_as(w.leader).get("/tilsyn").get_data(as_text=True)
    assert 'href="/tilsyn"' in login_as(w.w1).get("/tilsyn").get_data(as_text=True)
    page = login_as(w.authority).get("/borgere").get_data(as_text=True)
    assert 'href="/tilsyn"' not in page


def test_no_citizen_name_on_any_tilsyn_page(session, w: World, login_as) -> None:
    visit = pitstop_visit(session, w)
    session.commit()
    client = login_as(w.leader)
    for url in ("/tilsyn", f"/tilsyn/besoeg/{visit.id}", f"/tilsyn/besoeg/{visit.id}/rediger"):
        page = client.get(url).get_data(as_text=True)
        assert w.c1.display_name not in page and w.c2.display_name not in page
