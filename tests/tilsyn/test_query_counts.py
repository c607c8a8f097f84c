"""The visit page, the list and the resultatdokumentation ask the database a fixed number of
questions, however many visits, scores, henstillinger, actions, stikprøver and citizens there
are."""

from __future__ import annotations

from datetime import date

from bostotte.tilsyn import handleplan, samples, services
from bostotte.tilsyn.models import Recommendation
from tests import factories as make
from tests.factories import World
from tests.stats import bulk
from tests.tilsyn.test_handleplan import _action
from tests.tilsyn.test_samples import leaders_read  # noqa: F401 (fixture)
from tests.tilsyn.test_visits import pitstop_visit


def _count(client, url: str, count_queries) -> int:  # type: ignore[no-untyped-def]
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_bounded(session, w: World, login_as, count_queries, leaders_read) -> None:  # noqa: F811
    visit = pitstop_visit(session, w)

    def more(n: int) -> None:  # an earlier visit of the same team, an action, a stikprøve
        earlier = services.create_visit(
            session,
            w.leader,
            {
                "visit_date": date(2024, 1 + n, 1),
                "kind": "egen_vurdering",
                "visitor": "Tilbuddet",
                "offer": "PITSTOP",
                "model_version": "2024",
                "team_ids": [w.t1.id],
                "form": {"score-8.a": "3", "score-9.a": "4", "score-10.a": "2"},
            },
            make.TODAY,
        )
        handleplan.add_action(session, earlier, _action())
        handleplan.add_action(session, visit, _action(indicator="10.a", owner_id=str(w.w1.id)))
        rec = Recommendation(position=n + 1, text=f"Henstilling nr. {n}")
        visit.recommendations.append(rec)
        session.flush()
        handleplan.add_action(session, visit, _action(indicator="", recommendation_id=str(rec.id)))
        samples.draw(session, w.leader, visit, {"size": 1, "reason": f"nr. {n}"})

    more(0)
    session.commit()
    client = login_as(w.leader)
    page, index = f"/tilsyn/besoeg/{visit.id}", "/tilsyn"
    before = _count(client, page, count_queries), _count(client, index, count_queries)
    for n in range(1, 5):
        more(n)
    session.commit()
    after = _count(client, page, count_queries), _count(client, index, count_queries)
    assert after == before


def test_the_resultatdokumentation_is_bounded(session, w: World, login_as, count_queries) -> None:
    bulk.add(session, bulk.Spec(w.t1.id, 6, w.w1.id))
    client = login_as(w.leader)
    url = "/tilsyn/resultatdokumentation?aar=2026"
    client.post(url, data={"tekst": "Brugt", "version": "0"})
    before = _count(client, url, count_queries)
    bulk.add(session, bulk.Spec(w.t1.id, 40, w.w1.id))
    assert _count(client, url, count_queries) == before
