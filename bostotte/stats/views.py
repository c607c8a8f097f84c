"""/statistik: the leader's dashboard, its CSV and the status report to the socialudvalg.

Thin: read the filters, limit them to the leader's own teams, ask `services.dashboard()`
for the numbers and render. These pages read aggregates, never a citizen's record, so
nothing is written to the access log and no citizen is named.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError, fields, validates_schema
from werkzeug.wrappers import Response

from bostotte.auth.models import Role
from bostotte.auth.permissions import roles_required
from bostotte.charts.words import percent
from bostotte.common.pdf import render_pdf
from bostotte.common.schema import Date, Errors, FormSchema, Int, Str, load_form, one_of
from bostotte.common.time import local_today
from bostotte.common.views import status_for, submit
from bostotte.extensions import db, limiter
from bostotte.goals.models import ALL_THEMES, THEMES
from bostotte.stats import report, services
from bostotte.stats.queries import Period, Scope

bp = Blueprint("stats", __name__, url_prefix="/statistik")

FILTER_LABELS = {"fra": "Fra", "til": "Til", "team": "Team", "tema": "Tema",
                 "type": "Rapport"}
TARGET_LABELS = {"maal_tema": "Tema", "andel": "Mål i procent", "maal_fra": "Gælder fra",
                 "maal_til": "Gælder til"}


def _check_period(data: dict[str, Any], start: str, end: str) -> None:
    for key in (start, end):
        if key in data and not services.FIRST_YEAR <= data[key].year <= services.LAST_YEAR:
            raise ValidationError(f"Vælg en dato mellem {services.FIRST_YEAR} og "
                                  f"{services.LAST_YEAR}.", key)
    if start in data and end in data and data[end] < data[start]:
        raise ValidationError("Slutdatoen ligger før startdatoen.", end)


class FilterSchema(FormSchema):
    fra = Date()
    til = Date()
    team = Int()
    tema = Str(validate=one_of(ALL_THEMES))
    type = Str(validate=one_of(report.REPORT_TYPES))

    @validates_schema
    def _period(self, data: dict[str, Any], **_kw: Any) -> None:
        _check_period(data, "fra", "til")


class Percent(fields.Field):
    """"63", "63 %" or "63,5" → 0.63 / 0.635 (a share, as the engine stores targets)."""

    default_error_messages = {"required": "Udfyld feltet.",
                              "invalid": "Skriv målet som en procent mellem 0 og 100, fx 63."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> float:
        text = str(value).replace("%", "").replace(",", ".").strip()
        try:
            number = float(text)
        except ValueError as exc:
            raise self.make_error("invalid") from exc
        if not 0 <= number <= 100:
            raise self.make_error("invalid")
        return number / 100


class TargetSchema(FormSchema):
    maal_tema = Str(required=True, validate=one_of(THEMES))
    andel = Percent(required=True)
    maal_fra = Date(required=True)
    maal_til = Date(required=True)

    @validates_schema
    def _period(self, data: dict[str, Any], **_kw: Any) -> None:
        _check_period(data, "maal_fra", "maal_til")


class Filters:
    """The view the URL asks for, within what the leader may see."""

    def __init__(self, data: dict[str, Any], today: date) -> None:
        # Default: the year so far. A leader looks in during the year; the previous
        # period is then the same dates a year earlier, so the comparison is fair.
        self.start: date = data.get("fra") or date(today.year, 1, 1)
        self.end: date = data.get("til") or (today if self.start <= today
                                            else date(self.start.year, 12, 31))
        self.team: int | None = data.get("team")
        self.theme: str | None = data.get("tema")
        self.report_type: str = data.get("type") or "midtvejs"

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)

    def scope(self, team_ids: set[int]) -> Scope:
        if self.team is not None:
            return Scope((self.team,), self.theme)
        return Scope(tuple(sorted(team_ids)), self.theme)

    def args(self, **changes: Any) -> dict[str, Any]:
        """The URL parameters of this view (for links, the CSV and the PDF)."""
        args = {"fra": self.start.isoformat(), "til": self.end.isoformat(),
                "team": self.team, "tema": self.theme, **changes}
        return {k: v for k, v in args.items() if v not in (None, "")}


def _filters() -> tuple[Filters, Errors]:
    data, errors = load_form(FilterSchema(), request.args)
    today = local_today()
    if errors:
        return Filters({}, today), errors
    filters = Filters(data, today)
    if filters.team is not None and filters.team not in current_user.team_ids:
        abort(403)  # another team's numbers (or no team at all): not hers to see
    if filters.start > filters.end:
        return filters, {"til": ["Slutdatoen ligger før startdatoen."]}
    return filters, {}


def _view(filters: Filters) -> report.Dashboard:
    today = local_today()
    dash = services.dashboard(db.session, filters.period, today=today,
                              scope=filters.scope(current_user.team_ids))
    return report.build(dash, filters.period, filters.theme)


def _page(filters: Filters, errors: Errors, target_form: dict[str, Any] | None = None,
          target_errors: Errors | None = None) -> tuple[str, int]:
    view = None if errors else _view(filters)
    teams = sorted(current_user.teams, key=lambda t: t.name)
    team_name = next((t.name for t in teams if t.id == filters.team), None)
    # A target usually covers whole years: those of the period in view.
    form = target_form or {"maal_fra": date(filters.start.year, 1, 1).isoformat(),
                           "maal_til": date(filters.end.year, 12, 31).isoformat()}
    return render_template(
        "stats/index.html", view=view, filters=filters, errors=errors, teams=teams,
        team_name=team_name, themes=THEMES, report=report, filter_labels=FILTER_LABELS,
        target_form=form, target_errors=target_errors or {}, target_labels=TARGET_LABELS,
        today=local_today(),
    ), status_for(errors or target_errors or {})


@bp.get("")
@roles_required(Role.LEADER)
def index() -> tuple[str, int]:
    filters, errors = _filters()
    return _page(filters, errors)


@bp.post("/maal")
@roles_required(Role.LEADER)
def set_target() -> tuple[str, int] | Response:
    filters, errors = _filters()
    if errors:
        return _page(filters, errors)
    target, target_errors = submit(TargetSchema(), request.form, lambda data: (
        services.set_target(db.session, data["maal_tema"],
                            Period(data["maal_fra"], data["maal_til"]), data["andel"],
                            current_user.id)))
    if target is None:
        return _page(filters, {}, request.form.to_dict(), target_errors)
    flash(f"Målet for {report.theme_label(target.theme)} "
          f"{report.period_text(Period(target.period_from, target.period_to))} er "
          f"{percent(target.share)}.", "success")
    return redirect(url_for("stats.index", **filters.args(), _anchor="maal"))


def _download(body: bytes, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"  # worker names and our numbers
    return response


def _file_name(filters: Filters, extension: str) -> str:
    team = f"-team{filters.team}" if filters.team else ""
    theme = f"-{filters.theme}" if filters.theme else ""
    return f"statistik-{filters.start}-{filters.end}{team}{theme}.{extension}"


@bp.get("/export.csv")
@roles_required(Role.LEADER)
def export_csv() -> tuple[str, int] | Response:
    filters, errors = _filters()
    if errors:
        return _page(filters, errors)
    dash = services.dashboard(db.session, filters.period, today=local_today(),
                              scope=filters.scope(current_user.team_ids))
    return _download(report.to_csv(services.dashboard_rows(dash)), "text/csv",
                     _file_name(filters, "csv"))


@bp.get("/rapport.pdf")
@roles_required(Role.LEADER)
@limiter.limit("6 per minute")  # a PDF takes a few seconds of CPU to print
def report_pdf() -> tuple[str, int] | Response:
    filters, errors = _filters()
    if errors:
        return _page(filters, errors)
    team_name = next((t.name for t in current_user.teams if t.id == filters.team), None)
    pdf = render_pdf("stats/report.html", view=_view(filters), filters=filters,
                     report=report, team_name=team_name,
                     team_names=sorted(t.name for t in current_user.teams),
                     title=report.REPORT_TYPES[filters.report_type], today=local_today())
    return _download(pdf, "application/pdf", _file_name(filters, "pdf"))
