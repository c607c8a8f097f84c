"""The demo's tilsyn part (bostotte/demo/tilsyn.py): its earlier visit has henstillinger, and
the resultatdokumentation of last year shows the leader's text, as `make run` does."""

from __future__ import annotations

from bostotte.common.time import local_today
from bostotte.demo.tilsyn import RESULTS_USED, earlier_visit, last_years_results


def test_the_demo_visit_and_last_years_text(session, w, login_as):
    today = local_today()
    visit = earlier_visit(session, w.leader, [w.t1], today)
    last_years_results(session, w.leader, [w.t1], today)
    session.commit()
    assert [r.indicator for r in visit.recommendations] == ["3.b", None]
    client = login_as(w.leader)
    page = client.get("/tilsyn/resultatdokumentation", query_string={"aar": today.year - 1})
    assert RESULTS_USED.split("\n")[0] in page.get_data(as_text=True)
    this_year = client.get("/tilsyn/resultatdokumentation").get_data(as_text=True)
    assert RESULTS_USED.split("\n")[0] not in this_year
    shown = client.get(f"/tilsyn/besoeg/{visit.id}").get_data(as_text=True)
    assert "Tilbuddet skal dokumentere borgernes resultater systematisk" in shown
