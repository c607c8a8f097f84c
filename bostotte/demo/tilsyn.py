"""The demo's earlier tilsyn visit (issue 23), so /tilsyn shows a spindelvæv with a
previous visit to compare the next one against, with two henstillinger; and the leader's
text on how last year's results were used, so the resultatdokumentation shows one.
Fictional scores and texts; the kvalitetsmodel's wording is the real one."""

from __future__ import annotations

from datetime import date, timedelta

from bostotte.auth.models import Team, User
from bostotte.common.db import Session
from bostotte.stats.queries import Scope
from bostotte.stats.services import year_period
from bostotte.tilsyn import kvalitetsmodel, results
from bostotte.tilsyn.models import ResultText, Visit
from bostotte.tilsyn.services import (
    create_visit,
    recommendation_field,
    score_field,
    text_field,
)

SCORES = {
    "1.a": 3, "1.b": 3, "2.a": 4, "2.b": 4, "3.a": 3, "3.b": 2, "3.d": 4,
    "4.a": 5, "4.b": 4, "5.a": 4, "5.b": 4, "5.c": 4, "7.a": 5,
    "8.a": 4, "8.b": 4, "9.a": 4, "9.b": 4, "9.c": 1, "9.d": 4,
    "10.a": 3, "10.b": 4, "14.a": 4, "14.b": 3,
}  # fmt: skip

TEXTS = {
    "maalgruppe": "Tilbuddet arbejder med relevante metoder, men dokumenterer ikke "
    "systematisk borgernes resultater til egen læring.",
    "organisation": "Ledelsen er kompetent; sygefraværet er højere end på sammenlignelige "
    "arbejdspladser.",
    "oekonomi": "Økonomien vurderes at have den nødvendige kvalitet i forhold til prisen.",
}


RECOMMENDATIONS = (
    (
        "3.b",
        "Tilbuddet skal dokumentere borgernes resultater systematisk og bruge dem til egen læring.",
    ),
    (
        None,
        "Tilbuddet skal sikre, at sygefraværet følges og drøftes med medarbejderne.",
    ),
)

RESULTS_USED = (
    "Vi gennemgik FKO-statusserne på teammøderne hvert kvartal og så, at mestringen inden "
    "for Sundhed stod stille. Vi valgte derfor at tage ORS med ved hver samtale om "
    "sundhedsmål og at drøfte borgernes trivsel på supervisionen.\n\n"
    "Andelen af scoringer registreret til tiden var for lav i første halvår. Vi lagde "
    "opgaverne over fristen ind som fast punkt på mandagsmødet, og andelen steg i andet "
    "halvår."
)


def earlier_visit(session: Session, leader: User, teams: list[Team], today: date) -> Visit:
    """An announced visit about a year ago of both demo teams."""
    form = {score_field(k): str(v) for k, v in SCORES.items()}
    form.update({text_field(k): v for k, v in TEXTS.items()})
    for n, (indicator, text) in enumerate(RECOMMENDATIONS, start=1):
        form[recommendation_field(n, "tekst")] = text
        form[recommendation_field(n, "indikator")] = indicator or ""
    return create_visit(
        session,
        leader,
        {
            "visit_date": today - timedelta(days=371),
            "kind": "anmeldt",
            "visitor": "Socialtilsyn Hovedstaden",
            "offer": "Mestringsvejledningen",
            "model_version": kvalitetsmodel.current().version,
            "team_ids": [t.id for t in teams],
            "form": form,
        },
        today,
    )


def last_years_results(
    session: Session, leader: User, teams: list[Team], today: date
) -> ResultText:
    """The leader's "Sådan har vi brugt resultaterne" for last year, for both demo teams."""
    return results.save_text(
        session,
        leader,
        Scope(tuple(sorted(t.id for t in teams))),
        year_period(today.year - 1),
        RESULTS_USED,
        None,
    )
