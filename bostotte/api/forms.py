"""The forms that make API tokens: on the account page (a personal token) and the admin
page (an integration's token). The rules themselves (names, scopes, lifetime, teams) and
their Danish messages are in api/tokens.py; these schemas only read the form."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields

from bostotte.api import tokens
from bostotte.auth.models import Role, User
from bostotte.common.schema import Errors, FormSchema, Int, Str, max_len

DAYS_MESSAGE = f"Vælg en levetid mellem 1 og {tokens.MAX_DAYS} dage."
# The roles that never hold a personal token: a citizen, the administrator (she makes the
# integrations' tokens) and an integration (it has one already).
NO_PERSONAL_TOKEN = frozenset({Role.CITIZEN, Role.ADMIN, Role.SERVICE})


def personal_scopes(user: User) -> list[tokens.Scope]:
    """The scopes the account page offers her; none means no API section at all."""
    if user.role in NO_PERSONAL_TOKEN:
        return []
    return tokens.scopes_for(user)


class Ids(fields.List):
    """Checked boxes carrying ids: a list of whole numbers, or one Danish message (not one
    per box) when a value was tampered with."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(Str(), **kwargs)
        self.message = message

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        values = super()._deserialize(value, attr, data, **kwargs)
        try:
            return [int(str(v)) for v in values]
        except ValueError as exc:
            raise ValidationError(self.message) from exc


class PersonalTokenForm(FormSchema):
    # An empty name is left to tokens.create_personal, whose message says why it matters.
    name = Str(load_default="", validate=max_len(120))
    scopes = fields.List(Str(), load_default=list)
    days = Int(
        required=True,
        error_messages={
            "required": DAYS_MESSAGE,
            "null": DAYS_MESSAGE,
            "invalid": DAYS_MESSAGE,
            "too_large": DAYS_MESSAGE,
        },
    )


class ServiceTokenForm(PersonalTokenForm):
    # The admin page has other forms with a field "name".
    name = Str(data_key="integration_name", load_default="", validate=max_len(120))
    teams = Ids("Vælg mindst ét team, som integrationen må se.", load_default=list)


def form_keys(schema: FormSchema, errors: Errors) -> Errors:
    """Errors keyed as the form names its fields: tokens.py's DomainErrors name the schema's
    field ("name"), the form may call it something else (its data_key)."""
    return {
        (schema.fields[key].data_key or key) if key in schema.fields else key: messages
        for key, messages in errors.items()
    }
