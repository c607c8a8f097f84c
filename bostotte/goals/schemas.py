from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validates_schema

from bostotte.common.dates import DomainDate
from bostotte.common.schema import Bool, FormSchema, Str, max_len, one_of, required_text
from bostotte.extensions import db
from bostotte.goals.methods import methods
from bostotte.goals.models import ALL_THEMES, GOAL_STATUSES, SUBGOAL_STATUSES


def known_method(value: str) -> None:
    """One of the municipality's methods (goals.methods; a hidden one stays valid for the
    delmål that have it)."""
    if value not in methods(db.session, hidden=True):
        raise ValidationError("Vælg en af mulighederne.")


CLOSING_STATUSES = {k: v for k, v in GOAL_STATUSES.items() if k != "active"}


class GoalSchema(FormSchema):
    theme = Str(required=True, validate=one_of(ALL_THEMES))
    specific = Str(required=True, validate=required_text(1000))
    measurable = Str(required=True, validate=required_text(1000))
    agreed = Bool(load_default=False)
    agreed_on = DomainDate(load_default=None)
    realistic = Str(load_default=None, validate=max_len(1000))
    target_date = DomainDate(required=True)

    @validates_schema(skip_on_field_errors=False)
    def _agreed(self, data: dict[str, Any], **_kw: Any) -> None:
        if data.get("agreed") and not data.get("agreed_on"):
            raise ValidationError("Skriv datoen, hvor borgeren sagde ja til målet.", "agreed_on")


class CloseGoalSchema(FormSchema):
    status = Str(required=True, validate=one_of(CLOSING_STATUSES))
    closed_on = DomainDate(required=True)
    close_reason = Str(load_default=None, validate=max_len(1000))

    @validates_schema(skip_on_field_errors=False)
    def _reason(self, data: dict[str, Any], **_kw: Any) -> None:
        if data.get("status") in ("abandoned", "replaced") and not data.get("close_reason"):
            raise ValidationError("Skriv en begrundelse.", "close_reason")


class SubGoalSchema(FormSchema):
    title = Str(required=True, validate=required_text(500))
    method = Str(required=True, validate=known_method)
    approach = Str(load_default=None, validate=max_len(2000))
    target_date = DomainDate(load_default=None)
    status = Str(load_default="not_started", validate=one_of(SUBGOAL_STATUSES))


class NoteSchema(FormSchema):
    noted_on = DomainDate(required=True)
    text = Str(required=True, validate=required_text(4000))
    # The delmål's status, set in the same save as the note (left out: unchanged).
    status = Str(
        load_default=None,
        validate=one_of(SUBGOAL_STATUSES),
        metadata={
            "description": "Delmålets status fra nu, gemt sammen med noten: not_started, "
            "in_progress, achieved eller dropped (udeladt: uændret)."
        },
    )


class NoteForm(NoteSchema):
    """The page's note form also says which status it showed, so that a status she left as
    it was does not undo a colleague's change made meanwhile."""

    status_was = Str(load_default=None, validate=one_of(SUBGOAL_STATUSES))
