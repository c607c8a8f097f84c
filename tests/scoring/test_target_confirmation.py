"""A goal's FKO target worse than its baseline (more support needed at the end than at the
start) may be meant, but is more often a slip: the form asks for a confirmation; the API,
which sends what an integration means, is not blocked. And after a save the form sends her
to the top of the citizen page, where the message is, never to an anchor."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bostotte.api import tokens
from bostotte.common.time import utcnow
from bostotte.scoring.models import Scoring
from tests import factories as make

QUESTION = "Mål for støttebehov (3 – Højt) er dårligere end udgangspunktet (2 – Moderat)."


@pytest.fixture()
def w(w, session):
    w = make.with_goal(session, w)
    make.score(
        session,
        w.authority,
        w.c1,
        "FKO",
        date(2026, 2, 1),
        {"value": 2},
        goal_id=w.g1.id,
        occasion="baseline",
    )
    session.commit()
    return w


def new_url(w) -> str:  # type: ignore[no-untyped-def]
    return f"/borgere/{w.c1.id}/scoringer/FKO/ny?occasion=target&goal={w.g1.id}"


def target(w, value: str = "3", **overrides: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {
        "scored_on": "2026-02-01",
        "goal_id": str(w.g1.id),
        "occasion": "target",
        "participation": "together",
        "v_value": value,
    }
    data.update(overrides)
    return data


def targets(session) -> list[Scoring]:  # type: ignore[no-untyped-def]
    return list(session.scalars(select(Scoring).where(Scoring.occasion == "target")))


def test_a_worse_target_asks_and_saves_nothing(w, login_as, session):
    r = login_as(w.authority).post(new_url(w), data=target(w))
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and targets(session) == []
    assert "Målet er dårligere end udgangspunktet" in page
    assert QUESTION in page
    assert 'type="checkbox" id="f-confirm_target" name="confirm_target"' in page
    assert "Der er fejl i formularen" not in page  # a question, not an error
    # what she entered is still there
    assert 'name="v_value" value="3" class="form-radio" checked' in page


def test_confirmed_it_is_saved(w, login_as, session):
    r = login_as(w.authority).post(new_url(w), data=target(w, confirm_target="1"))
    assert r.status_code == 302
    assert [s.total for s in targets(session)] == [3]


@pytest.mark.parametrize("value", ["2", "1"], ids=["equal", "better"])
def test_an_equal_or_better_target_is_not_asked(w, login_as, session, value):
    r = login_as(w.authority).post(new_url(w), data=target(w, value))
    assert r.status_code == 302 and [s.total for s in targets(session)] == [int(value)]


def test_the_question_comes_with_the_other_errors(w, login_as, session):
    r = login_as(w.authority).post(new_url(w), data=target(w, scored_on="2099-01-01"))
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and targets(session) == []
    assert "Datoen må ikke ligge i fremtiden." in page and QUESTION in page


def test_a_ticked_box_stays_ticked_when_another_field_is_wrong(w, login_as, session):
    data = target(w, scored_on="2099-01-01", confirm_target="1")
    page = login_as(w.authority).post(new_url(w), data=data).get_data(as_text=True)
    assert QUESTION not in page  # confirmed: not asked again
    assert 'name="confirm_target" value="1" class="form-checkbox" checked' in page
    assert targets(session) == []


def test_editing_the_baseline_below_the_target_asks_too(w, login_as, session):
    make.score(
        session,
        w.authority,
        w.c1,
        "FKO",
        date(2026, 2, 1),
        {"value": 2},
        goal_id=w.g1.id,
        occasion="target",
    )
    session.commit()
    baseline = session.scalar(select(Scoring).where(Scoring.occasion == "baseline"))
    edit = f"/borgere/{w.c1.id}/scoringer/{baseline.id}/rediger"
    data = target(w, "1", occasion="baseline")
    client = login_as(w.authority)
    r = client.post(edit, data=data)
    assert r.status_code == 400
    assert (
        "Mål for støttebehov (2 – Moderat) er dårligere end udgangspunktet (1 – Let)."
        in r.get_data(as_text=True)
    )
    session.refresh(baseline)
    assert (baseline.total, baseline.version) == (2, 1)
    assert client.post(edit, data={**data, "confirm_target": "1"}).status_code == 302
    session.refresh(baseline)
    assert (baseline.total, baseline.version) == (1, 2)


def test_the_api_is_not_asked(w, client, session):
    _, secret = tokens.create_personal(
        session, w.authority, "Sag", ["write:scorings"], 30, utcnow()
    )
    session.commit()
    r = client.post(
        "/api/v1/scorings",
        headers={"Authorization": f"Bearer {secret}"},
        json={
            "citizen_id": w.c1.id,
            "instrument": "FKO",
            "goal_id": w.g1.id,
            "occasion": "target",
            "scored_on": "2026-02-01",
            "values": {"value": 3},
        },
    )
    assert r.status_code == 201, r.json
    assert [s.total for s in targets(session)] == [3]


def test_after_a_save_the_citizen_page_opens_at_the_top(w, login_as, session):
    r = login_as(w.w1).post(
        f"/borgere/{w.c1.id}/scoringer/ORS/ny",
        data={
            "scored_on": "2026-03-01",
            "participation": "together",
            **{f"v_{k}": "5" for k in ("individuelt", "interpersonelt", "socialt", "generelt")},
        },
    )
    assert r.status_code == 302
    assert r.headers["Location"] == f"/borgere/{w.c1.id}"  # no #instrument-ORS
    r = login_as(w.authority).post(new_url(w), data=target(w, "1"))
    assert r.headers["Location"] == f"/borgere/{w.c1.id}"  # no #goal-…
