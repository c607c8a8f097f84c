from __future__ import annotations

from bostotte.common.schema import Date, FormSchema, Str, max_len, one_of
from bostotte.reminders.signals import KINDS

NOTE_MAX = 300


class SignalSeenSchema(FormSchema):
    """ "Markér som set": which signal (or what from the citizen), and the worker's short
    note (a signal needs one: tasks.mark_seen)."""

    kind = Str(required=True, validate=one_of(KINDS))
    subject = Str(load_default="", validate=max_len(40))
    basis = Date(required=True)
    note = Str(load_default="", validate=max_len(NOTE_MAX))
