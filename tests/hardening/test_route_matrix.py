"""Every rule of the URL map (pages and /api/v1) × every role, with the expected answer in
one table (issue 24). A rule added without its rows fails `test_every_rule_has_its_rows`.

Each row is one rule and method: a GET for every rule (405 where the rule takes none), and
its POST or PUT with a valid CSRF token and an empty body (the API: an empty JSON object).
The columns are the callers, each a new client (on one login session per caller):

    ano  nobody logged in, no token
    adm  the administrator
    ldr  the leader of team 1 (citizen 1's team); leaders read no records (the default)
    ld+  the same leader where the administrator lets leaders read their teams' records
    ld2  the leader of team 2 (the default setting)
    w1   a mestringsvejleder of team 1 (citizen 1's worker)
    w2   a mestringsvejleder of team 2 (citizen 2's, not citizen 1's)
    myn  myndighed, who referred citizen 1
    bo1  citizen 1 herself (a borger login)
    bo2  citizen 2 (another borger)
    svc  a service token of team 1 with every scope (a Bearer header, no cookie)
    sv-  a service token of team 1 with every scope but the rule's
    sv2  a service token of team 2 with every scope

Path parameters name citizen 1's records (plan, goal, delmål, scoring, her declined
instrument), team 1, a spare worker of team 2 for the administrator's user actions, spare
tokens to revoke, a live invitation, and tilsyn's visit, action and stikprøve (`_world`).

The codes: a status, or LOG for a redirect to the login page. A request refused (LOG 401
403 404 405) must change no row of any table, not even the access log (the login session's
last-seen time and a token's last use aside); a write refused as a form (400 409 422 428)
may only log that she read the record the form shows. No answer to a caller may hold the
name of a citizen whose record the caller may not read (`READS`), whatever its status; an
answer that shows her name to one who may must have written her access-log row. A 500 (an
exception) is never in the table, so it fails.

To write the rows of a new rule, run this module with BOSTOTTE_MATRIX_DUMP=<file>: every
row test appends the row it got; check each code against auth/permissions.py before you
copy a line into TABLE.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from bostotte import create_app
from bostotte.api import tokens
from bostotte.audit.models import AccessLog
from bostotte.auth import sessions
from bostotte.auth.models import Role, User
from bostotte.auth.services import set_setting
from bostotte.common.time import utcnow
from bostotte.extensions import db
from bostotte.invitations.services import invite
from tests import factories as make
from tests.auth.test_routes import route_world
from tests.conftest import empty_tables, login

COLUMNS = ("ano", "adm", "ldr", "ld+", "ld2", "w1", "w2", "myn", "bo1", "bo2", "svc", "sv-", "sv2")
DENIALS = {"LOG", "401", "403", "404", "405"}  # nothing may change
FORM_ERRORS = {"400", "409", "422", "428"}  # nothing but the access log may change
# A refusal may still move these: her login session's last request, a token's last use.
VOLATILE = {"user_sessions": {"last_seen_at"}, "api_tokens": {"last_used_at"}}
# The citizens' names, and the callers who may read each one's record: an answer to anyone
# else that holds her name is a leak, whatever its status.
NAMES = ("Ingrid Matrixsen", "Karen Tvaersen")  # ASCII: JSON may escape the rest
READS = {NAMES[0]: {"w1", "ld+", "myn", "bo1", "svc"}, NAMES[1]: {"w2", "bo2", "sv2"}}
# Rows whose LOG is the write itself (she is logged out), not a refusal.
LOGS_OUT = {"auth.logout POST", "auth.logout_everywhere POST"}

# fmt: off
TABLE: dict[str, str] = {
    #                                       ano adm ldr ld+ ld2 w1  w2  myn bo1 bo2 svc sv- sv2
    "admin.actions GET":                   "LOG 200 403 403 403 403 403 403 403 403 LOG LOG LOG",
    "admin.create_team GET":               "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "admin.create_team POST":              "LOG 400 403 403 403 403 403 403 403 403 LOG LOG LOG",
    "admin.create_user GET":               "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "admin.create_user POST":              "LOG 400 403 403 403 403 403 403 403 403 LOG LOG LOG",
    "admin.edit_user GET":                 "LOG 200 403 403 403 403 403 403 403 403 LOG LOG LOG",
    "admin.edit_user POST":                "LOG 400 403 403 403 403 403 403 403 403 LOG LOG LOG",
    "admin.hide_method GET":               "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "admin.hide_method POST":              "LOG 302 403 403 403 403 403 403 403 403 LOG LOG LOG",
    "admin.index GET":                     "LOG 200 403 403 403 403 403 403 403 403 LOG LOG LOG",
    "admin.methods_page GET":              "LOG 200 403 403 403 403 403 403 403 403 LOG LOG LOG",
    "admin.methods_page POST":             "LOG 400 403 403 403 403 403 403 403 403 LOG LOG LOG",
    "admin.outbox GET":                    "LOG 200 403 403 403 403 403 403 403 403 LOG LOG LOG",
    "admin.password_link GET":             "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "admin.password_link POST":            "LOG 200 403 403 403 403 403 403 403 403 LOG LOG LOG",
    "admin.rename_method GET":             "LOG 200 403 403 403 403 403 403 403 403 LOG LOG LOG",
    "admin.rename_method POST":            "LOG 400 403 403 403 403 403 403 403 403 LOG LOG LOG",
    "admin.reset_second_factor GET":       "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "admin.reset_second_factor POST":      "LOG 302 403 403 403 403 403 403 403 403 LOG LOG LOG",
    "admin.save_settings GET":             "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "admin.save_settings POST":            "LOG 302 403 403 403 403 403 403 403 403 LOG LOG LOG",
    "admin.toggle_user GET":               "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "admin.toggle_user POST":              "LOG 302 403 403 403 403 403 403 403 403 LOG LOG LOG",
    "api-docs.openapi_json GET":           "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "api_citizens.AccessLogResource GET":  "401 401 401 401 401 401 401 401 401 401 200 403 404",
    "api_citizens.CitizenResource GET":    "401 401 401 401 401 401 401 401 401 401 200 403 404",
    "api_citizens.CitizenResource PUT":    "401 401 401 401 401 401 401 401 401 401 422 403 422",
    "api_citizens.Citizens GET":           "401 401 401 401 401 401 401 401 401 401 200 403 200",
    "api_citizens.Citizens POST":          "401 401 401 401 401 401 401 401 401 401 422 403 422",
    "api_citizens.PlanClosing GET":        "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "api_citizens.PlanClosing POST":       "401 401 401 401 401 401 401 401 401 401 422 403 422",
    "api_citizens.PlanResource GET":       "401 401 401 401 401 401 401 401 401 401 200 403 404",
    "api_citizens.Plans GET":              "401 401 401 401 401 401 401 401 401 401 200 403 200",
    "api_citizens.Plans POST":             "401 401 401 401 401 401 401 401 401 401 422 403 422",
    "api_docs.docs GET":                   "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "api_fhir.GoalResource GET":           "401 401 401 401 401 401 401 401 401 401 200 403 404",
    "api_fhir.Goals GET":                  "401 401 401 401 401 401 401 401 401 401 200 403 404",
    "api_fhir.ObservationResource GET":    "401 401 401 401 401 401 401 401 401 401 200 403 404",
    "api_fhir.Observations GET":           "401 401 401 401 401 401 401 401 401 401 200 403 404",
    "api_fhir.PatientResource GET":        "401 401 401 401 401 401 401 401 401 401 200 403 404",
    "api_goals.GoalClosing GET":           "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "api_goals.GoalClosing POST":          "401 401 401 401 401 401 401 401 401 401 422 403 422",
    "api_goals.GoalResource GET":          "401 401 401 401 401 401 401 401 401 401 200 403 404",
    "api_goals.GoalResource PUT":          "401 401 401 401 401 401 401 401 401 401 422 403 422",
    "api_goals.Goals GET":                 "401 401 401 401 401 401 401 401 401 401 200 403 200",
    "api_goals.Goals POST":                "401 401 401 401 401 401 401 401 401 401 422 403 422",
    "api_goals.Notes GET":                 "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "api_goals.Notes POST":                "401 401 401 401 401 401 401 401 401 401 422 403 422",
    "api_goals.SubGoalResource GET":       "401 401 401 401 401 401 401 401 401 401 200 403 404",
    "api_goals.SubGoalResource PUT":       "401 401 401 401 401 401 401 401 401 401 422 403 422",
    "api_goals.SubGoals GET":              "401 401 401 401 401 401 401 401 401 401 200 403 200",
    "api_goals.SubGoals POST":             "401 401 401 401 401 401 401 401 401 401 422 403 422",
    "api_insight.Reminders GET":           "401 401 401 401 401 401 401 401 401 401 200 403 200",
    "api_insight.Statistics GET":          "401 401 401 401 401 401 401 401 401 401 200 403 200",
    "api_reference.get_instrument GET":    "401 401 401 401 401 401 401 401 401 401 200 200 200",
    "api_reference.list_instruments GET":  "401 401 401 401 401 401 401 401 401 401 200 200 200",
    "api_reference.list_staff GET":        "401 401 401 401 401 401 401 401 401 401 200 403 200",
    "api_reference.list_teams GET":        "401 401 401 401 401 401 401 401 401 401 200 403 200",
    "api_scorings.ScoringResource GET":    "401 401 401 401 401 401 401 401 401 401 200 403 404",
    "api_scorings.ScoringResource PUT":    "401 401 401 401 401 401 401 401 401 401 422 403 422",
    "api_scorings.Scorings GET":           "401 401 401 401 401 401 401 401 401 401 200 403 200",
    "api_scorings.Scorings POST":          "401 401 401 401 401 401 401 401 401 401 422 403 422",
    "audit.export_csv GET":                "LOG 200 403 403 403 403 403 403 403 403 LOG LOG LOG",
    "audit.index GET":                     "LOG 200 403 403 403 403 403 403 403 403 LOG LOG LOG",
    "auth.account GET":                    "LOG 200 200 200 200 200 200 200 200 200 LOG LOG LOG",
    "auth.code GET":                       "LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG",
    "auth.code POST":                      "LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG",
    "auth.enrol GET":                      "LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG",
    "auth.enrol POST":                     "LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG",
    "auth.keep_alive GET":                 "401 200 200 200 200 200 200 200 403 403 401 401 401",
    "auth.keep_alive POST":                "401 200 200 200 200 200 200 200 403 403 401 401 401",
    "auth.login GET":                      "200 302 302 302 302 302 302 302 302 302 200 200 200",
    "auth.login POST":                     "400 400 400 400 400 400 400 400 400 400 400 400 400",
    "auth.logout GET":                     "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "auth.logout POST":                    "LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG",
    "auth.logout_everywhere GET":          "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "auth.logout_everywhere POST":         "LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG LOG",
    "auth.mitid_callback GET":             "404 404 404 404 404 404 404 404 404 404 404 404 404",
    "auth.mitid_start GET":                "404 404 404 404 404 404 404 404 404 404 404 404 404",
    "auth.root GET":                       "LOG 302 302 302 302 302 302 302 302 302 LOG LOG LOG",
    "auth.sso_callback GET":               "404 404 404 404 404 404 404 404 404 404 404 404 404",
    "auth.sso_start GET":                  "404 404 404 404 404 404 404 404 404 404 404 404 404",
    "authority.index GET":                 "LOG 403 403 403 403 403 403 200 403 403 LOG LOG LOG",
    "citizens.create GET":                 "LOG 403 403 403 403 200 200 200 403 403 LOG LOG LOG",
    "citizens.create POST":                "LOG 403 403 403 403 400 400 400 403 403 LOG LOG LOG",
    "citizens.edit GET":                   "LOG 403 403 403 403 200 404 200 403 403 LOG LOG LOG",
    "citizens.edit POST":                  "LOG 403 403 403 403 400 404 400 403 403 LOG LOG LOG",
    "citizens.index GET":                  "LOG 403 403 200 403 200 200 200 403 403 LOG LOG LOG",
    "citizens.new_plan GET":               "LOG 403 403 403 403 200 404 200 403 403 LOG LOG LOG",
    "citizens.new_plan POST":              "LOG 403 403 403 403 400 404 400 403 403 LOG LOG LOG",
    "citizens.plan_action GET":            "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "citizens.plan_action POST":           "LOG 403 403 403 403 302 404 302 403 403 LOG LOG LOG",
    "citizens.rhythm_form GET":            "LOG 403 403 403 403 200 404 403 403 403 LOG LOG LOG",
    "citizens.rhythm_form POST":           "LOG 403 403 403 403 302 404 403 403 403 LOG LOG LOG",
    "citizens.rhythm_limits GET":          "LOG 403 200 200 200 403 403 403 403 403 LOG LOG LOG",
    "citizens.show GET":                   "LOG 403 403 200 403 200 404 200 403 403 LOG LOG LOG",
    "citizens.team_limits GET":            "LOG 403 200 200 404 403 403 403 403 403 LOG LOG LOG",
    "citizens.team_limits POST":           "LOG 403 400 400 404 403 403 403 403 403 LOG LOG LOG",
    "goals.add_note GET":                  "LOG 403 403 403 403 200 404 403 403 403 LOG LOG LOG",
    "goals.add_note POST":                 "LOG 403 403 403 403 400 404 403 403 403 LOG LOG LOG",
    "goals.close_goal GET":                "LOG 403 403 403 403 200 404 200 403 403 LOG LOG LOG",
    "goals.close_goal POST":               "LOG 403 403 403 403 400 404 400 403 403 LOG LOG LOG",
    "goals.edit_goal GET":                 "LOG 403 403 403 403 200 404 200 403 403 LOG LOG LOG",
    "goals.edit_goal POST":                "LOG 403 403 403 403 400 404 400 403 403 LOG LOG LOG",
    "goals.edit_subgoal GET":              "LOG 403 403 403 403 200 404 403 403 403 LOG LOG LOG",
    "goals.edit_subgoal POST":             "LOG 403 403 403 403 400 404 403 403 403 LOG LOG LOG",
    "goals.goal_history GET":              "LOG 403 403 200 403 200 404 200 403 403 LOG LOG LOG",
    "goals.new_goal GET":                  "LOG 403 403 403 403 200 404 200 403 403 LOG LOG LOG",
    "goals.new_goal POST":                 "LOG 403 403 403 403 400 404 400 403 403 LOG LOG LOG",
    "goals.new_subgoal GET":               "LOG 403 403 403 403 200 404 403 403 403 LOG LOG LOG",
    "goals.new_subgoal POST":              "LOG 403 403 403 403 400 404 403 403 403 LOG LOG LOG",
    "goals.reopen_goal GET":               "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "goals.reopen_goal POST":              "LOG 403 403 403 403 302 404 302 403 403 LOG LOG LOG",
    "invitations.accept GET":              "200 403 403 403 403 403 403 403 403 403 200 200 200",
    "invitations.accept POST":             "400 403 403 403 403 403 403 403 403 403 400 400 400",
    "invitations.invite GET":              "LOG 403 403 403 403 200 404 403 403 403 LOG LOG LOG",
    "invitations.invite POST":             "LOG 403 403 403 403 400 404 403 403 403 LOG LOG LOG",
    "ops.healthz GET":                     "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "ops.readyz GET":                      "503 503 503 503 503 503 503 503 503 503 503 503 503",
    "portal.decline GET":                  "LOG 403 403 403 403 403 403 403 200 200 LOG LOG LOG",
    "portal.decline POST":                 "LOG 403 403 403 403 403 403 403 400 400 LOG LOG LOG",
    "portal.fill GET":                     "LOG 403 403 403 403 403 403 403 200 200 LOG LOG LOG",
    "portal.fill POST":                    "LOG 403 403 403 403 403 403 403 400 400 LOG LOG LOG",
    "portal.index GET":                    "LOG 403 403 403 403 403 403 403 200 200 LOG LOG LOG",
    "portal.my_data GET":                  "LOG 403 403 403 403 403 403 403 200 200 LOG LOG LOG",
    "portal.my_data_json GET":             "LOG 403 403 403 403 403 403 403 200 200 LOG LOG LOG",
    "portal.my_data_pdf GET":              "LOG 403 403 403 403 403 403 403 200 200 LOG LOG LOG",
    "portal.scoring GET":                  "LOG 403 403 403 403 403 403 403 200 404 LOG LOG LOG",
    "portal.scoring POST":                 "LOG 403 403 403 403 403 403 403 400 404 LOG LOG LOG",
    "portal.scorings GET":                 "LOG 403 403 403 403 403 403 403 200 200 LOG LOG LOG",
    "portal.seen GET":                     "LOG 403 403 403 403 403 403 403 200 200 LOG LOG LOG",
    "portal.static GET":                   "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "portal.withdraw GET":                 "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "portal.withdraw POST":                "LOG 403 403 403 403 403 403 403 302 404 LOG LOG LOG",
    "progress.off_track_list GET":         "LOG 403 403 200 403 200 200 403 403 403 LOG LOG LOG",
    "reminders.index GET":                 "LOG 403 403 403 403 200 200 403 403 403 LOG LOG LOG",
    "reminders.mark_seen GET":             "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "reminders.mark_seen POST":            "LOG 403 403 403 403 400 404 403 403 403 LOG LOG LOG",
    "reminders.overview GET":              "LOG 403 200 200 200 403 403 403 403 403 LOG LOG LOG",
    "scoring.edit GET":                    "LOG 403 403 403 403 200 404 403 403 403 LOG LOG LOG",
    "scoring.edit POST":                   "LOG 403 403 403 403 400 404 403 403 403 LOG LOG LOG",
    "scoring.new GET":                     "LOG 403 403 403 403 200 404 403 403 403 LOG LOG LOG",
    "scoring.new POST":                    "LOG 403 403 403 403 400 404 403 403 403 LOG LOG LOG",
    "scoring.quarter GET":                 "LOG 403 403 403 403 200 404 403 403 403 LOG LOG LOG",
    "scoring.quarter POST":                "LOG 403 403 403 403 400 404 403 403 403 LOG LOG LOG",
    "scoring.samtale GET":                 "LOG 403 403 403 403 200 404 403 403 403 LOG LOG LOG",
    "scoring.samtale POST":                "LOG 403 403 403 403 400 404 403 403 403 LOG LOG LOG",
    "scoring.samtale_graph GET":           "LOG 403 403 403 403 200 404 403 403 403 LOG LOG LOG",
    "scoring.show GET":                    "LOG 403 403 200 403 200 404 200 403 403 LOG LOG LOG",
    "static GET":                          "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "stats.export_csv GET":                "LOG 403 200 200 200 403 403 200 403 403 LOG LOG LOG",
    "stats.index GET":                     "LOG 403 200 200 200 403 403 200 403 403 LOG LOG LOG",
    "stats.recompute GET":                 "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "stats.recompute POST":                "LOG 403 302 302 302 403 403 302 403 403 LOG LOG LOG",
    "stats.report_pdf GET":                "LOG 403 200 200 200 403 403 403 403 403 LOG LOG LOG",
    "stats.set_target GET":                "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "stats.set_target POST":               "LOG 403 400 400 400 403 403 403 403 403 LOG LOG LOG",
    "tilsyn.case_file_pdf GET":            "LOG 403 403 200 404 403 403 403 403 403 LOG LOG LOG",
    "tilsyn.delete GET":                   "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "tilsyn.delete POST":                  "LOG 403 400 400 404 403 403 403 403 403 LOG LOG LOG",
    "tilsyn.draw_sample GET":              "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "tilsyn.draw_sample POST":             "LOG 403 403 400 404 403 403 403 403 403 LOG LOG LOG",
    "tilsyn.edit GET":                     "LOG 403 200 200 404 403 403 403 403 403 LOG LOG LOG",
    "tilsyn.edit POST":                    "LOG 403 400 400 404 403 403 403 403 403 LOG LOG LOG",
    "tilsyn.edit_action GET":              "LOG 403 200 200 404 403 403 403 403 403 LOG LOG LOG",
    "tilsyn.edit_action POST":             "LOG 403 400 400 404 403 403 403 403 403 LOG LOG LOG",
    "tilsyn.handleplan_pdf GET":           "LOG 403 200 200 404 403 403 403 403 403 LOG LOG LOG",
    "tilsyn.index GET":                    "LOG 403 200 200 200 200 200 403 403 403 LOG LOG LOG",
    "tilsyn.new GET":                      "LOG 403 200 200 200 403 403 403 403 403 LOG LOG LOG",
    "tilsyn.new POST":                     "LOG 403 400 400 400 403 403 403 403 403 LOG LOG LOG",
    "tilsyn.new_action GET":               "LOG 403 200 200 404 403 403 403 403 403 LOG LOG LOG",
    "tilsyn.new_action POST":              "LOG 403 400 400 404 403 403 403 403 403 LOG LOG LOG",
    "tilsyn.report_pdf GET":               "LOG 403 200 200 404 403 403 403 403 403 LOG LOG LOG",
    "tilsyn.results_page GET":             "LOG 403 200 200 200 403 403 403 403 403 LOG LOG LOG",
    "tilsyn.results_page POST":            "LOG 403 400 400 400 403 403 403 403 403 LOG LOG LOG",
    "tilsyn.results_pdf GET":              "LOG 403 200 200 200 403 403 403 403 403 LOG LOG LOG",
    "tilsyn.sample GET":                   "LOG 403 200 200 404 403 403 403 403 403 LOG LOG LOG",
    "tilsyn.show GET":                     "LOG 403 200 200 404 403 403 403 403 403 LOG LOG LOG",
    "tokens.create_personal GET":          "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "tokens.create_personal POST":         "LOG 403 400 400 400 400 400 400 403 403 LOG LOG LOG",
    "tokens.create_service GET":           "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "tokens.create_service POST":          "LOG 400 403 403 403 403 403 403 403 403 LOG LOG LOG",
    "tokens.revoke_personal GET":          "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "tokens.revoke_personal POST":         "LOG 403 404 404 404 302 404 404 403 403 LOG LOG LOG",
    "tokens.revoke_service GET":           "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "tokens.revoke_service POST":          "LOG 302 403 403 403 403 403 403 403 403 LOG LOG LOG",
}
# fmt: on


@dataclass
class MatrixWorld:
    """Ids only: the world outlives the requests' sessions."""

    users: dict[str, int]  # column -> user id (the login columns)
    secrets: dict[str, str]  # "svc", "sv2", and "sv-<scope>" -> a token's secret
    params: dict[str, Any]  # URL parameter -> value
    citizens: dict[str, int] = field(default_factory=dict)  # name -> her id
    sessions: dict[str, str] = field(default_factory=dict)  # column -> a login session's token


def _world() -> MatrixWorld:
    session = db.session
    w = route_world(session, make.world(session))
    spare = make.user(session, Role.WORKER, [w.t2])
    w.c1.display_name, w.c2.display_name = NAMES
    now = utcnow()
    scopes = list(tokens.SCOPES)
    secrets = {
        "svc": tokens.create_service(session, w.admin, "Nexus", scopes, [w.t1.id], 30, now)[1],
        "sv2": tokens.create_service(session, w.admin, "Syd", scopes, [w.t2.id], 30, now)[1],
    }
    for scope in scopes:
        others = [s for s in scopes if s != scope]
        secrets[f"sv-{scope}"] = tokens.create_service(
            session, w.admin, f"Uden {scope}", others, [w.t1.id], 30, now
        )[1]
    spare_service, _ = tokens.create_service(session, w.admin, "Gammel", scopes, [w.t1.id], 30, now)
    personal, _ = tokens.create_personal(session, w.w1, "Min nøgle", scopes[:1], 30, now)
    _, invitation = invite(session, w.w1, w.c1, "borger1@example.dk", now=now)
    set_setting(session, "leader_reads_records", False)  # stored: ld+ sets and resets it
    tilsyn = _tilsyn(session, w)
    fko = make.score(
        session,
        w.authority,
        w.c1,
        "FKO",
        date(2026, 2, 1),
        {"value": 3},
        goal_id=w.g1.id,
        occasion="baseline",
    )
    session.commit()
    users = {
        "adm": w.admin,
        "ldr": w.leader,
        "ld+": w.leader,
        "ld2": make.user(session, Role.LEADER, [w.t2]),
        "w1": w.w1,
        "w2": w.w2,
        "myn": w.authority,
        "bo1": w.borger,
        "bo2": w.borger2,
    }
    return MatrixWorld(
        users={k: u.id for k, u in users.items()},
        citizens={NAMES[0]: w.c1.id, NAMES[1]: w.c2.id},
        secrets=secrets,
        params={
            "citizen_id": w.c1.id,
            "plan_id": w.p1.id,
            "goal_id": w.g1.id,
            "subgoal_id": w.s1.id,
            "scoring_id": w.sc1.id,
            "api_fhir.ObservationResource": {"scoring_id": fko.id},  # FHIR has FKO only
            "api_fhir.Observations": {"patient": w.c1.id},
            "api_fhir.Goals": {"patient": w.c1.id},
            "decline_id": w.d1.id,
            "team_id": w.t1.id,
            "user_id": spare.id,
            "instrument": "ORS",
            "instrument_id": "ORS",
            "token": invitation,
            # per endpoint
            "admin.toggle_user": {"action": "aktiver"},
            "admin.rename_method": {"code": "MI"},
            "admin.hide_method": {"code": "MI", "action": "vis"},
            "citizens.plan_action": {"action": "afslut"},
            "tokens.revoke_service": {"token_id": spare_service.id},
            "tokens.revoke_personal": {"token_id": personal.id},
            "static": {"filename": "css/app.css"},
            "portal.static": {"filename": "scale.js"},
            **tilsyn,
        },
    )


def _tilsyn(session: Any, w: Any) -> dict[str, Any]:
    """Two tilsyn visits of team 1 by its leader (the second for the delete row), an action
    of its handleplan owned by worker 1, and a stikprøve holding citizen 1, when the app has
    tilsyn (it was added while this table was written)."""
    try:
        services = importlib.import_module("bostotte.tilsyn.services")
        kvalitetsmodel = importlib.import_module("bostotte.tilsyn.kvalitetsmodel")
        models = importlib.import_module("bostotte.tilsyn.models")
    except ImportError:
        return {}
    model = kvalitetsmodel.current()
    data = {
        "visit_date": date(2026, 10, 1),
        "kind": "anmeldt",
        "visitor": "Socialtilsyn Hovedstaden",
        "offer": "Bostøtten",
        "model_version": model.version,
        "team_ids": [str(w.t1.id)],
        "form": {},
    }
    visit, spare = (services.create_visit(session, w.leader, data, make.TODAY) for _ in "12")
    action = models.Action(
        visit_id=visit.id,
        indicator=next(iter(model.indicators)),
        text="Faste møder med borgerne",
        owner_id=w.w1.id,
        deadline_date=date(2026, 12, 31),
        due_date=date(2026, 12, 31),
        status="planned",
    )
    sample = models.Sample(
        visit_id=visit.id, method="chosen", reason="Tilsynet", created_by_id=w.leader.id
    )
    sample.members = [models.SampleMember(citizen_id=w.c1.id, position=1)]
    session.add_all([action, sample])
    session.flush()
    return {
        "visit_id": visit.id,
        "tilsyn.delete": {"visit_id": spare.id},
        "action_id": action.id,
        "sample_id": sample.id,
        "position": 1,
    }


@pytest.fixture(scope="module")
def mw(app: Flask) -> Iterator[MatrixWorld]:
    """One world for the module (the rows only read it, or write what no later row reads),
    and CSRF on, as in production."""
    csrf = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        try:
            yield _world()
        finally:
            app.config["WTF_CSRF_ENABLED"] = csrf
            empty_tables()


def _rules(app: Flask) -> dict[str, Any]:
    return {r.endpoint: r for r in app.url_map.iter_rules()}


def _methods(rule: Any) -> list[str]:
    return ["GET", *sorted(rule.methods - {"GET", "HEAD", "OPTIONS"})]


def _url(app: Flask, rule: Any, mw: MatrixWorld) -> str:
    values = {a: mw.params[a] for a in rule.arguments if a in mw.params}
    values.update(mw.params.get(rule.endpoint, {}))
    return str(app.url_map.bind("localhost").build(rule.endpoint, values))


def _client(app: Flask, who: str, mw: MatrixWorld, fresh: bool) -> tuple[FlaskClient, str]:
    """A new client for the column, on its login session (a `fresh` one: not kept), and a
    valid CSRF token in its cookie."""
    client = app.test_client()
    if who in mw.users:
        user = db.session.get(User, mw.users[who])
        if fresh:
            login(client, user)  # type: ignore[arg-type]
        else:
            if who not in mw.sessions:
                started = sessions.start(db.session, user, "password", utcnow())  # type: ignore[arg-type]
                db.session.commit()
                mw.sessions[who] = started
            login(client, user, mw.sessions[who])  # type: ignore[arg-type]
    raw = "matrix-" + who
    with client.session_transaction() as s:
        s["csrf_token"] = raw
    serializer = URLSafeTimedSerializer(str(app.secret_key), salt="wtf-csrf-token")
    signed = serializer.dumps(raw)
    return client, str(signed)


def _scope(app: Flask, endpoint: str, method: str) -> str | None:
    view = app.view_functions[endpoint]
    handler = getattr(getattr(view, "view_class", None), method.lower(), view)
    return getattr(handler, "api_scope", None)


class Caller:
    """One column's request to one rule: logged in (and its CSRF token made) when made,
    sent by `send`, so a snapshot of the tables can come between."""

    def __init__(self, app: Flask, mw: MatrixWorld, who: str, endpoint: str, method: str):
        self.who, self.method = who, method
        self.mw = mw
        self.leaks: list[str] = []
        self.unlogged: list[str] = []
        self.client, csrf = _client(app, who, mw, fresh=f"{endpoint} {method}" in LOGS_OUT)
        self.api = _url(app, _rules(app)[endpoint], mw).startswith("/api/")
        self.kw: dict[str, Any] = {"headers": {}}
        if who in ("svc", "sv-", "sv2"):
            key = f"sv-{_scope(app, endpoint, method) or 'read:citizens'}" if who == "sv-" else who
            self.kw["headers"]["Authorization"] = f"Bearer {mw.secrets[key]}"
        if method != "GET":
            self.kw.update(json={}) if self.api else self.kw.update(data={"csrf_token": csrf})

    def send(self, url: str) -> str:
        """The status, LOG for a redirect to the login page, 500 for an exception; the
        names of citizens it shows that are not hers to see in `self.leaks`, and of those it
        shows to her without an access-log row in `self.unlogged`."""
        logged = _reads(self.mw)
        try:
            with _leaders_read_records(self.who == "ld+"):
                response = self.client.open(url, method=self.method, **self.kw)
        except Exception as error:  # noqa: BLE001 (an exception is the 500 the table never holds)
            return f"500({type(error).__name__}: {error})"
        body = response.get_data().decode("utf-8", "replace")  # a PDF's text is compressed
        shown = [n for n in NAMES if n in body]
        self.leaks = [n for n in shown if self.who not in READS[n]]
        if shown:
            now = _reads(self.mw)
            self.unlogged = [n for n in shown if n not in self.leaks and now[n] == logged[n]]
        if response.status_code == 302 and urlsplit(response.location).path == "/login":
            return "LOG"
        return str(response.status_code)


def _reads(mw: MatrixWorld) -> dict[str, int]:
    """How many access-log rows each citizen of the world has."""
    ids = {cid: name for name, cid in mw.citizens.items()}
    counts = db.session.execute(
        select(AccessLog.citizen_id, func.count())
        .where(AccessLog.citizen_id.in_(ids))
        .group_by(AccessLog.citizen_id)
    ).all()
    db.session.commit()  # end the read: the next one sees what requests wrote since
    return dict.fromkeys(mw.citizens, 0) | {ids[c]: n for c, n in counts}


@contextmanager
def _leaders_read_records(on: bool) -> Iterator[None]:
    """The administrator's setting on for one caller (off again after: the default)."""
    if on:
        set_setting(db.session, "leader_reads_records", True)
        db.session.commit()
    try:
        yield
    finally:
        if on:
            set_setting(db.session, "leader_reads_records", False)
            db.session.commit()


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the volatile columns left out)."""
    tables = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in VOLATILE.get(table.name, ())]
            rows = conn.execute(select(*columns)).all()
            tables[table.name] = sorted(tuple(map(repr, r)) for r in rows)
    return tables


def _all_rows(app: Flask) -> list[str]:
    return sorted(f"{ep} {m}" for ep, rule in _rules(app).items() for m in _methods(rule))


def test_every_rule_has_its_rows(app):
    rows = set(_all_rows(app))
    missing, gone = sorted(rows - set(TABLE)), sorted(set(TABLE) - rows)
    assert not missing and not gone, f"rows to add: {missing}; rows of no rule: {gone}"


def pytest_generate_tests(metafunc: Any) -> None:
    """The table's rows; with BOSTOTTE_MATRIX_DUMP, every rule's (to write new rows)."""
    if "row" in metafunc.fixturenames:
        rows = sorted(TABLE)
        if os.environ.get("BOSTOTTE_MATRIX_DUMP"):
            rows = _all_rows(create_app({"TESTING": True, "SECRET_KEY": "dump"}))
        metafunc.parametrize("row", rows)


def test_row(row, app, mw):
    endpoint, method = row.split()
    url = _url(app, _rules(app)[endpoint], mw)
    expected = dict(zip(COLUMNS, TABLE.get(row, "").split(), strict=False))
    got: dict[str, str] = {}
    changed: list[str] = []
    leaks: list[str] = []
    # Refusals first, each group against the tables before it: a plain refusal changes
    # nothing at all (no access-log row either: she saw nothing), a refused form may log that
    # she read the record it shows. Then the rest: pages, and writes that may land (on
    # records no later row reads: see `_world`).
    denials = DENIALS - {"LOG"} if row in LOGS_OUT else DENIALS
    groups = [
        ([c for c in COLUMNS if expected.get(c) in denials], set()),
        ([c for c in COLUMNS if expected.get(c) in FORM_ERRORS], {"access_log"}),
        ([c for c in COLUMNS if expected.get(c) not in denials | FORM_ERRORS], None),
    ]
    for columns, may_change in groups:
        callers = [Caller(app, mw, who, endpoint, method) for who in columns]
        check = may_change is not None and callers
        before = _snapshot() if check else {}
        for caller in callers:
            got[caller.who] = caller.send(url)
            leaks += [f"{caller.who} saw {name}" for name in caller.leaks]
            leaks += [f"{caller.who} saw {name}, unlogged" for name in caller.unlogged]
        if check:
            after = _snapshot()
            tables = {t for t in before if before[t] != after[t]} - (may_change or set())
            if tables:
                changed.append(f"{columns} changed {sorted(tables)}")
    if row in LOGS_OUT:
        mw.sessions.clear()  # logged out everywhere: the kept sessions too
    line = " ".join(f"{got[c]:<3}" for c in COLUMNS).rstrip()
    dump = os.environ.get("BOSTOTTE_MATRIX_DUMP")
    if dump:
        with open(dump, "a", encoding="utf-8") as f:
            f.write(f'    {chr(34) + row + chr(34) + ":":<38} "{line}",\n')
    assert [got[c] for c in COLUMNS] == [expected.get(c) for c in COLUMNS], f"{url}: {line}"
    assert not changed, f"{url}: a refusal changed rows: {changed}"
    assert not leaks, f"{url}: {leaks}"


WEB_WRITES = sorted(
    row
    for row, codes in TABLE.items()
    if not row.startswith("api") and not row.endswith(" GET") and set(codes.split()) != {"405"}
)


@pytest.mark.parametrize("write", WEB_WRITES)
def test_a_write_without_its_csrf_token_is_refused(write, app, mw):
    """The caller who gets furthest (in, or to the form's errors) posts without the token:
    400 and no row changed, on every page's write (the API takes no cookie, so no token)."""
    endpoint, method = write.split()
    expected = dict(zip(COLUMNS, TABLE[write].split(), strict=True))
    who = next((c for c in COLUMNS if expected[c] not in DENIALS), COLUMNS[0])
    caller = Caller(app, mw, who, endpoint, method)
    del caller.kw["data"]["csrf_token"]
    before = _snapshot()
    status = caller.send(_url(app, _rules(app)[endpoint], mw))
    after = _snapshot()
    assert status == "400", f"{who}: {status}"
    assert [t for t in before if before[t] != after[t]] == []
