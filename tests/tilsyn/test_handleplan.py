"""The handleplan after a visit: deadlines as quarters or dates, the suggested indicators,
who owns and sees an action, and the owner's reminders exactly once."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest

from bostotte.auth.models import Role
from bostotte.common.mail import MailSettings, outbox_entries
from bostotte.common.time import LOCAL_TZ
from bostotte.reminders.jobs import run_daily
from bostotte.tilsyn import handleplan
from bostotte.tilsyn.models import Action
from tests import factories as make
from tests.factories import World
from tests.tilsyn.test_visits import pitstop_visit


@pytest.mark.parametrize(
    ("raw", "due", "text"),
    [
        ("3. Q 2024", date(2024, 9, 30), "3. Q 2024"),
        ("4.Q 2023", date(2023, 12, 31), "4. Q 2023"),
        ("2.Q2024", date(2024, 6, 30), "2. Q 2024"),
        ("Q1 2025", date(2025, 3, 31), "1. Q 2025"),
        ("30-09-2024", date(2024, 9, 30), "30. sep. 2024"),
        ("2024-09-30", date(2024, 9, 30), "30. sep. 2024"),
    ],
)
def test_deadlines(raw: str, due: date, text: str) -> None:
    deadline = handleplan.parse_deadline(raw)
    assert (deadline.due, deadline.text) == (due, text)


@pytest.mark.parametrize("raw", ["5. Q 2024", "snart", "31-02-2024", "3. Q 9999", ""])
def test_bad_deadlines_say_how_in_danish(raw: str) -> None:
    with pytest.raises(ValueError, match=r"kvartal|dato|Datoen"):
        handleplan.parse_deadline(raw)


def test_suggested_are_those_scored_three_or_lower(session, w: World) -> None:
    assert handleplan.suggested(pitstop_visit(session, w)) == [
        "3.a",
        "3.b",
        "9.b",
        "9.d",
        "10.a",
        "10.b",
    ]


def _action(**kw):  # type: ignore[no-untyped-def]
    return {
        "indicator": "9.b",
        "text": "Fastholdelsessamtaler med alle medarbejdere",
        "deadline": "4. Q 2026",
        "status": "planned",
        "note": "",
        **kw,
    }


def test_the_leader_makes_the_plan_and_the_owner_sees_her_action(
    session, w: World, login_as
) -> None:
    visit = pitstop_visit(session, w)
    session.commit()
    leader = login_as(w.leader)
    page = leader.get(f"/tilsyn/besoeg/{visit.id}").get_data(as_text=True)
    assert "Indikatorer scoret 3 eller lavere" in page and "indikator=9.b" in page
    form = leader.get(f"/tilsyn/besoeg/{visit.id}/handleplan/ny?indikator=9.b")
    assert form.status_code == 200 and w.w1.name in form.get_data(as_text=True)
    assert w.w2.name not in form.get_data(as_text=True)  # not of the visit's team
    response = leader.post(
        f"/tilsyn/besoeg/{visit.id}/handleplan/ny", data=_action(owner_id=str(w.w1.id))
    )
    assert response.status_code == 302
    page = leader.get(f"/tilsyn/besoeg/{visit.id}").get_data(as_text=True)
    assert "Fastholdelsessamtaler med alle medarbejdere" in page and "4. Q 2026" in page
    mine = login_as(w.w1).get("/tilsyn").get_data(as_text=True)
    assert "Fastholdelsessamtaler med alle medarbejdere" in mine and "PITSTOP" in mine
    theirs = login_as(w.w2).get("/tilsyn").get_data(as_text=True)
    assert "Fastholdelsessamtaler" not in theirs
    action = Action.query.one()
    assert login_as(w.w1).get(f"/tilsyn/handling/{action.id}/rediger").status_code == 403
    other = make.user(session, Role.LEADER, [w.t2])
    session.commit()
    assert login_as(other).get(f"/tilsyn/handling/{action.id}/rediger").status_code == 404
    assert (
        login_as(other).post(f"/tilsyn/besoeg/{visit.id}/handleplan/ny", data=_action()).status_code
        == 404
    )


def test_bad_input_writes_nothing(session, w: World, login_as) -> None:
    visit = pitstop_visit(session, w)
    session.commit()
    leader = login_as(w.leader)
    bad = _action(deadline="snart", owner_id=str(w.w2.id), indicator="99.z")
    response = leader.post(f"/tilsyn/besoeg/{visit.id}/handleplan/ny", data=bad)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Skriv et kvartal som 3. Q 2024" in page
    assert "Vælg en medarbejder fra besøgets teams." in page
    assert "Vælg en indikator fra kvalitetsmodellen." in page
    assert Action.query.count() == 0


def test_editing_an_action(session, w: World, login_as) -> None:
    visit = pitstop_visit(session, w)
    action = handleplan.add_action(session, visit, _action(owner_id=str(w.w1.id)))
    session.commit()
    leader = login_as(w.leader)
    assert 'value="4. Q 2026"' in leader.get(f"/tilsyn/handling/{action.id}/rediger").get_data(
        as_text=True
    )
    done = _action(owner_id=str(w.w1.id), status="done", note="Gennemført i oktober", version="1")
    assert leader.post(f"/tilsyn/handling/{action.id}/rediger", data=done).status_code == 302
    session.expire_all()
    assert (Action.query.one().status, Action.query.one().note) == ("done", "Gennemført i oktober")
    stale = leader.post(f"/tilsyn/handling/{action.id}/rediger", data={**done, "note": "x"})
    assert stale.status_code == 409


# ------------------------------------------------------------------------ reminders


def _at(day: date) -> datetime:
    return datetime.combine(day, time(6), LOCAL_TZ)


@pytest.fixture()
def mail(app, tmp_path: Path, monkeypatch) -> MailSettings:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "BOSTOTTE_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setitem(app.config, "BOSTOTTE_SMTP_HOST", "")
    return MailSettings(sender="b@test.dk", outbox=tmp_path / "outbox", base_url="https://b.test")


def _subjects(mail: MailSettings) -> list[str]:
    return sorted(e.subject for e in outbox_entries(mail.outbox))


def test_reminders_exactly_once_near_then_overdue(session, w: World, mail) -> None:
    visit = pitstop_visit(session, w)
    handleplan.add_action(session, visit, _action(owner_id=str(w.w1.id), deadline="3. Q 2026"))
    handleplan.add_action(session, visit, _action(deadline="3. Q 2026"))  # no owner: no mail
    handleplan.add_action(
        session, visit, _action(owner_id=str(w.w1.id), deadline="3. Q 2026", status="done")
    )
    session.commit()
    far = date(2026, 9, 1)
    assert handleplan.send_reminders(session, mail, far, _at(far)) == 0
    near = date(2026, 9, 20)  # ten days before 30 September
    assert handleplan.send_reminders(session, mail, near, _at(near)) == 1
    assert handleplan.send_reminders(session, mail, near, _at(near)) == 0
    later = date(2026, 9, 25)
    assert handleplan.send_reminders(session, mail, later, _at(later)) == 0
    passed = date(2026, 10, 1)
    assert handleplan.send_reminders(session, mail, passed, _at(passed)) == 1
    assert handleplan.send_reminders(session, mail, date(2026, 10, 9), _at(passed)) == 0
    assert _subjects(mail) == [
        "Handleplan efter tilsyn: fristen 3. Q 2026 er overskredet",
        "Handleplan efter tilsyn: fristen 3. Q 2026 nærmer sig",
    ]
    assert {e.to for e in outbox_entries(mail.outbox)} == {w.w1.email}


def test_a_deadline_found_passed_gets_only_the_overdue_mail_through_the_daily_job(
    session, w: World, mail
) -> None:
    visit = pitstop_visit(session, w)
    handleplan.add_action(session, visit, _action(owner_id=str(w.w1.id), deadline="1-3-2026"))
    session.commit()
    day = date(2026, 3, 10)
    run_daily(session, day, _at(day), mail=mail)
    run_daily(session, day, _at(day), mail=mail)
    assert [s for s in _subjects(mail) if "Handleplan" in s] == [
        "Handleplan efter tilsyn: fristen 1. mar. 2026 er overskredet"
    ]


def test_two_runs_at_once_mail_each_reminder_once(app, session, w: World, mail) -> None:
    """Two processes' daily jobs at the same moment (PostgreSQL; SQLite writes one at a time)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("concurrency is tested on PostgreSQL (BOSTOTTE_TEST_DATABASE_URL)")
    from tests.reminders.test_concurrency import in_two_threads  # noqa: PLC0415

    visit = pitstop_visit(session, w)
    for _ in range(10):
        handleplan.add_action(session, visit, _action(owner_id=str(w.w1.id), deadline="3. Q 2026"))
    session.commit()
    day = date(2026, 9, 20)
    sent = in_two_threads(
        app.config["SQLALCHEMY_DATABASE_URI"],
        lambda s: handleplan.send_reminders(s, mail, day, _at(day)),
    )
    assert sum(sent) == 10 == len(outbox_entries(mail.outbox))  # type: ignore[arg-type]
