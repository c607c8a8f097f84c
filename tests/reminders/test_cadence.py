from datetime import date, timedelta

import pytest

from bostotte.common.time import add_months
from bostotte.reminders.cadence import (
    FKO_STATUS_MONTHS,
    ORS_FLAG_DAYS,
    REM_FIRST_MONTHS,
    REM_FOLLOW_UP_MONTHS,
    RULES,
    CitizenFacts,
    Due,
    due_items,
    next_fko_status,
    next_scoring_due,
    reminders_due,
)


def facts(**kw):
    base = {
        "uses_fko": True,
        "uses_fit": False,
        "uses_rem": False,
        "pakke1": False,
        "legal_basis": "§85",
        "start_date": date(2026, 1, 15),
        "plan_start": date(2026, 1, 15),
        "plan_end": date(2027, 1, 14),
        "active_goals": ((1, None),),
        "last_scored": {},
    }
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
    due = next_scoring_due(
        facts(uses_fko=False, uses_rem=True, last_scored={("REM", None): date(2026, 3, 1)})
    )
    assert (due.rule, due.due) == ("rem_follow_up", date(2027, 3, 1))


# --- Each rule around its boundaries ---------------------------------------------------


def keys(items):
    return {(d.rule, d.due, d.goal_id, d.subgoal_id) for d in items}


def test_fko_status_recorded_in_the_reminder_window_counts_for_the_mark():
    mark = date(2026, 4, 15)
    # on the day the reminder shows (14 days before) the status counts for the mark …
    due = next_scoring_due(facts(last_scored={("FKO", 1): mark - timedelta(days=14)}))
    assert due.due == date(2026, 7, 15)
    # … the day before it does not: the mark is still due
    due = next_scoring_due(facts(last_scored={("FKO", 1): mark - timedelta(days=15)}))
    assert due.due == mark


def test_fko_final_at_plan_end_until_a_status_inside_its_window():
    end = date(2027, 1, 14)
    last = {("FKO", 1): date(2026, 10, 20)}  # past the last quarterly mark
    assert ("fko_final", end, 1, None) in keys(due_items(facts(last_scored=last)))
    done = {("FKO", 1): end - timedelta(days=14)}
    assert not {k for k in keys(due_items(facts(last_scored=done))) if k[0].startswith("fko")}
    early = {("FKO", 1): end - timedelta(days=15)}
    assert ("fko_final", end, 1, None) in keys(due_items(facts(last_scored=early)))


@pytest.mark.parametrize(
    ("rule", "lead"),
    [
        ("fko_status", 14),
        ("fko_final", 14),
        ("rem_first", 14),
        ("rem_follow_up", 30),
        ("ors", 0),
        ("goal_target", 14),
        ("subgoal_target", 14),
        ("plan_review", 30),
    ],
)
def test_each_reminder_shows_its_lead_time_before_the_due_date(rule, lead):
    due = date(2026, 6, 30)
    item = Due(rule, RULES[rule].label, due)
    assert item.remind_from == due - timedelta(days=lead)


def test_reminders_due_uses_the_lead_times():
    f = facts(
        uses_fit=True, last_scored={("FKO", 1): date(2026, 1, 15), ("ORS", None): date(2026, 3, 1)}
    )
    assert keys(reminders_due(f, date(2026, 3, 28))) == set()
    assert keys(reminders_due(f, date(2026, 3, 29))) == {("ors", date(2026, 3, 29), None, None)}
    assert ("fko_status", date(2026, 4, 15), 1, None) in keys(reminders_due(f, date(2026, 4, 1)))
    assert ("fko_status", date(2026, 4, 15), 1, None) not in keys(
        reminders_due(f, date(2026, 3, 31))
    )


def test_goal_delmaal_and_plan_review_dates():
    f = facts(
        uses_fko=False,
        active_goals=((1, date(2026, 6, 1)), (2, None)),
        open_subgoals=((7, 1, date(2026, 5, 1)), (8, 1, None)),
    )
    assert keys(due_items(f)) == {
        ("goal_target", date(2026, 6, 1), 1, None),
        ("subgoal_target", date(2026, 5, 1), 1, 7),
        ("plan_review", date(2027, 1, 14), None, None),
    }
    items = {d.rule: d for d in due_items(f)}
    assert (
        items["goal_target"].subject,
        items["subgoal_target"].subject,
        items["plan_review"].subject,
    ) == ("goal:1", "subgoal:7", "")


def test_methods_flags_plans_and_ended_indsats():
    # no FKO for a citizen without FKO; no REM for pakke 1 or outside §85
    assert not [d for d in due_items(facts(uses_fko=False)) if d.rule.startswith("fko")]
    assert not [d for d in due_items(facts(uses_rem=True, pakke1=True)) if "rem" in d.rule]
    assert not [d for d in due_items(facts(uses_rem=True, legal_basis="§82b")) if "rem" in d.rule]
    # without an active plan nothing plan-bound is due; an ended indsats has nothing at all
    no_plan = facts(plan_start=None, plan_end=None, active_goals=(), uses_fit=True)
    assert {d.rule for d in due_items(no_plan)} == {"ors"}
    assert due_items(facts(uses_fit=True, uses_rem=True, ended=True)) == []
    # closed goals are simply not among the active goals: only the plan review remains
    assert {d.rule for d in due_items(facts(active_goals=()))} == {"plan_review"}


def test_cadence_intervals_come_from_the_instrument_files():
    assert (FKO_STATUS_MONTHS, REM_FIRST_MONTHS, REM_FOLLOW_UP_MONTHS, ORS_FLAG_DAYS) == (
        3,
        3,
        12,
        28,
    )
