from __future__ import annotations

from bostotte.common.schema import Date, FormSchema, Int, Str, max_len, one_of
from bostotte.scoring.models import PARTICIPATION


class ScoringMetaSchema(FormSchema):
    """Everything of a scoring but the item values (those the instrument validates)."""

    scored_on = Date(required=True)
    occasion = Str(load_default=None)
    goal_id = Int(load_default=None)
    participation = Str(load_default="together", validate=one_of(PARTICIPATION))
    citizen_comment = Str(load_default=None, validate=max_len(2000))
    worker_note = Str(load_default=None, validate=max_len(4000))
