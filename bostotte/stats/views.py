"""/statistik: the leader's dashboard, its CSV and the status report to the socialudvalg;
myndighed reads the page and the CSV for the citizens she referred.

Thin: read the filters, limit them to the user's scope (auth.permissions.stats_scope: the
leader's own teams, myndighed's referred citizens), ask `services.dashboard()` for the
numbers and render. These pages read aggregates, never a citizen's record, so nothing is
written to the access log and no citizen is named.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from bostotte.auth.permissions import Action, may, requires, stats_scope
from bostotte.charts.words import percent
from bostotte.common.pdf import render_pdf
from bostotte.common.schema import Errors, load_form
from bostotte.common.time import local_today
from bostotte.common.views import attachment, status_for, submit
from bostotte.extensions import commit_before_long_work, db, download_limit
from bostotte.goals.models import THEMES
from bostotte.stats import report, services, snapshots
from bostotte.stats.queries import Period, Scope
from bostotte.stats.schemas import FilterSchema, TargetSchema

bp = Blueprint("stats", __name__, url_prefix="/statistik")

FILTER_LABELS = {
    "fra": "Fra",
    "til": "Til",
    "team": "Team",
    "tema": "Tema",
    "type": "Rapport",
    "basisaar": "Basisår",
}
TARGET_LABELS = {
    "maal_tema": "Tema",
    "andel": "Mål i procent",
    "maal_fra": "Gælder fra",
    "maal_til": "Gælder til",
    "team": "Team",
}


class Filters:
    """The view the URL asks for, within what the leader may see."""

    def __init__(self, data: dict[str, Any], today: date) -> None:
        # Default: the year so far. A leader looks in during the year; the previous
        # period is then the same dates a year earlier, so the comparison is fair.
        self.start: date = data.get("fra") or date(today.year, 1, 1)
        self.end: date = data.get("til") or (
            today if self.start <= today else date(self.start.year, 12, 31)
        )
        self.team: int | None = data.get("team")
        self.theme: str | None = data.get("tema")
        self.report_type: str = data.get("type") or "midtvejs"
        # A fixed year to compare with (seed 001: the 2017 baseline), else the previous period.
        self.baseline_year: int | None = data.get("basisaar")
        self.goals: str | None = None  # the report's goals (report.REPORT_GOALS)

    @property
    def compare_with(self) -> Period | None:
        year = self.baseline_year
        return services.year_period(year) if year else None

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)

    def scope(self) -> Scope:
        """Another team's numbers (or any team's, for one without): 403."""
        return replace(stats_scope(current_user, self.team, self.theme), goals=self.goals)

    def args(self, **changes: Any) -> dict[str, Any]:
        """The URL parameters of this view (for links, the CSV and the PDF)."""
        args = {
            "fra": self.start.isoformat(),
            "til": self.end.isoformat(),
            "team": self.team,
            "tema": self.theme,
            "basisaar": self.baseline_year,
            **changes,
        }
        return {k: v for k, v in args.items() if v not in (None, "")}


def _filters() -> tuple[Filters, Errors]:
    data, errors = load_form(FilterSchema(), request.args)
    today = local_today()
    if errors:
        return Filters({}, today), errors
    filters = Filters(data, today)
    filters.scope()  # refused before anything is read
    if filters.start > filters.end:
        return filters, {"til": ["Slutdatoen ligger før startdatoen."]}
    return filters, {}


def _numbers(filters: Filters) -> snapshots.Numbers:
    """The view's numbers (services.dashboard and the on-track shares) with the configured
    smallest cell shown (BOSTOTTE_MIN_CELL), from its snapshot when that is exact or too
    costly to recompute on the spot (stats.snapshots): the page, the CSV and the PDF read
    these, and say when they were computed."""
    numbers = snapshots.numbers(db.session, _snapshot_view(filters), local_today())
    db.session.commit()  # a snapshot just stored: SQLite's write lock not held while drawing
    return numbers


def _snapshot_view(filters: Filters) -> snapshots.View:
    return snapshots.View(
        scope=filters.scope(),
        period=filters.period,
        compare_with=filters.compare_with,
        min_cell=current_app.config["BOSTOTTE_MIN_CELL"],
        by_worker=may(current_user, Action.LEAD),
    )


def _outward(numbers: snapshots.Numbers) -> dict[str, Any]:
    """What leaves the organisation (the CSV, the socialudvalg's PDF) names no staff: no
    numbers per worker."""
    return {**numbers.dashboard, "workers": []}


def _view(
    numbers: snapshots.Numbers, filters: Filters, *, leaves: bool = False
) -> report.Dashboard:
    dash = _outward(numbers) if leaves else numbers.dashboard
    return report.build_dashboard(dash, filters.period, filters.theme, filters.baseline_year)


def _page(
    filters: Filters,
    errors: Errors,
    target_form: dict[str, Any] | None = None,
    target_errors: Errors | None = None,
) -> tuple[str, int]:
    numbers = None if errors else _numbers(filters)
    view = None if numbers is None else _view(numbers, filters)
    teams = sorted(current_user.teams, key=lambda t: t.name)
    team_name = next((t.name for t in teams if t.id == filters.team), None)
    # The team a target set here is for: the one team in view (her only one, or the chosen).
    target_team = services.target_team(filters.scope()) if not errors else None
    target_team_name = next((t.name for t in teams if t.id == target_team), None)
    # A target usually covers whole years: those of the period in view.
    form = target_form or {
        "maal_fra": date(filters.start.year, 1, 1).isoformat(),
        "maal_til": date(filters.end.year, 12, 31).isoformat(),
    }
    return render_template(
        "stats/index.html",
        view=view,
        filters=filters,
        errors=errors,
        teams=teams,
        team_name=team_name,
        themes=THEMES,
        report=report,
        filter_labels=FILTER_LABELS,
        target_form=form,
        target_errors=target_errors or {},
        target_labels=TARGET_LABELS,
        target_team_name=target_team_name,
        # Myndighed: her referred citizens' numbers, no targets, reports or staff.
        referred=filters.scope().referred_by is not None,
        lead=may(current_user, Action.LEAD),
        on_track=numbers.on_track if numbers is not None else {},
        numbers=numbers,
        today=local_today(),
    ), status_for(errors or target_errors or {})


@bp.get("")
@requires(Action.STATS)
def index() -> tuple[str, int]:
    filters, errors = _filters()
    return _page(filters, errors)


@bp.post("/genberegn")
@requires(Action.STATS)
@download_limit()
def recompute() -> tuple[str, int] | Response:
    """The leader's "genberegn": the view's numbers computed now (seconds at national
    scale), then the page again. Limited per user as the downloads are: it costs as much."""
    filters, errors = _filters()
    if errors:
        return _page(filters, errors)
    view = _snapshot_view(filters)  # another team's: 403 before anything is computed
    commit_before_long_work()
    snapshots.compute(db.session, view, local_today())
    db.session.commit()
    flash("Tallene er beregnet igen og er nu helt opdaterede.", "success")
    return redirect(url_for("stats.index", **filters.args()))


@bp.post("/maal")
@requires(Action.LEAD)
def set_target() -> tuple[str, int] | Response:
    filters, errors = _filters()
    if errors:
        return _page(filters, errors)
    scope = filters.scope()  # another team's: 403
    target, target_errors = submit(
        TargetSchema(),
        request.form,
        lambda data: services.set_team_target(
            db.session,
            scope,
            data["maal_tema"],
            Period(data["maal_fra"], data["maal_til"]),
            data["andel"],
            current_user.id,
        ),
    )
    if target is None:
        return _page(filters, {}, request.form.to_dict(), target_errors)
    flash(
        f"Målet for {report.theme_label(target.theme)} "
        f"{report.period_text(Period(target.period_from, target.period_to))} er "
        f"{percent(target.share)}.",
        "success",
    )
    return redirect(url_for("stats.index", **filters.args(), _anchor="maal"))


def _file_name(filters: Filters, extension: str) -> str:
    team = f"-team{filters.team}" if filters.team else ""
    theme = f"-{filters.theme}" if filters.theme else ""
    kind = f"-{report.REPORT_FILES[filters.report_type]}" if filters.goals else ""
    return f"statistik-{filters.start}-{filters.end}{team}{theme}{kind}.{extension}"


@bp.get("/export.csv")
@requires(Action.STATS)
@download_limit()
def export_csv() -> tuple[str, int] | Response:
    filters, errors = _filters()
    if errors:
        return _page(filters, errors)
    dash = _outward(_numbers(filters))
    body = report.to_csv(services.dashboard_rows(dash), dash["current"]["min_cell"])
    return attachment(body, "text/csv", _file_name(filters, "csv"))


@bp.get("/rapport.pdf")
@requires(Action.LEAD)
@download_limit()
def report_pdf() -> tuple[str, int] | Response:
    filters, errors = _filters()
    if errors:
        return _page(filters, errors)
    team_name = next((t.name for t in current_user.teams if t.id == filters.team), None)
    filters.goals = report.REPORT_GOALS[filters.report_type]
    numbers = _numbers(filters)
    commit_before_long_work()
    pdf = render_pdf(
        "stats/report.html",
        view=_view(numbers, filters, leaves=True),
        numbers=numbers,
        filters=filters,
        report=report,
        team_name=team_name,
        team_names=sorted(t.name for t in current_user.teams),
        title=report.REPORT_TYPES[filters.report_type],
        lead=True,
        today=local_today(),
    )
    return attachment(pdf, "application/pdf", _file_name(filters, "pdf"))
