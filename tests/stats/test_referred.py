"""Myndighed's statistics: the same engine scoped to the citizens she referred (Scope's
`referred_by`), on /statistik, its CSV and the API; small cells hidden as always; no
targets, no report to the socialudvalg and no staff's numbers for her."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from bostotte.api import tokens
from bostotte.auth.models import Role
from bostotte.common.time import utcnow
from bostotte.stats.models import StatTarget
from bostotte.stats.queries import Period, Scope
from bostotte.stats.services import compute
from tests import factories as make
from tests.stats import bulk
from tests.stats.helpers import forget_snapshots

YEAR = {"fra": "2026-01-01", "til": "2026-11-23"}
P = Period(date(2026, 1, 1), date(2026, 11, 23))
TODAY = date(2026, 11, 23)
MEASURES = ("fko", "ors", "rem", "documentation")


@pytest.fixture()
def w(w, session):
    """Myndighed referred 6 citizens of Team Nord (improved) and 5 of Team Syd (worse), and
    citizen 1 (no FKO goal); Team Nord has 10 more she did not refer."""
    mine = w.authority.id
    bulk.add(session, bulk.Spec(w.t1.id, 6, w.w1.id, status=2, caseworker_id=mine))
    bulk.add(session, bulk.Spec(w.t2.id, 5, w.w2.id, status=4, caseworker_id=mine))
    bulk.add(session, bulk.Spec(w.t1.id, 10, w.w1.id, status=2, name="Ikke henvist"))
    return w


def test_her_scope_counts_her_citizens_across_teams(w, session):
    mine = compute(session, P, today=TODAY, scope=Scope(referred_by=w.authority.id))
    total = mine["fko"]["total"]
    assert (total["n"], total["maintained_or_improved"], total["improved"]) == (11, 6, 6)
    assert mine["ors"]["n"] == 11
    nobody = compute(session, P, today=TODAY, scope=Scope(referred_by=w.admin.id))
    assert nobody["fko"]["total"] == {"n": None, "suppressed": True}


def test_her_scope_is_the_same_engine_as_a_teams(session):
    """When she referred exactly one team's citizens, her numbers are that team's, measure
    for measure, with and without a theme."""
    team = make.team(session)
    worker = make.user(session, Role.WORKER, [team])
    caseworker = make.user(session, Role.AUTHORITY)
    session.commit()
    bulk.add(session, bulk.Spec(team.id, 9, worker.id, status=2, caseworker_id=caseworker.id))
    other = make.team(session)
    session.commit()
    bulk.add(session, bulk.Spec(other.id, 7, None, status=4))
    for theme in (None, "mestring"):
        hers = compute(session, P, today=TODAY, scope=Scope(referred_by=caseworker.id, theme=theme))
        teams = compute(session, P, today=TODAY, scope=Scope((team.id,), theme))
        for measure in MEASURES:
            assert hers[measure] == teams[measure], (theme, measure)


def _text(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


def _fko_total(html: bytes) -> str:
    page = html.decode()
    table = page[page.index('id="fko-heading"') :]
    row = re.search(r'<th scope="row">Alle temaer</th>(.*?)</tr>', table, re.S)
    assert row
    return re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)[-1])


def test_myndighed_reads_her_numbers_on_the_page(w, login_as):
    response = login_as(w.authority).get("/statistik", query_string=YEAR)
    assert response.status_code == 200
    html, text = response.data.decode(), _text(response.data)
    assert _fko_total(response.data) == "11"  # her 11 goals, not Team Nord's 16
    assert "Resultater for de borgere, du har henvist" in text
    assert 'name="team"' not in html  # her citizens are in several teams: no team filter
    assert "export.csv" in html
    # the leader's part: targets, the report to the socialudvalg, documentation per worker
    for leaders in ("maal_tema", "rapport.pdf", "Pr. medarbejder", w.w1.name, w.w2.name):
        assert leaders not in html, leaders
    assert "Du er ikke leder" not in text


def test_myndighed_gets_no_team_no_target_and_no_report(w, login_as, session):
    client = login_as(w.authority)
    assert client.get("/statistik", query_string={"team": w.t1.id}).status_code == 403
    assert client.get("/statistik/export.csv", query_string={"team": w.t1.id}).status_code == 403
    assert client.get("/statistik/rapport.pdf", query_string=YEAR).status_code == 403
    target = {"maal_tema": "mestring", "andel": "63", "maal_fra": "2026-01-01"}
    response = client.post("/statistik/maal", data={**target, "maal_til": "2026-12-31"})
    assert response.status_code == 403
    assert session.scalars(select(StatTarget)).all() == []


def test_her_csv_has_her_numbers_and_no_staff(w, login_as):
    response = login_as(w.authority).get("/statistik/export.csv", query_string=YEAR)
    assert response.status_code == 200
    body = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    total = next(r for r in rows if r[0] == "FKO mestring" and r[3] == "I alt" and r[5] == "I alt")
    assert total[6] == "11"
    assert not [r for r in rows if r[3] == "Medarbejder"]
    assert w.w1.name not in body and w.w2.name not in body


def test_her_small_numbers_are_hidden(w, login_as, session):
    few = make.user(session, Role.AUTHORITY)
    session.commit()
    bulk.add(session, bulk.Spec(w.t1.id, 3, w.w1.id, caseworker_id=few.id))
    response = login_as(few).get("/statistik", query_string=YEAR)
    assert response.status_code == 200
    assert _fko_total(response.data) == "&lt;5"


def test_the_api_gives_her_the_same_numbers(w, client, session):
    _, secret = tokens.create_personal(
        session, w.authority, "Statistik", ["read:stats"], 30, utcnow()
    )
    session.commit()
    response = client.get(
        "/api/v1/statistics",
        query_string={"from": "2026-01-01", "to": "2026-11-23"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200, response.json
    assert response.json["fko"]["total"]["n"] == 11


def test_her_page_is_a_fixed_number_of_queries(w, login_as, count_queries, session):
    client = login_as(w.authority)
    client.get("/statistik", query_string=YEAR)  # warm up: the login
    forget_snapshots(session)  # both counted pages compute their numbers
    with count_queries() as small:
        assert client.get("/statistik", query_string=YEAR).status_code == 200
    bulk.add(session, bulk.Spec(w.t2.id, 200, w.w2.id, caseworker_id=w.authority.id))
    with count_queries() as large:
        response = client.get("/statistik", query_string=YEAR)
    assert _fko_total(response.data) == "211"
    assert len(large) == len(small)
