"""The daily job follows each citizen's rhythm (tests/citizens/test_rhythm.py has the forms),
and a change of rhythm or of the team's limits brings her reminders in step at once."""

from __future__ import annotations

from datetime import date

from tests import factories as make
from tests.citizens.test_rhythm import limits, rhythm
from tests.reminders.conftest import reminders, run

FEB27 = date(2026, 2, 27)


def test_the_daily_job_reminds_at_her_interval_not_the_default(w, session, mail):
    rhythm(session, w, ors=8)
    run(session, FEB27, mail, digests=False)
    # c1: 8 weeks after plan start (1 Jan); c2, on the default, 4 weeks
    assert ("ors", date(2026, 2, 26), "") in reminders(session, w.c1)
    assert ("ors", date(2026, 1, 29), "") not in reminders(session, w.c1)
    assert ("ors", date(2026, 1, 29), "") in reminders(session, w.c2)


def test_a_longer_fko_rhythm_moves_the_status_reminder(w, session, mail):
    goal = make.goal(session, w.w1, w.p1)
    session.commit()
    rhythm(session, w, fko=6)
    run(session, date(2026, 6, 20), mail, digests=False)
    fko = {r for r in reminders(session, w.c1) if r[0] == "fko_status"}
    assert fko == {("fko_status", date(2026, 7, 1), f"goal:{goal.id}")}  # not 1 April


def test_changing_the_rhythm_brings_her_reminders_in_step_at_once(w, session, mail):
    run(session, FEB27, mail, digests=False)
    assert ("ors", date(2026, 1, 29), "") in reminders(session, w.c1)
    rhythm(session, w, ors=8, today=FEB27)
    assert ("ors", date(2026, 1, 29), "") not in reminders(session, w.c1)  # resolved
    assert ("ors", date(2026, 2, 26), "") in reminders(session, w.c1)  # created
    # … and when the leader narrows the limits, for every citizen of the team
    limits(session, w.t1, ors=(2, 3), today=FEB27)
    assert ("ors", date(2026, 1, 22), "") in reminders(session, w.c1)
    assert ("ors", date(2026, 2, 26), "") not in reminders(session, w.c1)
    assert ("ors", date(2026, 1, 29), "") in reminders(session, w.c2)  # not her team
