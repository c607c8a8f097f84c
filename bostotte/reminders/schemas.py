from __future__ import annotations

from bostotte.common.schema import Date, FormSchema, Str, max_len, one_of, required_text
from bostotte.reminders.signals import KINDS

NOTE_MAX = 300


class SignalSeenSchema(FormSchema):
    """ "Markér som set": which of the citizen's signals, and the worker's short note."""

    kind = Str(required=True, validate=one_of(KINDS))
    subject = Str(load_default="", validate=max_len(40))
    basis = Date(required=True)
    note = Str(required=True, validate=required_text(NOTE_MAX))
