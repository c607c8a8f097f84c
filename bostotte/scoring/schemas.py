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


class QuarterSchema(FormSchema):
    """The quarter page's shared fields; the goals' values and notes are read per goal
    (`services.QuarterEntry`), and the date's absence is the service's to report, beside
    the values' errors."""

    scored_on = Date(load_default=None)
    participation = Str(load_default="together")
