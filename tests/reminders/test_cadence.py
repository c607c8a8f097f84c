from datetime import date, timedelta

import pytest

from bostotte.common.time import add_months
from bostotte.reminders.cadence import (
    DEFAULT_LIMITS,
    DEFAULT_RHYTHM,
    FKO_STATUS_MONTHS,
    ORS_WEEKS,
    REM_FIRST_MONTHS,
    REM_FOLLOW_UP_MONTHS,
    RULES,
    CitizenFacts,
    Due,
    Limits,
    Rhythm,
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


def test_cadence_intervals_and_default_limits_come_from_the_instrument_files():
    assert (FKO_STATUS_MONTHS, REM_FIRST_MONTHS, REM_FOLLOW_UP_MONTHS, ORS_WEEKS) == (3, 3, 12, 4)
    assert Rhythm(3, 4) == DEFAULT_RHYTHM and DEFAULT_RHYTHM.ors_days == 28
    assert Limits((3, 6), (2, 8)) == DEFAULT_LIMITS


# --- A citizen's rhythm ---------------------------------------------------------------


def test_a_longer_fko_rhythm_moves_the_marks_from_plan_start():
    start, end = date(2026, 1, 15), date(2027, 1, 14)
    assert next_fko_status(start, end, None, 6) == date(2026, 7, 15)
    assert next_fko_status(start, end, date(2026, 7, 15), 6) is None  # 12 months is plan end
    six = facts(rhythm=Rhythm(fko_status_months=6))
    assert ("fko_status", date(2026, 7, 15), 1, None) in keys(due_items(six))
    assert ("fko_status", date(2026, 4, 15), 1, None) not in keys(due_items(six))
    # the status in the reminder window still counts for its mark; then the final status
    early = facts(rhythm=Rhythm(6, 4), last_scored={("FKO", 1): date(2026, 7, 1)})
    assert ("fko_final", end, 1, None) in keys(due_items(early))
    # a shorter one too: every second month
    two = facts(rhythm=Rhythm(fko_status_months=2), last_scored={("FKO", 1): date(2026, 3, 15)})
    assert next_scoring_due(two).due == date(2026, 5, 15)


def test_the_ors_flag_follows_her_weeks():
    last = {("ORS", None): date(2026, 3, 1)}
    base = facts(uses_fko=False, uses_fit=True, last_scored=last)
    assert next_scoring_due(base).due == date(2026, 3, 29)  # the default: 4 weeks
    eight = facts(uses_fko=False, uses_fit=True, last_scored=last, rhythm=Rhythm(3, 8))
    assert next_scoring_due(eight).due == date(2026, 4, 26)
    assert reminders_due(eight, date(2026, 3, 29)) == []
    assert [d.due for d in reminders_due(eight, date(2026, 4, 26))] == [date(2026, 4, 26)]
    # without any ORS yet, counted from plan start
    two = facts(uses_fko=False, uses_fit=True, rhythm=Rhythm(3, 2))
    assert next_scoring_due(two).due == date(2026, 1, 29)


def test_the_limits_hold_her_rhythm_and_refuse_what_lies_outside():
    limits = Limits((3, 6), (2, 8))
    assert limits.rhythm(None, None) == Rhythm(3, 4)  # the instruments' cadence
    assert limits.rhythm(5, 6) == Rhythm(5, 6)
    # a leader who narrows the limits narrows the rhythm agreed before
    assert Limits((4, 6), (2, 3)).rhythm(None, 8) == Rhythm(4, 3)
    assert Limits((3, 4), (6, 8)).rhythm(6, 2) == Rhythm(4, 6)
    assert limits.refusals(6, 8) == {} and limits.refusals(None, None) == {}
    refused = limits.refusals(7, 1)
    assert refused == {
        "fko_status_months": "Vælg mellem 3 og 6 måneder. Det er teamets grænser for FKO-status.",
        "ors_weeks": "Vælg mellem 2 og 8 uger. Det er teamets grænser for ORS.",
    }
    assert set(limits.refusals(2, 9)) == {"fko_status_months", "ors_weeks"}
    assert set(limits.refusals(0, -4)) == {"fko_status_months", "ors_weeks"}


def test_rhythm_and_limits_read_in_danish():
    assert (Rhythm(3, 4).fko_text, Rhythm(3, 4).ors_text) == ("hver 3. måned", "hver 4. uge")
    assert (Rhythm(1, 1).fko_text, Rhythm(1, 1).ors_text) == ("hver måned", "hver uge")
    limits = Limits((3, 6), (2, 8))
    assert limits.fko_text == "med 3 til 6 måneders mellemrum"
    assert limits.ors_text == "med 2 til 8 ugers mellemrum"
