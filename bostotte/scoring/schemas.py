from __future__ import annotations

from bostotte.common.dates import DomainDate
from bostotte.common.schema import Bool, FormSchema, Int, Str, max_len, one_of
from bostotte.scoring.models import PARTICIPATION


class ScoringMetaSchema(FormSchema):
    """Everything of a scoring but the item values (those the instrument validates)."""

    scored_on = DomainDate(required=True)
    occasion = Str(load_default=None)
    goal_id = Int(load_default=None)
    participation = Str(load_default="together", validate=one_of(PARTICIPATION))
    citizen_comment = Str(load_default=None, validate=max_len(2000))
    worker_note = Str(load_default=None, validate=max_len(4000))


class ScoringFormSchema(ScoringMetaSchema):
    """The staff form's scoring: it also carries the box that confirms a goal's target worse
    than its baseline (the API, reading ScoringMetaSchema, is not asked)."""

    confirm_target = Bool(load_default=False)


class QuarterSchema(FormSchema):
    """The quarter page's shared fields; the goals' values and notes are read per goal
    (`services.QuarterEntry`), and the date's absence is the service's to report, beside
    the values' errors."""

    scored_on = DomainDate(load_default=None)
    participation = Str(load_default="together")


class SessionSchema(FormSchema):
    """The session page's shared fields; the ORS and SRS values are read per item, and the
    service reports a missing date, the note's length, the SRS choice, today's ORS and the
    § 82 b count beside them."""

    scored_on = DomainDate(load_default=None)
    participation = Str(load_default="together")
    worker_note = Str(load_default=None)
    without_srs = Bool(load_default=False)
    use_ors = Int(load_default=None)  # today's ORS, used instead of a new one
    count_session = Bool(load_default=False)  # one of her § 82 b forløb's sessions
