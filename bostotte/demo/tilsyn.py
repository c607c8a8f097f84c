"""The demo's earlier tilsyn visit (issue 23), so /tilsyn shows a spindelvæv with a
previous visit to compare the next one against. Fictional scores; the kvalitetsmodel's
wording is the real one."""

from __future__ import annotations

from datetime import date, timedelta

from bostotte.auth.models import Team, User
from bostotte.common.db import Session
from bostotte.tilsyn import kvalitetsmodel
from bostotte.tilsyn.models import Visit
from bostotte.tilsyn.services import create_visit, score_field, text_field

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


def earlier_visit(session: Session, leader: User, teams: list[Team], today: date) -> Visit:
    """An announced visit about a year ago of both demo teams."""
    form = {score_field(k): str(v) for k, v in SCORES.items()}
    form.update({text_field(k): v for k, v in TEXTS.items()})
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
