"""The daily job on the database: what it creates and resolves, once, with catch-up."""

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bostotte.citizens.services import close_plan
from bostotte.goals import services as goals
from bostotte.reminders.models import Reminder
from bostotte.reminders.sync import resolve_done
from bostotte.scoring.services import record_scoring
from tests import factories as make
from tests.reminders.conftest import at, reminders, run

MAR20 = date(2026, 3, 20)
ORS = {"individuelt": 7, "interpersonelt": 7, "socialt": 7, "generelt": 7}
REM = dict.fromkeys(
    (
        "struktureringsevne",
        "foelelsesmaessig_habitus",
        "selvopfattelse",
        "omstillingsevne",
        "vedligeholdelse_af_bolig",
        "oekonomi",
        "kontakt_til_familie",
        "kontakt_til_venner",
        "helbred_vaner",
    ),
    2,
)


def score(session, w, instrument, on, values, **meta):
    record_scoring(
        session,
        w.w1,
        w.c1,
        instrument,
        {"scored_on": on, "participation": "together", **meta},
        values,
        today=on,
    )
    session.commit()


def test_first_run_creates_what_shows_by_today_and_a_second_run_nothing(w, session, mail):
    goal = make.goal(session, w.w1, w.p1, target_date=date(2026, 4, 1))
    make.subgoal(session, goal, target_date=date(2026, 4, 3))
    session.commit()
    result = run(session, MAR20, mail, digests=False)
    assert reminders(session, w.c1) == {
        ("ors", date(2026, 1, 29), ""),  # 4 weeks after plan start without an ORS
        ("rem_first", date(2026, 4, 1), ""),  # 3 months after the §85 start, 14 days ahead
        ("fko_status", date(2026, 4, 1), f"goal:{goal.id}"),
        ("goal_target", date(2026, 4, 1), f"goal:{goal.id}"),
        ("subgoal_target", date(2026, 4, 3), f"subgoal:{goal.subgoals[0].id}"),
    }
    assert reminders(session, w.c2) == {
        ("ors", date(2026, 1, 29), ""),
        ("rem_first", date(2026, 4, 1), ""),
    }
    assert (result.created, result.resolved, result.mailed) == (7, 0, 0)
    again = run(session, MAR20, mail, digests=False)
    assert (again.created, again.resolved) == (0, 0)
    assert session.scalar(select(func.count()).select_from(Reminder)) == 7


def test_a_reminder_shows_on_its_first_day_and_not_the_day_before(w, session, mail):
    run(session, date(2026, 3, 17), mail, digests=False)
    assert ("rem_first", date(2026, 4, 1), "") not in reminders(session, w.c1)
    run(session, date(2026, 3, 18), mail, digests=False)
    assert ("rem_first", date(2026, 4, 1), "") in reminders(session, w.c1)


def test_the_database_refuses_a_second_identical_reminder(w, session, mail):
    run(session, MAR20, mail, digests=False)
    session.add(
        Reminder(
            citizen_id=w.c1.id,
            rule="ors",
            subject="",
            due_date=date(2026, 1, 29),
            created_at=at(MAR20),
        )
    )
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_catch_up_after_downtime_creates_what_was_missed(w, session, mail):
    run(session, date(2026, 3, 1), mail, digests=False)
    assert ("rem_first", date(2026, 4, 1), "") not in reminders(session, w.c1)
    # the service was down from 2 March; the next run, on 10 April, catches up
    result = run(session, date(2026, 4, 10), mail, digests=False)
    assert ("rem_first", date(2026, 4, 1), "") in reminders(session, w.c1)
    assert result.created == 2  # rem_first for both citizens; ORS was already there


def test_recording_the_scoring_resolves_its_reminder_at_once(w, session, mail, login_as):
    run(session, MAR20, mail, digests=False)
    form = {"scored_on": "2026-03-20", "participation": "together", **{f"v_{k}": "7" for k in ORS}}
    r = login_as(w.w1).post(f"/borgere/{w.c1.id}/scoringer/ORS/ny", data=form)
    assert r.status_code == 302
    resolved = session.scalars(
        select(Reminder).where(Reminder.citizen_id == w.c1.id, Reminder.rule == "ors")
    ).one()
    assert resolved.status == "resolved" and resolved.resolved_at is not None
    assert ("ors", date(2026, 1, 29), "") in reminders(session, w.c2)  # not the other's
    # the next run neither recreates it nor creates the next ORS before its 4 weeks
    result = run(session, date(2026, 3, 21), mail, digests=False)
    assert (result.created, result.resolved) == (0, 0)
    assert run(session, date(2026, 4, 17), mail, digests=False).created == 1  # 20/3 + 28


def test_rem_and_fko_scorings_resolve_theirs_and_the_next_one_follows(w, session, mail):
    goal = make.goal(session, w.w1, w.p1, target_date=date(2026, 12, 1))
    session.commit()
    run(session, MAR20, mail, digests=False)
    score(session, w, "REM", date(2026, 3, 25), REM)
    score(session, w, "FKO", date(2026, 3, 25), {"value": 2}, goal_id=goal.id, occasion="status")
    assert {r[0] for r in reminders(session, w.c1)} == {"ors"}
    assert reminders(session, w.c1, status="resolved") == {
        ("rem_first", date(2026, 4, 1), ""),
        ("fko_status", date(2026, 4, 1), f"goal:{goal.id}"),
    }
    run(session, date(2026, 6, 17), mail, digests=False)  # 14 days before the next quarter
    assert ("fko_status", date(2026, 7, 1), f"goal:{goal.id}") in reminders(session, w.c1)


def test_closing_a_goal_or_a_delmaal_resolves_its_reminders(w, session, mail):
    goal = make.goal(session, w.w1, w.p1, target_date=date(2026, 4, 1))
    sub = make.subgoal(session, goal, target_date=date(2026, 4, 3))
    session.commit()
    run(session, MAR20, mail, digests=False)
    goals.update_subgoal(session, w.w1, sub, {"status": "achieved"})
    session.commit()
    assert ("subgoal_target", date(2026, 4, 3), f"subgoal:{sub.id}") in reminders(
        session, w.c1, status="resolved"
    )
    goals.close_goal(session, w.w1, goal, {"status": "achieved", "closed_on": MAR20})
    session.commit()
    assert {r[0] for r in reminders(session, w.c1)} == {"ors", "rem_first"}
    # reopened, the goal's reminders are open again (once: not created a second time)
    goals.reopen_goal(session, w.w1, goal)
    session.commit()
    result = run(session, MAR20, mail, digests=False)
    assert result.created == 2  # FKO status and target date reopened; the delmål stays done
    assert ("goal_target", date(2026, 4, 1), f"goal:{goal.id}") in reminders(session, w.c1)
    assert session.scalar(select(func.count()).select_from(Reminder)) == 7


def test_methods_and_flags_decide_what_is_due(w, session, mail):
    pakke1 = make.citizen(session, w.t1, pakke1=True, uses_fit=False)
    no_fko = make.citizen(session, w.t1, uses_fko=False, uses_rem=False, uses_fit=False)
    for c in (pakke1, no_fko):
        make.goal(session, w.w1, make.plan(session, c), target_date=date(2026, 12, 1))
    session.commit()
    run(session, MAR20, mail, digests=False)
    assert {r[0] for r in reminders(session, pakke1)} == {"fko_status"}  # no REM for pakke 1
    assert reminders(session, no_fko) == set()  # no FKO, FIT or REM: only dates later on


def test_a_closed_plan_and_an_ended_indsats_resolve_everything_plan_bound(w, session, mail):

    make.goal(session, w.w1, w.p1, target_date=date(2026, 4, 1))
    session.commit()
    run(session, MAR20, mail, digests=False)
    close_plan(session, w.p1, MAR20)
    session.commit()
    assert {r[0] for r in reminders(session, w.c1)} == {"ors", "rem_first"}
    w.c1.end_date = MAR20
    session.commit()
    result = run(session, date(2026, 3, 21), mail, digests=False)
    assert reminders(session, w.c1) == set() and result.created == 0
    assert {r[0] for r in reminders(session, w.c1, status="resolved")} == {
        "ors",
        "rem_first",
        "fko_status",
        "goal_target",
    }


def test_resolve_done_creates_nothing(w, session):
    assert resolve_done(session, [w.c1.id, w.c2.id], MAR20, at(MAR20)) == 0
    assert reminders(session) == set()
