from datetime import date

from bostotte.common.time import add_months
from bostotte.reminders.cadence import CitizenFacts, next_fko_status, next_scoring_due


def facts(**kw):
    base = dict(uses_fko=True, uses_fit=False, uses_rem=False, pakke1=False, legal_basis="§85",
                start_date=date(2026, 1, 15), plan_start=date(2026, 1, 15),
                plan_end=date(2027, 1, 14), active_goals=((1, None),), last_scored={})
    base.update(kw)
    return CitizenFacts(**base)


def test_add_months_clamps_to_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_fko_status_every_three_months_from_plan_start():
    start, end = date(2026, 1, 15), date(2027, 1, 14)
    assert next_fko_status(start, end, None) == date(2026, 4, 15)
    assert next_fko_status(start, end, date(2026, 4, 15)) == date(2026, 7, 15)
    assert next_fko_status(start, end, date(2026, 4, 14)) == date(2026, 4, 15)
    # past the last quarter mark the final status at plan end takes over
    assert next_fko_status(start, end, date(2026, 10, 20)) is None


def test_next_due_is_the_soonest_scoring():
    due = next_scoring_due(facts())
    assert (due.rule, due.due, due.goal_id) == ("fko_status", date(2026, 4, 15), 1)
    due = next_scoring_due(facts(uses_fit=True, last_scored={("ORS", None): date(2026, 3, 1)}))
    assert (due.rule, due.due) == ("ors", date(2026, 3, 29))


def test_rem_first_within_three_months_but_not_for_pakke1():
    due = next_scoring_due(facts(uses_fko=False, uses_rem=True))
    assert (due.rule, due.due) == ("rem_first", date(2026, 4, 15))
    assert next_scoring_due(facts(uses_fko=False, uses_rem=True, pakke1=True)) is None
    due = next_scoring_due(facts(uses_fko=False, uses_rem=True,
                                 last_scored={("REM", None): date(2026, 3, 1)}))
    assert (due.rule, due.due) == ("rem_follow_up", date(2027, 3, 1))
