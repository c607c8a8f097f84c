"""/tilsyn: the leader's tilsyn visits scored against the kvalitetsmodel, their theme
scores and spindelvæv. Thin: authorise, parse, call `services`, render.

A leader keeps the visits of her teams (another team's visit: 404, never a hint); a worker
sees the page but no visit; myndighed, citizens and the administrator get 403. No page here
reads or names a citizen, so nothing is written to the access log.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from bostotte import instruments
from bostotte.auth.models import Role
from bostotte.auth.permissions import Action, Forbidden, NotFound, may, requires, stats_scope
from bostotte.common.pdf import render_pdf
from bostotte.common.schema import Errors, load_form
from bostotte.common.time import local_today
from bostotte.common.versions import CONFLICT_KEY, VERSION_FIELD, submitted_version
from bostotte.common.views import attachment, status_for, submit
from bostotte.extensions import commit_before_long_work, db, download_limit
from bostotte.goals.models import (
    ALL_THEMES,
    GOAL_STATUSES,
    SUBGOAL_STATUSES,
)
from bostotte.scoring.models import PARTICIPATION
from bostotte.stats import report as stats_report
from bostotte.stats import services as stats_services
from bostotte.stats.queries import Period
from bostotte.tilsyn import handleplan, kvalitetsmodel, results, samples, services
from bostotte.tilsyn.chart import radar
from bostotte.tilsyn.models import ACTION_STATUSES, Sample, Visit
from bostotte.tilsyn.models import Action as PlanAction
from bostotte.tilsyn.schemas import (
    ACTION_LABELS,
    LABELS,
    RESULT_LABELS,
    SAMPLE_LABELS,
    ActionSchema,
    ResultFilterSchema,
    ResultTextSchema,
    SampleSchema,
    VisitSchema,
)

bp = Blueprint("tilsyn", __name__, url_prefix="/tilsyn")

# The words a case file prints for the stored codes (each from its feature, never copied).
CASE_WORDS = {
    "themes": ALL_THEMES,
    "goal_statuses": GOAL_STATUSES,
    "subgoal_statuses": SUBGOAL_STATUSES,
    "participation": PARTICIPATION,
}


def _leader() -> None:
    if current_user.role != Role.LEADER:
        raise Forbidden


def _visit(visit_id: int) -> Visit:
    _leader()
    try:
        return services.visit_for(db.session, current_user, visit_id)
    except services.NotYours:
        raise NotFound from None


@bp.get("")
@requires(Action.TILSYN)
def index() -> str:
    is_leader = current_user.role == Role.LEADER
    visits = services.visits_for(db.session, current_user) if is_leader else []
    actions = [] if is_leader else handleplan.actions_owned(db.session, current_user)
    return render_template(
        "tilsyn/index.html",
        visits=visits,
        is_leader=is_leader,
        actions=actions,
        deadline_of=handleplan.deadline_of,
        status_label=handleplan.status_label,
        answers=handleplan.answers,
    )


def _labels(model: kvalitetsmodel.Model) -> dict[str, str]:
    labels = dict(LABELS)
    for indicator in model.indicators:
        labels[services.score_field(indicator)] = f"Indikator {indicator}"
    for theme in model.themes:
        labels[services.text_field(theme.id)] = f"Tilsynets vurdering: {theme.name}"
    for n in range(1, services.MAX_RECOMMENDATIONS + 1):
        labels[services.recommendation_field(n, "tekst")] = f"Henstilling {n}"
        labels[services.recommendation_field(n, "indikator")] = f"Henstilling {n}: indikator"
    return labels


def _recommendation_rows(form: dict[str, Any]) -> int:
    """How many henstilling rows the form shows: those filled in, and a few empty ones."""
    used = [
        n
        for n in range(1, services.MAX_RECOMMENDATIONS + 1)
        if any(form.get(services.recommendation_field(n, p)) for p in ("tekst", "id"))
    ]
    return min(services.MAX_RECOMMENDATIONS, max(used, default=0) + services.BLANK_RECOMMENDATIONS)


def _form_page(
    model: kvalitetsmodel.Model,
    form: dict[str, Any],
    errors: dict[str, list[str]],
    visit: Visit | None = None,
) -> tuple[str, int]:
    status = status_for(errors)
    if CONFLICT_KEY in errors:
        status = 409
    return render_template(
        "tilsyn/form.html",
        model=model,
        form=form,
        errors=errors,
        labels=_labels(model),
        visit=visit,
        teams=services.leader_teams(db.session, current_user),
        kinds=services.kinds(),
        score_options=[(str(n), model.scale_label(n)) for n in kvalitetsmodel.SCORES],
        score_field=services.score_field,
        text_field=services.text_field,
        recommendation_field=services.recommendation_field,
        recommendation_rows=_recommendation_rows(form),
        indicator_options=[(i, f"{i} {ind.text}") for i, ind in model.indicators.items()],
        version_field=VERSION_FIELD,
    ), status


@bp.route("/besoeg/ny", methods=["GET", "POST"])
@requires(Action.TILSYN)
def new() -> tuple[str, int] | Response:
    _leader()
    model = kvalitetsmodel.current()
    if request.method == "GET":
        teams = services.leader_teams(db.session, current_user)
        form = {"team_ids": [str(t.id) for t in teams], "kind": "anmeldt"}
        return _form_page(model, form, {})
    visit, errors = submit(
        VisitSchema(),
        request.form,
        lambda data: services.create_visit(
            db.session,
            current_user,
            {**data, "model_version": model.version, "form": request.form},
            today=local_today(),
        ),
    )
    if visit is None:
        return _form_page(model, _posted(), errors)
    flash("Besøget er gemt.", "success")
    return redirect(url_for("tilsyn.show", visit_id=visit.id))


def _posted() -> dict[str, Any]:
    form: dict[str, Any] = request.form.to_dict()
    form["team_ids"] = request.form.getlist("team_ids")
    return form


def _show_page(
    visit: Visit, sample_form: dict[str, Any] | None = None, sample_errors: Any = None
) -> tuple[str, int]:
    report = services.visit_report(db.session, visit)
    return render_template(
        "tilsyn/show.html",
        report=report,
        chart=radar(report),
        shown=kvalitetsmodel.shown,
        actions=handleplan.actions_of_visit(db.session, visit),
        suggested=handleplan.suggested(visit),
        deadline_of=handleplan.deadline_of,
        status_label=handleplan.status_label,
        answers=handleplan.answers,
        samples=samples.samples_of(db.session, visit),
        sample_form=sample_form or {},
        sample_errors=sample_errors or {},
        sample_labels=SAMPLE_LABELS,
        max_sample=samples.MAX_SIZE,
        may_sample=may(current_user, Action.READ),
    ), status_for(sample_errors or {})


@bp.get("/besoeg/<int:visit_id>")
@requires(Action.TILSYN)
def show(visit_id: int) -> tuple[str, int]:
    return _show_page(_visit(visit_id))


@bp.route("/besoeg/<int:visit_id>/rediger", methods=["GET", "POST"])
@requires(Action.TILSYN)
def edit(visit_id: int) -> tuple[str, int] | Response:
    visit = _visit(visit_id)
    model = kvalitetsmodel.get(visit.model_version)
    if request.method == "GET":
        form: dict[str, Any] = {
            "visit_date": visit.visit_date.isoformat(),
            "kind": visit.kind,
            "visitor": visit.visitor,
            "offer": visit.offer,
            "team_ids": [str(t) for t in visit.team_ids],
            VERSION_FIELD: str(visit.version),
        }
        form.update({services.score_field(k): str(v) for k, v in visit.score_map.items()})
        form.update({services.text_field(k): v for k, v in visit.text_map.items()})
        for n, rec in enumerate(visit.recommendations, start=1):
            form[services.recommendation_field(n, "id")] = str(rec.id)
            form[services.recommendation_field(n, "tekst")] = rec.text
            form[services.recommendation_field(n, "indikator")] = rec.indicator or ""
        return _form_page(model, form, {}, visit)
    saved, errors = submit(
        VisitSchema(),
        request.form,
        lambda data: services.update_visit(
            db.session,
            current_user,
            visit,
            {**data, "form": request.form},
            today=local_today(),
            version=submitted_version(request.form),
        ),
    )
    if saved is None:
        db.session.refresh(visit)
        return _form_page(model, _posted(), errors, visit)
    flash("Ændringerne er gemt.", "success")
    return redirect(url_for("tilsyn.show", visit_id=visit.id))


@bp.post("/besoeg/<int:visit_id>/slet")
@requires(Action.TILSYN)
def delete(visit_id: int) -> Response:
    visit = _visit(visit_id)
    if request.form.get("bekraeft") != "ja":
        abort(400, "Bekræft, at besøget skal slettes.")
    services.delete_visit(db.session, visit)
    db.session.commit()
    flash("Besøget er slettet.", "success")
    return redirect(url_for("tilsyn.index"))


# --------------------------------------------------------------------- the handleplan


def _action_page(
    visit: Visit,
    form: dict[str, Any],
    errors: dict[str, list[str]],
    action: PlanAction | None = None,
) -> tuple[str, int]:
    model = kvalitetsmodel.get(visit.model_version)
    scores = visit.score_map
    indicators = [
        (i, f"{i} ({scores[i]}) {ind.text}" if i in scores else f"{i} (ikke scoret) {ind.text}")
        for i, ind in model.indicators.items()
    ]
    status = 409 if CONFLICT_KEY in errors else status_for(errors)
    return render_template(
        "tilsyn/action_form.html",
        visit=visit,
        action=action,
        form=form,
        errors=errors,
        labels=ACTION_LABELS,
        indicators=indicators,
        recommendations=[
            (str(r.id), handleplan.recommendation_label(r))
            for r in handleplan.suggested_recommendations(visit)
        ],
        owners=[(str(u.id), u.name) for u in handleplan.owners(db.session, visit)],
        statuses=list(ACTION_STATUSES.items()),
        deadline_help=handleplan.DEADLINE_HELP,
        version_field=VERSION_FIELD,
    ), status


@bp.route("/besoeg/<int:visit_id>/handleplan/ny", methods=["GET", "POST"])
@requires(Action.TILSYN)
def new_action(visit_id: int) -> tuple[str, int] | Response:
    visit = _visit(visit_id)
    if request.method == "GET":
        form = {"indicator": request.args.get("indikator", ""), "status": "planned"}
        chosen = request.args.get("henstilling", "")
        rec = next((r for r in visit.recommendations if str(r.id) == chosen), None)
        if rec is not None:  # a henstilling's action: its indicator, if it names one
            form.update(recommendation_id=str(rec.id), indicator=rec.indicator or "")
        elif not form["indicator"]:
            suggested = handleplan.suggested(visit)
            form["indicator"] = suggested[0] if suggested else ""
        return _action_page(visit, form, {})
    action, errors = submit(
        ActionSchema(),
        request.form,
        lambda data: handleplan.add_action(db.session, visit, data),
    )
    if action is None:
        return _action_page(visit, request.form.to_dict(), errors)
    flash("Punktet er tilføjet handleplanen.", "success")
    return redirect(url_for("tilsyn.show", visit_id=visit.id, _anchor="handleplan"))


@bp.route("/handling/<int:action_id>/rediger", methods=["GET", "POST"])
@requires(Action.TILSYN)
def edit_action(action_id: int) -> tuple[str, int] | Response:
    _leader()
    action = db.session.get(PlanAction, action_id)
    if action is None:
        raise NotFound
    visit = _visit(action.visit_id)
    if request.method == "GET":
        form = {
            "indicator": action.indicator or "",
            "recommendation_id": str(action.recommendation_id or ""),
            "text": action.text,
            "owner_id": str(action.owner_id or ""),
            "deadline": handleplan.deadline_of(action).text
            if action.deadline_quarter
            else action.due_date.strftime("%d-%m-%Y"),
            "status": action.status,
            "note": action.note,
            VERSION_FIELD: str(action.version),
        }
        return _action_page(visit, form, {}, action)
    saved, errors = submit(
        ActionSchema(),
        request.form,
        lambda data: handleplan.update_action(
            db.session, action, data, submitted_version(request.form)
        ),
    )
    if saved is None:
        db.session.refresh(action)
        return _action_page(visit, request.form.to_dict(), errors, action)
    flash("Punktet er gemt.", "success")
    return redirect(url_for("tilsyn.show", visit_id=visit.id, _anchor="handleplan"))


# ------------------------------------------------------------------------------ PDFs


def _pdf(visit: Visit, kind: str) -> Response:
    report = services.visit_report(db.session, visit)
    plan: dict[str, dict[str, list[PlanAction]]] = {}
    by_recommendation: dict[int, list[PlanAction]] = {}
    for a in handleplan.actions_of_visit(db.session, visit):
        if a.recommendation_id is not None:
            by_recommendation.setdefault(a.recommendation_id, []).append(a)
        if a.indicator is None:
            continue
        theme = report.model.theme_of(a.indicator).id
        plan.setdefault(theme, {}).setdefault(a.indicator, []).append(a)
    commit_before_long_work()
    body = render_pdf(
        "tilsyn/pdf.html",
        kind=kind,
        report=report,
        chart=radar(report),
        shown=kvalitetsmodel.shown,
        plan=plan,
        by_recommendation=by_recommendation,
        deadline_of=handleplan.deadline_of,
        status_label=handleplan.status_label,
        today=local_today(),
    )
    return attachment(
        body,
        "application/pdf",
        f"{'handleplan' if kind == 'handleplan' else 'tilsyn'}-{visit.visit_date}.pdf",
    )


@bp.get("/besoeg/<int:visit_id>/rapport.pdf")
@requires(Action.TILSYN)
@download_limit()
def report_pdf(visit_id: int) -> Response:
    return _pdf(_visit(visit_id), "rapport")


@bp.get("/besoeg/<int:visit_id>/handleplan.pdf")
@requires(Action.TILSYN)
@download_limit()
def handleplan_pdf(visit_id: int) -> Response:
    return _pdf(_visit(visit_id), "handleplan")


# -------------------------------------------------------------------------- stikprøve


@bp.post("/besoeg/<int:visit_id>/stikproeve")
@requires(Action.TILSYN)
def draw_sample(visit_id: int) -> tuple[str, int] | Response:
    visit = _visit(visit_id)
    if not may(current_user, Action.READ):  # the case files are reads of records
        raise Forbidden
    sample, errors = submit(
        SampleSchema(),
        request.form,
        lambda data: samples.draw(db.session, current_user, visit, data),
    )
    if sample is None:
        return _show_page(visit, request.form.to_dict(), errors)
    flash(f"Stikprøven er udtrukket: {len(sample.members)} sagsmapper.", "success")
    return redirect(url_for("tilsyn.sample", sample_id=sample.id))


def _sample(sample_id: int) -> Sample:
    _leader()
    sample = db.session.get(Sample, sample_id)
    if sample is None:
        raise NotFound
    _visit(sample.visit_id)  # the visit's leader's only
    return sample


@bp.get("/stikproeve/<int:sample_id>")
@requires(Action.TILSYN)
def sample(sample_id: int) -> str:
    return render_template("tilsyn/sample.html", sample=_sample(sample_id))


@bp.get("/stikproeve/<int:sample_id>/<int:position>.pdf")
@requires(Action.TILSYN)
@download_limit()
def case_file_pdf(sample_id: int, position: int) -> Response:
    sample = _sample(sample_id)
    case = samples.case_file(db.session, current_user, sample, position)
    commit_before_long_work()  # her read is logged before the PDF is drawn
    body = render_pdf(
        "tilsyn/case_file.html",
        case=case,
        sample=sample,
        today=local_today(),
        fko=instruments.get("FKO"),
        **CASE_WORDS,
    )
    return attachment(body, "application/pdf", f"stikproeve-{sample.id}-{position}.pdf")


# ------------------------------------------------------------ resultatdokumentation


class ResultView:
    """The period and team the URL asks for (default: this calendar year, all her teams)."""

    def __init__(self, data: dict[str, Any], today: date) -> None:
        self.today = today
        self.year: int | None = None
        if data.get("fra"):
            self.period = Period(data["fra"], data["til"])
        else:
            self.year = data.get("aar") or today.year
            self.period = stats_services.year_period(self.year)
        self.team: int | None = data.get("team")

    def args(self) -> dict[str, Any]:
        """The URL parameters of this view (the form's action, the PDF)."""
        args: dict[str, Any] = (
            {"aar": self.year}
            if self.year
            else {"fra": self.period.start.isoformat(), "til": self.period.end.isoformat()}
        )
        if self.team is not None:
            args["team"] = self.team
        return args


def _result_view() -> tuple[ResultView, Errors]:
    _leader()
    data, errors = load_form(ResultFilterSchema(), request.args)
    view = ResultView({} if errors else data, local_today())
    stats_scope(current_user, view.team)  # another team's: 403, before anything is read
    return view, errors


def _results(view: ResultView) -> results.Results:
    return results.results(
        db.session,
        view.period,
        stats_scope(current_user, view.team),
        min_cell=current_app.config["BOSTOTTE_MIN_CELL"],
        today=local_today(),
    )


def _team_text(view: ResultView) -> str:
    teams = sorted(current_user.teams, key=lambda t: t.name)
    if view.team is not None:
        return next(t.name for t in teams if t.id == view.team)
    return ", ".join(t.name for t in teams)


def _results_page(
    view: ResultView,
    errors: Errors,
    text_form: dict[str, Any] | None = None,
    text_errors: Errors | None = None,
) -> tuple[str, int]:
    teams = sorted(current_user.teams, key=lambda t: t.name)
    found = _results(view) if teams and not errors else None
    text_errors = text_errors or {}
    if text_form is None:
        saved = found.text if found else None
        text_form = {
            "tekst": saved.text if saved else "",
            VERSION_FIELD: str(saved.version if saved else results.NO_TEXT_VERSION),
        }
    status = 409 if CONFLICT_KEY in text_errors else status_for(errors or text_errors)
    return render_template(
        "tilsyn/results.html",
        view=view,
        found=found,
        errors=errors,
        teams=teams,
        team_text=_team_text(view) if teams else "",
        years=[(str(y), str(y)) for y in results.years(view.today)],
        labels=RESULT_LABELS,
        text_form=text_form,
        text_errors=text_errors,
        max_text=results.MAX_TEXT,
        cells=stats_report.CellText(current_app.config["BOSTOTTE_MIN_CELL"]),
        period_text=stats_report.period_text,
        percent=stats_report.percent,
        version_field=VERSION_FIELD,
    ), status


@bp.route("/resultatdokumentation", methods=["GET", "POST"])
@requires(Action.TILSYN)
def results_page() -> tuple[str, int] | Response:
    view, errors = _result_view()
    if errors or request.method == "GET":
        return _results_page(view, errors)
    scope = stats_scope(current_user, view.team)
    saved, text_errors = submit(
        ResultTextSchema(),
        request.form,
        lambda data: results.save_text(
            db.session,
            current_user,
            scope,
            view.period,
            data["tekst"],
            submitted_version(request.form),
        ),
    )
    if saved is None:
        form = {
            "tekst": request.form.get("tekst", ""),
            VERSION_FIELD: request.form.get(VERSION_FIELD, ""),
        }
        if CONFLICT_KEY in text_errors:  # hers stays in the box; the version is the saved one
            db.session.expire_all()
            current = results.find_text(db.session, results.team_key(scope), view.period)
            form[VERSION_FIELD] = str(current.version if current else results.NO_TEXT_VERSION)
        return _results_page(view, {}, form, text_errors)
    flash("Teksten om, hvordan I har brugt resultaterne, er gemt.", "success")
    return redirect(url_for("tilsyn.results_page", _anchor="brugt", **view.args()))


@bp.get("/resultatdokumentation.pdf")
@requires(Action.TILSYN)
@download_limit()
def results_pdf() -> Response:
    view, errors = _result_view()
    if errors:
        abort(400, "; ".join(m for ms in errors.values() for m in ms))
    found = _results(view)
    commit_before_long_work()
    body = render_pdf(
        "tilsyn/results_pdf.html",
        view=view,
        found=found,
        team_text=_team_text(view),
        cells=stats_report.CellText(current_app.config["BOSTOTTE_MIN_CELL"]),
        period_text=stats_report.period_text,
        percent=stats_report.percent,
        today=local_today(),
    )
    return attachment(
        body, "application/pdf", f"resultatdokumentation-{view.period.start}-{view.period.end}.pdf"
    )
