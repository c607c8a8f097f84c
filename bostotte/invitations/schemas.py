from __future__ import annotations

from bostotte.common.schema import Bool, Email, FormSchema


class InviteSchema(FormSchema):
    email = Email(
        required=True,
        error_messages={
            "required": "Skriv borgerens e-mail.",
            "invalid": "Skriv en gyldig e-mail, fx navn@mail.dk.",
        },
    )
    send_mail = Bool(load_default=False)
