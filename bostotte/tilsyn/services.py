"""The rules of /tilsyn: who keeps which visits, entering a visit's scores and texts, the
theme scores, each indicator's change against the previous visit.

A leader keeps the visits of her teams: a visit is hers when every one of its teams is
hers (so a visit that also covers another leader's team is neither's to change alone).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bostotte.auth.models import Role, Team, User, user_teams
from bostotte.common.dates import IN_FUTURE, window_error
from bostotte.common.db import Session, form_id
from bostotte.common.schema import DomainError, InvalidInput
from bostotte.common.time import utcnow
from bostotte.common.versions import expect_version
from bostotte.tilsyn import kvalitetsmodel
from bostotte.tilsyn.kvalitetsmodel import Model, ThemeScore
from bostotte.tilsyn.models import (
    KINDS,
    Action,
    IndicatorScore,
    Recommendation,
    ThemeText,
    Visit,
    visit_teams,
)


class NotYours(Exception):
    """The visit does not exist or is not the user's to see: one answer (404)."""


def score_field(indicator_id: str) -> str:
    """The form field of an indicator's score: "score-9.b"."""
    return f"score-{indicator_id}"


def text_field(theme_id: str) -> str:
    return f"tekst-{theme_id}"


# The henstillinger on the visit form: row n (from 1) has a text, an optional indicator, and
# the id of the henstilling it edits (empty for a new one).
MAX_RECOMMENDATIONS = 30
BLANK_RECOMMENDATIONS = 3  # empty rows the form offers beyond the saved ones
MAX_RECOMMENDATION_TEXT = 2000


def recommendation_field(n: int, part: str) -> str:
    """ "henstilling-2-tekst", "henstilling-2-indikator", "henstilling-2-id"."""
    return f"henstilling-{n}-{part}"


@dataclass(frozen=True)
class RecommendationInput:
    id: int | None
    indicator: str | None
    text: str


def leader_teams(session: Session, user: User) -> list[Team]:
    return list(
        session.scalars(
            select(Team)
            .join(user_teams, user_teams.c.team_id == Team.id)
            .where(user_teams.c.user_id == user.id)
            .order_by(Team.name)
        )
    )


def _visible(user: User, visit: Visit) -> bool:
    return (
        user.role == Role.LEADER
        and bool(visit.team_ids)
        and visit.team_ids <= frozenset(user.team_ids)
    )


def visits_for(session: Session, user: User) -> list[Visit]:
    """The leader's visits, newest first (every team of each is hers)."""
    mine = select(user_teams.c.team_id).where(user_teams.c.user_id == user.id)
    foreign = select(visit_teams.c.visit_id).where(visit_teams.c.team_id.not_in(mine))
    ids = select(visit_teams.c.visit_id).where(visit_teams.c.visit_id.not_in(foreign))
    return list(
        session.scalars(
            select(Visit)
            .where(Visit.id.in_(ids))
            .options(selectinload(Visit.teams))
            .order_by(Visit.visit_date.desc(), Visit.id.desc())
        )
    )


def visit_for(session: Session, user: User, visit_id: int) -> Visit:
    visit = session.get(Visit, visit_id)
    if visit is None or not _visible(user, visit):
        raise NotYours
    return visit


def previous_visit(session: Session, visit: Visit) -> Visit | None:
    """The last visit before this one of the same teams (the offer as it was scored)."""
    candidates = session.scalars(
        select(Visit)
        .join(visit_teams, visit_teams.c.visit_id == Visit.id)
        .where(visit_teams.c.team_id.in_(visit.team_ids), Visit.id != visit.id)
        .where(
            (Visit.visit_date < visit.visit_date)
            | ((Visit.visit_date == visit.visit_date) & (Visit.id < visit.id))
        )
        .options(selectinload(Visit.teams), selectinload(Visit.scores))
        .order_by(Visit.visit_date.desc(), Visit.id.desc())
        .distinct()
    )
    return next((v for v in candidates if v.team_ids == visit.team_ids), None)


# ------------------------------------------------------------------------ entering


def _parse_scores(model: Model, form: Mapping[str, Any]) -> tuple[dict[str, int], dict]:
    scores: dict[str, int] = {}
    errors: dict[str, list[str]] = {}
    for indicator in model.indicators:
        raw = str(form.get(score_field(indicator), "") or "").strip()
        if not raw:
            continue
        if raw not in {"1", "2", "3", "4", "5"}:
            errors[score_field(indicator)] = [
                f"Indikator {indicator}: vælg en score fra 1 til 5, eller lad den stå tom."
            ]
            continue
        scores[indicator] = int(raw)
    return scores, errors


def _parse_recommendations(
    session: Session, model: Model, form: Mapping[str, Any], visit: Visit | None
) -> tuple[list[RecommendationInput], dict[str, list[str]]]:
    """The form's henstillinger in its order: a row with a text is kept (a new one, or the
    saved one its id names); a saved one whose text was emptied is removed, unless an action
    of the handleplan refers to it."""
    own = {r.id: r for r in visit.recommendations} if visit else {}
    kept: list[RecommendationInput] = []
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for n in range(1, MAX_RECOMMENDATIONS + 1):
        text = str(form.get(recommendation_field(n, "tekst"), "") or "").strip()
        indicator = str(form.get(recommendation_field(n, "indikator"), "") or "").strip()
        raw_id = str(form.get(recommendation_field(n, "id"), "") or "").strip()
        rec_id = form_id(raw_id)
        if raw_id and (rec_id is None or rec_id not in own or rec_id in seen):
            errors[recommendation_field(n, "tekst")] = [
                f"Henstilling {n} findes ikke ved besøget. Åbn formularen igen."
            ]
            continue
        if rec_id is not None:
            seen.add(rec_id)
        if len(text) > MAX_RECOMMENDATION_TEXT:
            errors[recommendation_field(n, "tekst")] = [
                f"Henstilling {n}: højst {MAX_RECOMMENDATION_TEXT} tegn."
            ]
        if indicator and indicator not in model.indicators:
            errors[recommendation_field(n, "indikator")] = [
                f"Henstilling {n}: vælg en indikator fra kvalitetsmodellen, eller ingen."
            ]
        if text:
            kept.append(RecommendationInput(rec_id, indicator or None, text))
        elif indicator and rec_id is None:
            errors[recommendation_field(n, "tekst")] = [
                f"Henstilling {n}: skriv henstillingen, eller vælg ingen indikator."
            ]
    gone = [r for r in own.values() if r.id not in {k.id for k in kept}]
    if gone:
        used = set(
            session.scalars(
                select(Action.recommendation_id).where(
                    Action.recommendation_id.in_([r.id for r in gone])
                )
            )
        )
        for r in gone:
            if r.id in used:
                errors[recommendation_field(r.position, "tekst")] = [
                    f"Henstilling {r.position} har punkter i handleplanen og kan ikke slettes. "
                    "Ret teksten i stedet."
                ]
    return kept, errors


def _check(
    session: Session,
    user: User,
    data: Mapping[str, Any],
    today: date,
    visit: Visit | None = None,
) -> tuple[list[Team], dict[str, int], dict[str, str], list[RecommendationInput]]:
    model = kvalitetsmodel.get(data["model_version"])
    errors: dict[str, list[str]] = {}
    day: date = data["visit_date"]
    if day > today:
        errors["visit_date"] = [IN_FUTURE]
    elif error := window_error(day):
        errors["visit_date"] = [error]
    own = {t.id: t for t in leader_teams(session, user)}
    raw_teams = [str(t) for t in data["team_ids"]]
    chosen = sorted({i for t in raw_teams if (i := form_id(t)) is not None})
    if not raw_teams:
        errors["team_ids"] = ["Vælg mindst ét team."]
    elif len(chosen) != len(set(raw_teams)) or any(t not in own for t in chosen):
        errors["team_ids"] = ["Vælg blandt dine egne teams."]
    scores, score_errors = _parse_scores(model, data["form"])
    errors.update(score_errors)
    texts = {
        theme.id: str(data["form"].get(text_field(theme.id), "") or "").strip()
        for theme in model.themes
    }
    for theme_id, text in texts.items():
        if len(text) > 10000:
            errors[text_field(theme_id)] = ["Højst 10000 tegn."]
    recommendations, recommendation_errors = _parse_recommendations(
        session, model, data["form"], visit
    )
    errors.update(recommendation_errors)
    if errors:
        raise InvalidInput(errors)
    texts = {k: v for k, v in texts.items() if v}
    return [own[t] for t in chosen], scores, texts, recommendations


def _fill_recommendations(visit: Visit, wanted: list[RecommendationInput]) -> None:
    by_id = {r.id: r for r in visit.recommendations}
    kept = []
    for position, item in enumerate(wanted, start=1):
        rec = by_id[item.id] if item.id is not None else Recommendation()
        rec.position, rec.indicator, rec.text = position, item.indicator, item.text
        kept.append(rec)
    visit.recommendations = kept


def _fill(
    visit: Visit,
    teams: list[Team],
    scores: dict[str, int],
    texts: dict[str, str],
    recommendations: list[RecommendationInput],
) -> None:
    _fill_recommendations(visit, recommendations)
    visit.teams = teams
    by_indicator = {s.indicator: s for s in visit.scores}
    for indicator, value in scores.items():
        if indicator in by_indicator:
            by_indicator[indicator].score = value
        else:
            visit.scores.append(IndicatorScore(indicator=indicator, score=value))
    visit.scores = [s for s in visit.scores if s.indicator in scores]
    by_theme = {t.theme: t for t in visit.texts}
    for theme, text in texts.items():
        if theme in by_theme:
            by_theme[theme].text = text
        else:
            visit.texts.append(ThemeText(theme=theme, text=text))
    visit.texts = [t for t in visit.texts if t.theme in texts]


def create_visit(session: Session, user: User, data: Mapping[str, Any], today: date) -> Visit:
    """`data`: visit_date, kind, visitor, offer, model_version, team_ids and the raw `form`
    (its score-<indicator> and tekst-<theme> fields). All of it or nothing."""
    if user.role != Role.LEADER:
        raise DomainError("Kun en leder registrerer tilsynsbesøg.")
    teams, scores, texts, recommendations = _check(session, user, data, today)
    visit = Visit(
        visit_date=data["visit_date"],
        kind=data["kind"],
        visitor=data["visitor"],
        offer=data["offer"],
        model_version=data["model_version"],
        created_by_id=user.id,
    )
    session.add(visit)
    _fill(visit, teams, scores, texts, recommendations)
    session.flush()
    return visit


def update_visit(
    session: Session,
    user: User,
    visit: Visit,
    data: Mapping[str, Any],
    today: date,
    version: int | None,
) -> Visit:
    expect_version(session, visit, version)
    data = {**data, "model_version": visit.model_version}
    teams, scores, texts, recommendations = _check(session, user, data, today, visit)
    visit.visit_date = data["visit_date"]
    visit.kind = data["kind"]
    visit.visitor = data["visitor"]
    visit.offer = data["offer"]
    visit.updated_at = utcnow()  # the visit's version moves with its scores and texts
    _fill(visit, teams, scores, texts, recommendations)
    session.flush()
    return visit


def delete_visit(session: Session, visit: Visit) -> None:
    session.delete(visit)
    session.flush()


# ---------------------------------------------------------------------- the report


@dataclass(frozen=True)
class IndicatorRow:
    id: str
    text: str
    score: int | None
    score_label: str
    before: int | None
    change: str


@dataclass(frozen=True)
class ThemeReport:
    score: ThemeScore | None  # None for Økonomi (judged, not scored)
    theme_id: str
    name: str
    text: str
    before: ThemeScore | None
    indicators: tuple[IndicatorRow, ...]


@dataclass(frozen=True)
class RecommendationRow:
    id: int
    position: int
    text: str
    indicator: str | None
    indicator_text: str  # "Indikator 9.b: …", or "" when tied to none


@dataclass(frozen=True)
class VisitReport:
    visit: Visit
    model: Model
    previous: Visit | None
    themes: tuple[ThemeReport, ...]
    recommendations: tuple[RecommendationRow, ...] = ()

    @property
    def scored(self) -> list[ThemeReport]:
        return [t for t in self.themes if t.score is not None]


def visit_report(session: Session, visit: Visit) -> VisitReport:
    """A visit as the report prints it: each theme's score and text, each indicator's
    score and its change against the previous visit of the same teams."""
    model = kvalitetsmodel.get(visit.model_version)
    previous = previous_visit(session, visit)
    now, before = visit.score_map, previous.score_map if previous else {}
    ours = {s.theme.id: s for s in kvalitetsmodel.theme_scores(model, now)}
    theirs = {s.theme.id: s for s in kvalitetsmodel.theme_scores(model, before)} if previous else {}
    texts = visit.text_map
    themes = []
    for theme in model.themes:
        rows = tuple(
            IndicatorRow(
                i.id,
                i.text,
                now.get(i.id),
                model.scale_label(now[i.id]) if i.id in now else "Ikke scoret",
                before.get(i.id),
                kvalitetsmodel.change_text(before.get(i.id), now.get(i.id)) if previous else "",
            )
            for i in theme.indicators
        )
        themes.append(
            ThemeReport(
                ours.get(theme.id),
                theme.id,
                theme.name,
                texts.get(theme.id, ""),
                theirs.get(theme.id),
                rows,
            )
        )
    recommendations = tuple(
        RecommendationRow(
            r.id,
            r.position,
            r.text,
            r.indicator,
            f"Indikator {r.indicator}: {model.indicators[r.indicator].text}"
            if r.indicator in model.indicators
            else "",
        )
        for r in visit.recommendations
    )
    return VisitReport(visit, model, previous, tuple(themes), recommendations)


def kinds() -> list[tuple[str, str]]:
    return list(KINDS.items())
