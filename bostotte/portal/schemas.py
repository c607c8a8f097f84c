from __future__ import annotations

from bostotte.common.schema import FormSchema, Str, max_len, required_text


class CommentSchema(FormSchema):
    text = Str(
        required=True,
        validate=required_text(2000),
        error_messages={"required": "Skriv din kommentar."},
    )


class DeclineSchema(FormSchema):
    # Checked against her instruments by the service (they depend on her methods).
    instrument = Str(required=True, error_messages={"required": "Vælg en af mulighederne."})
    reason = Str(load_default=None, validate=max_len(2000))


class SelfScoringSchema(FormSchema):
    """Her own ORS/SRS: the item values are checked by the instrument, as for everyone."""

    citizen_comment = Str(load_default=None, validate=max_len(2000))
