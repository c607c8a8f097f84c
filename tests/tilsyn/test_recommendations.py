"""The tilsyn's henstillinger: entered on the visit form (text, optionally an indicator),
edited with the visit's version, shown on the visit page and in its PDF, each offered to the
handleplan, whose actions may refer to one and whose PDF prints them all."""

from __future__ import annotations

import io
from datetime import date, datetime, time
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import func, select

from bostotte.auth.models import Role
from bostotte.common.mail import MailSettings, outbox_entries
from bostotte.common.time import LOCAL_TZ
from bostotte.tilsyn import handleplan
from bostotte.tilsyn.models import Action, Recommendation, Visit
from tests import factories as make
from tests.factories import World
from tests.tilsyn.test_handleplan import _action
from tests.tilsyn.test_visits import form, pitstop_visit

FIRST = "Tilbuddet skal sikre, at delmål og metoder hænger sammen i den enkelte borgers plan."
SECOND = "Tilbuddet skal styrke medarbejdernes kompetencer i MI."
THIRD = "Tilbuddet skal følge op på borgernes trivsel med ORS."


def _with_recommendations(w: World, **kw: str) -> dict[str, str]:
    return form(
        w,
        **{
            "henstilling-1-tekst": FIRST,
            "henstilling-1-indikator": "3.b",
            "henstilling-2-tekst": SECOND,
            **kw,
        },
    )


def _visit(session) -> Visit:  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.scalars(select(Visit)).one()


def _pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join((p.extract_text() or "") for p in reader.pages).replace("\n", " ")


def test_entered_on_the_visit_form_and_shown_on_the_visit_page(session, w, login_as):
    client = login_as(w.leader)
    page = client.get("/tilsyn/besoeg/ny").get_data(as_text=True)
    assert "Tilsynets henstillinger" in page and 'name="henstilling-3-tekst"' in page
    response = client.post("/tilsyn/besoeg/ny", data=_with_recommendations(w))
    assert response.status_code == 302
    visit = _visit(session)
    assert [(r.position, r.indicator, r.text) for r in visit.recommendations] == [
        (1, "3.b", FIRST),
        (2, None, SECOND),
    ]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    section = page[page.index('id="henstillinger"') : page.index('id="handleplan"')]
    assert FIRST in section and SECOND in section
    assert section.index(FIRST) < section.index(SECOND)
    assert "Indikator 3.b:" in section
    # the handleplan offers every henstilling
    handleplan_part = page[page.index('id="handleplan"') :]
    for r in visit.recommendations:
        assert f"handleplan/ny?henstilling={r.id}" in handleplan_part


def test_edits_keep_each_henstilling_and_move_the_visits_version(session, w, login_as):
    client = login_as(w.leader)
    client.post("/tilsyn/besoeg/ny", data=_with_recommendations(w))
    visit = _visit(session)
    first_id, second_id = (r.id for r in visit.recommendations)
    edit = client.get(f"/tilsyn/besoeg/{visit.id}/rediger").get_data(as_text=True)
    assert f'name="henstilling-1-id" value="{first_id}"' in edit and FIRST in edit
    assert 'name="henstilling-5-tekst"' in edit  # two saved and three empty rows
    data = form(
        w,
        **{
            "version": str(visit.version),
            "henstilling-1-id": str(first_id),
            "henstilling-1-tekst": FIRST + " Også i delmålene.",
            "henstilling-1-indikator": "3.a",
            "henstilling-2-id": str(second_id),
            "henstilling-2-tekst": "",  # removed
            "henstilling-3-tekst": THIRD,
        },
    )
    response = client.post(f"/tilsyn/besoeg/{visit.id}/rediger", data=data)
    assert response.status_code == 302
    visit = _visit(session)
    assert [(r.id, r.position, r.indicator, r.text) for r in visit.recommendations] == [
        (first_id, 1, "3.a", FIRST + " Også i delmålene."),
        (visit.recommendations[1].id, 2, None, THIRD),
    ]
    assert visit.recommendations[1].id != second_id
    assert session.scalar(select(func.count()).select_from(Recommendation)) == 2
    # a form opened at the old version is refused, and writes nothing
    stale = client.post(f"/tilsyn/besoeg/{visit.id}/rediger", data=data)
    assert stale.status_code == 409
    assert _visit(session).recommendations[0].indicator == "3.a"


def test_bad_henstillinger_are_refused_in_danish_and_nothing_is_written(session, w, login_as):
    client = login_as(w.leader)
    for extra, message in (
        ({"henstilling-1-indikator": "99.z"}, "Henstilling 1: vælg en indikator fra"),
        ({"henstilling-2-tekst": "x" * 2001}, "Henstilling 2: højst 2000 tegn."),
        ({"henstilling-3-indikator": "9.b"}, "Henstilling 3: skriv henstillingen"),
        ({"henstilling-1-id": "12345"}, "Henstilling 1 findes ikke ved besøget."),
    ):
        response = client.post("/tilsyn/besoeg/ny", data=_with_recommendations(w, **extra))
        assert response.status_code == 400, extra
        assert message in response.get_data(as_text=True), extra
    assert session.scalar(select(func.count()).select_from(Visit)) == 0
    assert session.scalar(select(func.count()).select_from(Recommendation)) == 0


def test_another_visits_henstilling_cannot_be_edited_through_this_one(session, w, login_as):
    client = login_as(w.leader)
    client.post("/tilsyn/besoeg/ny", data=_with_recommendations(w))
    client.post("/tilsyn/besoeg/ny", data=form(w, "2026-03-02"))
    first, second = session.scalars(select(Visit).order_by(Visit.id)).all()
    theirs = first.recommendations[0]
    data = form(
        w,
        "2026-03-02",
        **{
            "version": str(second.version),
            "henstilling-1-id": str(theirs.id),
            "henstilling-1-tekst": "Overtaget",
        },
    )
    response = client.post(f"/tilsyn/besoeg/{second.id}/rediger", data=data)
    assert response.status_code == 400
    session.expire_all()
    assert session.get(Recommendation, theirs.id).text == FIRST


def test_the_handleplan_offers_each_henstilling_and_an_action_refers_to_one(session, w, login_as):
    client = login_as(w.leader)
    client.post("/tilsyn/besoeg/ny", data=_with_recommendations(w))
    visit = _visit(session)
    first, second = visit.recommendations
    page = client.get(f"/tilsyn/besoeg/{visit.id}/handleplan/ny?henstilling={first.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'<option value="{first.id}" selected' in html  # the henstilling, chosen
    assert '<option value="3.b" selected' in html  # and its indicator
    assert f'<option value="{second.id}"' in html and "Henstilling 2:" in html
    # an action on the henstilling without an indicator
    url = f"/tilsyn/besoeg/{visit.id}/handleplan/ny"
    data = _action(
        indicator="", recommendation_id=str(second.id), text="Kursus i MI", owner_id=str(w.w1.id)
    )
    assert client.post(url, data=data).status_code == 302
    action = session.scalars(select(Action)).one()
    assert (action.indicator, action.recommendation_id) == (None, second.id)
    page = client.get(f"/tilsyn/besoeg/{visit.id}").get_data(as_text=True)
    assert "Kursus i MI" in page and "Henstilling 2" in page
    # neither an indicator nor a henstilling; another visit's henstilling
    response = client.post(url, data=_action(indicator=""))
    assert response.status_code == 400
    assert "Vælg en indikator eller en henstilling" in response.get_data(as_text=True)
    other = pitstop_visit(session, w)
    other.recommendations.append(Recommendation(position=1, text="Andet besøgs"))
    session.commit()
    foreign = other.recommendations[0].id
    response = client.post(url, data=_action(recommendation_id=str(foreign)))
    assert response.status_code == 400
    assert "Vælg en af besøgets henstillinger, eller ingen." in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Action)) == 1
    # the worker sees what her action answers
    mine = login_as(w.w1).get("/tilsyn").get_data(as_text=True)
    assert "Kursus i MI" in mine and "henstilling 2" in mine
    # the edit form keeps the henstilling
    edit = client.get(f"/tilsyn/handling/{action.id}/rediger").get_data(as_text=True)
    assert f'<option value="{second.id}" selected' in edit


def test_a_henstilling_with_actions_is_not_removed(session, w, login_as):
    client = login_as(w.leader)
    client.post("/tilsyn/besoeg/ny", data=_with_recommendations(w))
    visit = _visit(session)
    first, second = visit.recommendations
    handleplan.add_action(session, visit, _action(recommendation_id=str(second.id)))
    session.commit()
    data = form(
        w,
        **{
            "version": str(visit.version),
            "henstilling-1-id": str(first.id),
            "henstilling-1-tekst": FIRST,
            "henstilling-2-id": str(second.id),
            "henstilling-2-tekst": "",
        },
    )
    response = client.post(f"/tilsyn/besoeg/{visit.id}/rediger", data=data)
    assert response.status_code == 400
    assert "Henstilling 2 har punkter i handleplanen og kan ikke slettes." in response.get_data(
        as_text=True
    )
    assert len(_visit(session).recommendations) == 2
    # deleting the visit takes its henstillinger and actions with it
    response = client.post(f"/tilsyn/besoeg/{visit.id}/slet", data={"bekraeft": "ja"})
    assert response.status_code == 302
    for model in (Visit, Recommendation, Action):
        assert session.scalar(select(func.count()).select_from(model)) == 0


def test_the_pdfs_print_the_henstillinger(session, w, login_as):
    client = login_as(w.leader)
    client.post("/tilsyn/besoeg/ny", data=_with_recommendations(w))
    visit = _visit(session)
    first, second = visit.recommendations
    handleplan.add_action(
        session,
        visit,
        _action(indicator="3.b", recommendation_id=str(first.id), text="Sammenhæng i planerne"),
    )
    handleplan.add_action(
        session, visit, _action(indicator="", recommendation_id=str(second.id), text="MI-kursus")
    )
    session.commit()
    report = _pdf_text(client.get(f"/tilsyn/besoeg/{visit.id}/rapport.pdf").data)
    assert "Tilsynets henstillinger" in report
    assert "Tilbuddet skal styrke medarbejdernes kompetencer i MI." in report
    plan = _pdf_text(client.get(f"/tilsyn/besoeg/{visit.id}/handleplan.pdf").data)
    assert "Tilsynets henstillinger" in plan
    assert "Henstilling 1:" in plan and "(indikator 3.b)" in plan
    assert "Henstilling 2: Tilbuddet skal styrke medarbejdernes kompetencer i MI." in plan
    assert "MI-kursus (4. Q 2026)" in plan
    # the action on 3.b stands under its theme as well
    assert "Målgruppe, metoder og resultater: 3,7 point" in plan
    assert plan.count("Sammenhæng i planerne (4. Q 2026)") == 2


@pytest.fixture()
def mail(app, tmp_path: Path, monkeypatch) -> MailSettings:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "BOSTOTTE_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setitem(app.config, "BOSTOTTE_SMTP_HOST", "")
    return MailSettings(sender="b@test.dk", outbox=tmp_path / "outbox", base_url="https://b.test")


def test_the_owners_reminder_names_the_henstilling(session, w, mail):
    visit = pitstop_visit(session, w)
    visit.recommendations.append(Recommendation(position=1, text=SECOND))
    session.flush()
    rec = visit.recommendations[0]
    handleplan.add_action(
        session,
        visit,
        _action(
            indicator="", recommendation_id=str(rec.id), owner_id=str(w.w1.id), deadline="3. Q 2026"
        ),
    )
    session.commit()
    near = date(2026, 9, 20)
    assert handleplan.send_reminders(session, mail, near, datetime.combine(near, time(6), LOCAL_TZ))
    assert len(outbox_entries(mail.outbox)) == 1
    (sent,) = mail.outbox.glob("*.eml")
    body = BytesParser(policy=policy.default).parsebytes(sent.read_bytes()).get_body()
    assert body is not None
    assert "henstilling 1, med frist 3. Q 2026" in body.get_content()


def test_other_leaders_and_workers_reach_no_henstilling(session, w, login_as):
    client = login_as(w.leader)
    client.post("/tilsyn/besoeg/ny", data=_with_recommendations(w))
    visit = _visit(session)
    other = make.user(session, Role.LEADER, [w.t2])
    session.commit()
    rec = visit.recommendations[0].id
    assert login_as(other).get(f"/tilsyn/besoeg/{visit.id}").status_code == 404
    url = f"/tilsyn/besoeg/{visit.id}/handleplan/ny?henstilling={rec}"
    assert login_as(other).get(url).status_code == 404
    assert login_as(w.w1).get(url).status_code == 403
    assert FIRST not in login_as(w.w1).get("/tilsyn").get_data(as_text=True)
