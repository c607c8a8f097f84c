from __future__ import annotations

from marshmallow import fields

from bostotte.common.schema import Bool, FormSchema, max_len


class InviteSchema(FormSchema):
    email = fields.Email(
        required=True,
        validate=max_len(254),
        error_messages={
            "required": "Skriv borgerens e-mail.",
            "invalid": "Skriv en gyldig e-mail, fx navn@mail.dk.",
        },
    )
    send_mail = Bool(load_default=False)
