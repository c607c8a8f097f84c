"""Pedagogical method as a breakdown (seed 004: MI, ICM, CTI, neuropædagogik, narrativ …
recorded on the delmål), beside the instruments used."""

from __future__ import annotations

from datetime import date

from bostotte.stats.queries import Period, Scope
from bostotte.stats.services import compute
from tests import factories as make
from tests.stats.helpers import fko

P = Period(date(2026, 1, 1), date(2026, 11, 23))


def test_goals_count_under_each_method_of_her_delmaal(w, session, login_as):
    # 5 citizens work with MI (3 of them also ICM), 2 with CTI only: every goal improved
    # for the MI citizens, none for the CTI ones.
    for k in range(7):
        citizen = make.citizen(session, w.t1)
        plan = make.plan(session, citizen, start=date(2025, 1, 1), end=date(2026, 12, 31))
        goal = make.goal(session, w.w1, plan, theme="mestring", target_date=date(2026, 6, 1))
        methods = ["MI", "ICM"] if k < 3 else ["MI"] if k < 5 else ["CTI"]
        for method in methods:
            make.subgoal(session, goal, method=method)
        fko(session, goal, "baseline", date(2025, 1, 5), 3)
        fko(session, goal, "status", date(2026, 4, 1), 2 if k < 5 else 4)
    session.commit()
    groups = compute(session, P, by="pedagogy", scope=Scope((w.t1.id,)), min_cell=1)["by"]
    groups = groups["groups"]
    assert {
        g: (m["fko"]["total"]["n"], m["fko"]["total"]["maintained_or_improved"])
        for g, m in groups.items()
    } == {"MI": (5, 5), "ICM": (3, 3), "CTI": (2, 0)}
    page = login_as(w.leader).get(
        "/statistik", query_string={"fra": "2026-01-01", "til": "2026-11-23"}
    )
    html = page.data.decode()
    assert 'id="opdeling-pedagogy"' in html and "Pædagogisk metode" in html
    table = html[html.index('id="opdeling-pedagogy"') :]
    table = table[: table.index("</table>")]
    assert "Motivationssamtalen (MI)" in table and "Critical Time Intervention (CTI)" in table
