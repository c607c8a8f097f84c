"""The socialudvalg's two reports (seed 001: "en midtvejsstatus og en afsluttende status")
differ in what they count, and compare with a baseline year the leader chooses."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from bostotte.stats import report
from bostotte.stats.queries import Period, Scope
from bostotte.stats.services import compute, dashboard
from tests import factories as make
from tests.stats.helpers import fko

YEAR = {"fra": "2026-01-01", "til": "2026-11-23"}
P = Period(date(2026, 1, 1), date(2026, 11, 23))


def _goal(session, worker, team, baseline_on, baseline, occasion, on, value, theme="mestring"):
    citizen = make.citizen(session, team)
    plan = make.plan(session, citizen, start=date(2016, 1, 1), end=date(2026, 12, 31))
    goal = make.goal(session, worker, plan, theme=theme, target_date=date(2026, 6, 1))
    fko(session, goal, "baseline", baseline_on, baseline)
    fko(session, goal, occasion, on, value)
    return goal


@pytest.fixture()
def w(w, session):
    """Team Nord in 2026: 6 goals closed (final 2 from baseline 3) and 7 under way (status 4
    from 3). In 2017, seed 001's baseline: 47 closed goals, 28 of them kept or gained
    mastery (60 %)."""
    for _ in range(6):
        _goal(session, w.w1, w.t1, date(2025, 1, 5), 3, "final", date(2026, 6, 1), 2)
    for _ in range(7):
        _goal(session, w.w1, w.t1, date(2025, 1, 5), 3, "status", date(2026, 4, 1), 4)
    for k in range(47):
        _goal(
            session, w.w1, w.t1, date(2016, 3, 1), 3, "final", date(2017, 9, 1), 3 if k < 28 else 4
        )
    session.commit()
    return w


def test_closed_and_open_goals_are_counted_apart(w, session):
    team = Scope(team_ids=(w.t1.id,))
    both = compute(session, P, scope=team)["fko"]["total"]
    closed = compute(session, P, scope=replace(team, goals="closed"))["fko"]["total"]
    open_ = compute(session, P, scope=replace(team, goals="open"))["fko"]["total"]
    assert (both["n"], both["maintained_or_improved"]) == (13, 6)
    assert (closed["n"], closed["maintained_or_improved"], closed["improved"]) == (6, 6, 6)
    assert (open_["n"], open_["maintained_or_improved"]) == (7, 0)


def test_a_baseline_year_counts_the_goals_closed_that_year(w, session):
    """Seed 001's baseline, reproduced: 28 of 47 goals closed in 2017 → 60 %."""
    dash = dashboard(
        session,
        P,
        today=date(2026, 11, 23),
        scope=Scope(team_ids=(w.t1.id,), goals="open"),
        compare_with=Period(date(2017, 1, 1), date(2017, 12, 31)),
    )
    baseline = dash["previous"]["by_theme"]["mestring"]
    assert (baseline["n"], baseline["maintained_or_improved"]) == (47, 28)
    assert round(baseline["share"] * 100) == 60
    assert dash["current"]["fko"]["total"]["n"] == 7  # the midtvejsstatus: goals under way


def _pdf(response) -> str:
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    return " ".join(text.split())


def test_the_two_reports_differ_in_content_and_file_name(w, login_as):
    leader = login_as(w.leader)
    args = {**YEAR, "basisaar": "2017"}
    midway = leader.get("/statistik/rapport.pdf", query_string={**args, "type": "midtvejs"})
    final = leader.get("/statistik/rapport.pdf", query_string={**args, "type": "endelig"})
    assert "midtvejsstatus.pdf" in midway.headers["Content-Disposition"]
    assert "afsluttende-status.pdf" in final.headers["Content-Disposition"]
    midway_text, final_text = _pdf(midway), _pdf(final)
    assert f"Rapporten tæller {report.REPORT_COUNTS['midtvejs']}" in midway_text
    assert f"Rapporten tæller {report.REPORT_COUNTS['endelig']}" in final_text
    for text in (midway_text, final_text):
        assert "Sammenlignet med: basisåret 2017" in text
        assert "60\u00a0% (n = 47)" in text or "60 % (n = 47)" in text
    # the share and N per theme: 7 goals under way, none kept; 6 closed, all improved
    assert "Mestring af eget liv 60" in midway_text.replace("\u00a0", " ")
    midway_row = midway_text.replace("\u00a0", " ").split("Mestring af eget liv 60 % (n = 47)")[1]
    final_row = final_text.replace("\u00a0", " ").split("Mestring af eget liv 60 % (n = 47)")[1]
    assert midway_row.split()[:3] == ["–", "0", "%"]
    assert final_row.split()[:3] == ["–", "100", "%"]


def test_a_baseline_year_out_of_range_gets_a_danish_message(w, login_as):
    response = login_as(w.leader).get("/statistik", query_string={**YEAR, "basisaar": "1917"})
    assert response.status_code == 400
    assert "Vælg et basisår mellem 2000 og 2100." in response.data.decode()


def test_the_page_compares_with_the_baseline_year(w, login_as):
    page = login_as(w.leader).get("/statistik", query_string={**YEAR, "basisaar": "2017"})
    text = " ".join(page.data.decode().split())
    assert "sammenlignet med basisåret 2017 (mål afsluttet det år)" in text
