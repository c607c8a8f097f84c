"""The leader's share of citizens on track per team on /statistik, beside the mastery share,
with the statistics' small-number rule."""

from __future__ import annotations

import pytest

from bostotte.progress import services
from bostotte.stats.queries import Scope
from tests import factories as make
from tests.progress.test_views import history, ors


@pytest.fixture(autouse=True)
def fresh_norms():  # type: ignore[no-untyped-def]
    services.kept.clear()
    yield
    services.kept.clear()


def team_of(session, team, on_track, off_track):  # type: ignore[no-untyped-def]
    for _ in range(on_track):
        ors(session, make.citizen(session, team), [17.0, 19.0, 20.5, 21.0])
    for _ in range(off_track):
        ors(session, make.citizen(session, team), [17.0, 15.0, 14.0, 13.0])


def test_share_on_track_per_team_and_small_teams_hidden(session, w):  # type: ignore[no-untyped-def]
    history(session, 40)
    team_of(session, w.t1, 4, 2)
    team_of(session, w.t2, 1, 2)  # three assessed: fewer than five
    session.commit()
    cells = services.on_track_cells(session, Scope((w.t1.id, w.t2.id)), 5, make.TODAY)
    # Team Syd is small; Team Nord is hidden beside it, or Syd = total − Nord
    assert cells["Team Syd"] == {"n": None, "suppressed": True}
    assert cells["Team Nord"] == {"n": None, "suppressed": True, "complementary": True}
    alone = services.on_track_cells(session, Scope((w.t1.id,)), 5, make.TODAY)
    assert alone == {"Team Nord": {"n": 6, "on_track": 4, "share": pytest.approx(4 / 6)}}


def test_the_leader_sees_it_beside_the_mastery_share(session, w, login_as):  # type: ignore[no-untyped-def]
    history(session, 40)
    team_of(session, w.t1, 4, 2)
    session.commit()
    html = login_as(w.leader).get("/statistik?fra=2025-01-01&til=2025-12-31").get_data(as_text=True)
    assert "ORS på sporet nu" in html
    assert '<td data-title="ORS på sporet nu">67' in html
    assert '<td data-title="Antal vurderet">6</td>' in html
    # no citizen is named on the leader's page
    assert "Borger" not in html.split("opdeling-team")[1].split("</table>")[0]


def test_myndighed_counts_her_referred_citizens_only(session, w):  # type: ignore[no-untyped-def]
    history(session, 40)
    team_of(session, w.t1, 6, 0)
    session.commit()
    assert services.on_track_cells(session, Scope(referred_by=w.authority.id), 5, make.TODAY) == {}
