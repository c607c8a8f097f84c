from datetime import date

import pytest
from sqlalchemy import func, select

from bostotte import instruments
from bostotte.common.schema import DomainError, InvalidInput
from bostotte.scoring import services
from bostotte.scoring.models import Scoring, ScoringRevision
from tests import factories as make

ORS_FORM = {
    "scored_on": "2026-03-01",
    "participation": "together",
    "v_individuelt": "5",
    "v_interpersonelt": "6,5",
    "v_socialt": "7",
    "v_generelt": "8,1",
    "citizen_comment": "Det går bedre",
    "worker_note": "God samtale",
}


@pytest.fixture()
def w(w, session):
    return make.with_goal(session, w)


def count(session):
    return session.scalar(select(func.count()).select_from(Scoring))


def test_record_ors_through_the_form(w, login_as, session):
    r = login_as(w.w1).post(f"/borgere/{w.c1.id}/scoringer/ORS/ny", data=ORS_FORM)
    assert r.status_code == 302
    s = session.scalars(select(Scoring)).one()
    assert (s.instrument, s.total, s.participation, s.citizen_comment, s.scored_by_id) == (
        "ORS",
        26.6,
        "together",
        "Det går bedre",
        w.w1.id,
    )
    assert s.values == {"individuelt": 5, "interpersonelt": 6.5, "socialt": 7, "generelt": 8.1}
    page = login_as(w.w1).get(f"/borgere/{w.c1.id}").get_data(as_text=True)
    assert "Seneste: 26,6" in page


def test_out_of_range_and_missing_values_are_refused_next_to_the_field(w, login_as, session):
    form = {**ORS_FORM, "v_socialt": "11", "v_generelt": ""}
    r = login_as(w.w1).post(f"/borgere/{w.c1.id}/scoringer/ORS/ny", data=form)
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "Værdien skal være mellem 0 og 10." in page and "Udfyld en værdi." in page
    assert 'id="f-v_socialt"' in page and 'value="6,5"' in page  # kept what she typed
    assert count(session) == 0


@pytest.mark.parametrize("instrument", ["SRS", "REM"])
def test_srs_and_rem(w, login_as, session, instrument):
    inst = instruments.get(instrument)
    form = {
        "scored_on": "2026-03-01",
        "participation": "together",
        **{f"v_{i}": "3" for i in inst.item_ids},
    }
    r = login_as(w.w1).post(f"/borgere/{w.c1.id}/scoringer/{instrument}/ny", data=form)
    assert r.status_code == 302
    assert session.scalars(select(Scoring)).one().total == 3 * len(inst.item_ids)
    form[f"v_{inst.item_ids[0]}"] = "11"
    r = login_as(w.w1).post(f"/borgere/{w.c1.id}/scoringer/{instrument}/ny", data=form)
    assert r.status_code == 400 and count(session) == 1


def test_fko_baseline_is_myndighed_status_is_the_worker(w, login_as, session):
    base = {"scored_on": "2026-01-10", "goal_id": str(w.g1.id), "v_value": "3"}
    r = login_as(w.w1).post(
        f"/borgere/{w.c1.id}/scoringer/FKO/ny", data={**base, "occasion": "baseline"}
    )
    assert r.status_code == 400 and "registreres af myndighed" in r.get_data(as_text=True)
    r = login_as(w.authority).post(
        f"/borgere/{w.c1.id}/scoringer/FKO/ny", data={**base, "occasion": "baseline"}
    )
    assert r.status_code == 302 and "occasion=target" in r.headers["Location"]
    r = login_as(w.authority).post(
        f"/borgere/{w.c1.id}/scoringer/FKO/ny", data={**base, "occasion": "target", "v_value": "1"}
    )
    assert r.status_code == 302
    r = login_as(w.authority).post(
        f"/borgere/{w.c1.id}/scoringer/FKO/ny", data={**base, "occasion": "baseline"}
    )
    assert r.status_code == 400 and "allerede" in r.get_data(as_text=True)
    r = login_as(w.authority).post(
        f"/borgere/{w.c1.id}/scoringer/FKO/ny", data={**base, "occasion": "status"}
    )
    assert r.status_code == 400
    r = login_as(w.w1).post(
        f"/borgere/{w.c1.id}/scoringer/FKO/ny",
        data={**base, "occasion": "status", "v_value": "2", "scored_on": "2026-04-01"},
    )
    assert r.status_code == 302
    rows = session.execute(
        select(Scoring.occasion, Scoring.total, Scoring.goal_id).order_by(Scoring.id)
    ).all()
    assert rows == [("baseline", 3, w.g1.id), ("target", 1, w.g1.id), ("status", 2, w.g1.id)]
    page = login_as(w.w1).get(f"/borgere/{w.c1.id}").get_data(as_text=True)
    assert "Udgangspunkt: <strong>3 Højt" in page and "Mål: <strong>1 Let" in page


def test_fko_for_another_citizens_goal_is_refused(w, session):
    other_plan_goal = make.goal(session, w.w2, w.c2.active_plan)
    with pytest.raises(InvalidInput) as exc:
        services.record_scoring(
            session,
            w.w1,
            w.c1,
            "FKO",
            {
                "scored_on": date(2026, 3, 1),
                "goal_id": other_plan_goal.id,
                "occasion": "status",
                "participation": "together",
            },
            {"value": "2"},
            today=date(2026, 3, 1),
        )
    assert exc.value.errors["goal_id"] == ["Vælg et af borgerens mål."]


def test_scoring_in_the_future_is_refused(w, session):
    with pytest.raises(InvalidInput) as exc:
        services.record_scoring(
            session,
            w.w1,
            w.c1,
            "ORS",
            {"scored_on": date(2026, 3, 2), "participation": "together"},
            {k[2:]: v for k, v in ORS_FORM.items() if k.startswith("v_")},
            today=date(2026, 3, 1),
        )
    assert "scored_on" in exc.value.errors


def test_instrument_the_citizen_does_not_use(w, session, login_as):
    w.c1.uses_rem = False
    session.commit()
    with pytest.raises(DomainError):
        services.record_scoring(
            session, w.w1, w.c1, "REM", {"scored_on": date(2026, 3, 1)}, {}, today=date(2026, 3, 1)
        )
    assert login_as(w.w1).get(f"/borgere/{w.c1.id}/scoringer/REM/ny").status_code == 404


def test_disagreement_stores_both_and_worker_counts(w, login_as, session):
    form = {
        **ORS_FORM,
        "participation": "disagreed",
        "c_individuelt": "2",
        "c_interpersonelt": "6,5",
        "c_socialt": "7",
        "c_generelt": "8,1",
    }
    r = login_as(w.w1).post(f"/borgere/{w.c1.id}/scoringer/ORS/ny", data=form)
    assert r.status_code == 302
    s = session.scalars(select(Scoring)).one()
    assert s.total == 26.6 and s.citizen_values["individuelt"] == 2
    page = login_as(w.w1).get(f"/borgere/{w.c1.id}/scoringer/{s.id}").get_data(as_text=True)
    assert "Uenige" in page
    # the citizen's own values are required when she disagreed
    r = login_as(w.w1).post(
        f"/borgere/{w.c1.id}/scoringer/ORS/ny", data={**ORS_FORM, "participation": "disagreed"}
    )
    assert r.status_code == 400 and count(session) == 1


def test_editing_keeps_the_earlier_version(w, login_as, session):
    client = login_as(w.w1)
    client.post(f"/borgere/{w.c1.id}/scoringer/ORS/ny", data=ORS_FORM)
    s = session.scalars(select(Scoring)).one()
    r = client.post(
        f"/borgere/{w.c1.id}/scoringer/{s.id}/rediger",
        data={**ORS_FORM, "v_individuelt": "9", "worker_note": "Rettet tastefejl"},
    )
    assert r.status_code == 302
    s = session.get(Scoring, s.id)
    assert (s.version, s.total, s.worker_note) == (2, 30.6, "Rettet tastefejl")
    rev = session.scalars(select(ScoringRevision)).one()
    assert (rev.version, rev.data["total"], rev.data["values"]["individuelt"]) == (1, 26.6, 5)
    page = client.get(f"/borgere/{w.c1.id}/scoringer/{s.id}").get_data(as_text=True)
    assert "Tidligere versioner" in page and "26,6" in page and "30,6" in page
    # bad edit: nothing changes
    r = client.post(
        f"/borgere/{w.c1.id}/scoringer/{s.id}/rediger", data={**ORS_FORM, "v_individuelt": "12"}
    )
    assert r.status_code == 400
    assert session.get(Scoring, s.id).version == 2
    assert session.scalar(select(func.count()).select_from(ScoringRevision)) == 1


def test_scoring_of_another_citizen_is_404(w, login_as, session):
    client = login_as(w.w1)
    client.post(f"/borgere/{w.c1.id}/scoringer/ORS/ny", data=ORS_FORM)
    s = session.scalars(select(Scoring)).one()
    assert login_as(w.w2).get(f"/borgere/{w.c1.id}/scoringer/{s.id}").status_code == 404
    # a scoring id under another citizen's URL is not found either
    assert login_as(w.w2).get(f"/borgere/{w.c2.id}/scoringer/{s.id}").status_code == 404
