"""The quarter page: every active goal's FKO status in one form, all saved or none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bostotte.audit.models import AccessLog
from bostotte.common.time import local_today
from bostotte.goals.models import Goal
from bostotte.reminders.models import Reminder
from bostotte.scoring.models import Scoring
from tests import factories as make


@dataclass
class QuarterWorld(make.World):
    g1: Goal
    g2: Goal
    g3: Goal


@pytest.fixture()
def w(w, session):
    goals = [make.goal(session, w.w1, w.p1, specific=f"Mål nummer {n}") for n in (1, 2, 3)]
    g1, g2, g3 = goals
    make.score(
        session,
        w.authority,
        w.c1,
        "FKO",
        date(2026, 2, 1),
        {"value": 3},
        goal_id=g1.id,
        occasion="baseline",
    )
    make.score(
        session,
        w.authority,
        w.c1,
        "FKO",
        date(2026, 2, 1),
        {"value": 1},
        goal_id=g1.id,
        occasion="target",
    )
    make.score(
        session, w.w1, w.c1, "FKO", date(2026, 5, 4), {"value": 2}, goal_id=g1.id, occasion="status"
    )
    session.commit()
    return QuarterWorld(**vars(w), g1=g1, g2=g2, g3=g3)


def url(w) -> str:  # type: ignore[no-untyped-def]
    return f"/borgere/{w.c1.id}/kvartal"


def statuses(session) -> list[Scoring]:  # type: ignore[no-untyped-def]
    return list(
        session.scalars(
            select(Scoring).where(Scoring.occasion == "status").order_by(Scoring.goal_id)
        )
    )


def form(w, **overrides: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {
        "scored_on": "2026-08-10",
        "participation": "worker_draft",
        f"goal-{w.g1.id}.value": "1",
        f"goal-{w.g1.id}.worker_note": "Åbner selv posten nu",
        f"goal-{w.g2.id}.value": "2",
        f"goal-{w.g2.id}.worker_note": "",
        f"goal-{w.g3.id}.value": "4",
        f"goal-{w.g3.id}.worker_note": "Har brug for følge til lægen",
    }
    data.update(overrides)
    return data


def test_the_page_shows_baseline_target_latest_and_the_scale_words(w, login_as, session):
    r = login_as(w.w1).get(url(w))
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Kvartalets FKO-status" in page
    for n in (1, 2, 3):
        assert f"Mål nummer {n}" in page
    assert "3 – Højt</strong> (1. feb. 2026)" in page  # baseline, with its date
    assert "1 – Let</strong>" in page  # target
    assert "2 – Moderat</strong>" in page  # latest status
    assert page.count("Ingen status endnu") == 2  # goals 2 and 3
    assert "0 – Intet" in page and "4 – Fuldstændigt" in page
    assert f'name="goal-{w.g1.id}.value"' in page
    assert "for målet »Mål nummer 1«" in page  # the legend names the goal
    assert f'value="{local_today().isoformat()}"' in page  # the date defaults to today
    assert "Uenighed" not in page  # disagreement needs her own value per goal
    log = session.scalars(select(AccessLog).where(AccessLog.citizen_id == w.c1.id)).all()
    assert any(a.what == "kvartalets FKO-status" for a in log)


def test_one_post_records_every_goal_with_the_same_date_and_participation(w, login_as, session):
    worker = login_as(w.w1)
    r = worker.post(url(w), data=form(w))
    assert r.status_code == 302
    assert r.headers["Location"].endswith(f"/borgere/{w.c1.id}")
    new = [s for s in statuses(session) if s.scored_on == date(2026, 8, 10)]
    assert [(s.goal_id, s.total, s.worker_note) for s in new] == [
        (w.g1.id, 1, "Åbner selv posten nu"),
        (w.g2.id, 2, None),
        (w.g3.id, 4, "Har brug for følge til lægen"),
    ]
    assert {(s.participation, s.scored_by_id, s.instrument) for s in new} == {
        ("worker_draft", w.w1.id, "FKO")
    }
    page = worker.get(f"/borgere/{w.c1.id}").get_data(as_text=True)
    assert "FKO-status registreret for 3 mål." in page


def test_a_goal_may_be_left_without_status(w, login_as, session):
    data = form(w, **{f"goal-{w.g2.id}.value": ""})
    worker = login_as(w.w1)
    assert worker.post(url(w), data=data).status_code == 302
    assert len(statuses(session)) == 1 + 2
    page = worker.get(f"/borgere/{w.c1.id}").get_data(as_text=True)
    assert "FKO-status registreret for 2 mål." in page


def test_one_bad_value_saves_nothing_and_keeps_every_value(w, login_as, session):
    data = form(w, **{f"goal-{w.g2.id}.value": "7"})
    r = login_as(w.w1).post(url(w), data=data)
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert len(statuses(session)) == 1  # only the fixture's
    assert "Der er fejl i formularen" in page
    assert f'href="#f-goal-{w.g2.id}.value"' in page  # the summary links to the field
    assert page.count('aria-invalid="true"') == 6  # the six radios of goal 2, nothing else
    # what she entered for the other goals is still there
    assert (
        f'id="f-goal-{w.g1.id}.value-2" name="goal-{w.g1.id}.value" value="1" '
        'class="form-radio" checked' in page
    )
    assert f'name="goal-{w.g3.id}.value" value="4" class="form-radio" checked' in page
    assert "Åbner selv posten nu" in page and "Har brug for følge til lægen" in page
    assert 'value="worker_draft" class="form-radio" checked' in page
    assert 'value="2026-08-10"' in page


def test_a_missing_date_is_reported_beside_the_values_errors(w, login_as, session):
    data = form(w, scored_on="", **{f"goal-{w.g3.id}.value": "9"})
    r = login_as(w.w1).post(url(w), data=data)
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and len(statuses(session)) == 1
    assert 'href="#f-scored_on"' in page and "Udfyld datoen." in page
    assert f'href="#f-goal-{w.g3.id}.value"' in page
    assert f'name="goal-{w.g1.id}.value" value="1" class="form-radio" checked' in page


def test_a_date_in_the_future_and_a_note_without_value_are_refused(w, login_as, session):
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    data = form(w, scored_on=tomorrow, **{f"goal-{w.g2.id}.worker_note": "Kun en note"})
    data[f"goal-{w.g2.id}.value"] = ""
    page = login_as(w.w1).post(url(w), data=data).get_data(as_text=True)
    assert "Datoen må ikke ligge i fremtiden." in page
    assert "Vælg støttebehovet, eller slet noten" in page
    assert len(statuses(session)) == 1


def test_an_empty_form_says_so(w, login_as, session):
    data = {"scored_on": "2026-08-10", "participation": "together"}
    for g in (w.g1, w.g2, w.g3):
        data[f"goal-{g.id}.value"] = ""
        data[f"goal-{g.id}.worker_note"] = ""
    r = login_as(w.w1).post(url(w), data=data)
    assert r.status_code == 400
    assert "Vælg støttebehovet for mindst ét mål." in r.get_data(as_text=True)
    assert len(statuses(session)) == 1


def test_disagreement_is_not_a_choice_here(w, login_as, session):
    r = login_as(w.w1).post(url(w), data=form(w, participation="disagreed"))
    assert r.status_code == 400 and len(statuses(session)) == 1


def test_a_goal_of_another_citizen_is_refused(w, login_as, session):
    other = make.goal(session, w.w2, w.c2.active_plan)
    session.commit()
    r = login_as(w.w1).post(url(w), data=form(w, **{f"goal-{other.id}.value": "2"}))
    assert r.status_code == 400 and len(statuses(session)) == 1
    assert "Et af målene er ikke længere aktivt." in r.get_data(as_text=True)


@pytest.mark.parametrize(
    ("who", "status"), [("authority", 403), ("leader", 403), ("w2", 404), ("borger", 403)]
)
def test_who_may_open_it(w, login_as, session, who, status):
    assert login_as(getattr(w, who)).get(url(w)).status_code == status
    assert login_as(getattr(w, who)).post(url(w), data=form(w)).status_code == status
    assert len(statuses(session)) == 1


def test_anonymous_gets_the_login_page(w, client):
    r = client.get(url(w))
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_a_citizen_without_fko_is_404(w, login_as, session):
    w.c1.uses_fko = False
    session.commit()
    assert login_as(w.w1).get(url(w)).status_code == 404


def test_the_citizen_page_links_to_it_only_for_the_worker(w, login_as):
    link = f'href="/borgere/{w.c1.id}/kvartal"'
    assert link in login_as(w.w1).get(f"/borgere/{w.c1.id}").get_data(as_text=True)
    assert link not in login_as(w.authority).get(f"/borgere/{w.c1.id}").get_data(as_text=True)
    assert link not in login_as(w.leader).get(f"/borgere/{w.c1.id}").get_data(as_text=True)


def test_mine_opgaver_links_the_fko_status_line_to_it(w, login_as, session):
    session.add(
        Reminder(
            citizen_id=w.c1.id,
            rule="fko_status",
            subject=f"goal:{w.g2.id}",
            goal_id=w.g2.id,
            due_date=local_today() - timedelta(days=3),
        )
    )
    session.commit()
    page = login_as(w.w1).get("/opgaver").get_data(as_text=True)
    assert "Registrér FKO-status for målet" in page
    assert f'href="/borgere/{w.c1.id}/kvartal"' in page
