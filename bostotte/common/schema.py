"""Marshmallow building blocks with Danish messages, shared by HTML forms, import and API."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from bostotte.common.text import CONTROL_MESSAGE, has_control

Errors = dict[str, list[str]]

REQUIRED = "Udfyld feltet."


class DomainError(Exception):
    """A broken business rule, with the field it belongs to (if any) and a Danish message."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def as_errors(self) -> Errors:
        return {self.field or "_form": [self.message]}


class InvalidInput(DomainError):
    """Several field errors at once (e.g. every out-of-range item of a scoring)."""

    def __init__(self, errors: Errors) -> None:
        super().__init__("Der er fejl i det indtastede.")
        self.errors = errors

    def as_errors(self) -> Errors:
        return self.errors


class Str(fields.String):
    default_error_messages = {"required": REQUIRED, "null": REQUIRED, "invalid": "Ugyldig tekst."}


class Int(fields.Integer):
    default_error_messages = {
        "required": REQUIRED,
        "null": REQUIRED,
        "invalid": "Skriv et helt tal.",
        "too_large": "Tallet er for stort.",
    }


MAX_EMAIL = 254  # RFC 5321's limit, and the e-mail columns' length


class Email(fields.Email):
    """An e-mail address that fits its column: a longer one is a Danish error, not a
    database error on PostgreSQL (issue 24). Forms may give their own 'invalid' text."""

    default_error_messages = {
        "required": REQUIRED,
        "null": REQUIRED,
        "invalid": "Skriv en gyldig e-mailadresse, fx navn@mail.dk.",
    }

    def __init__(self, **kwargs: Any) -> None:
        too_long = validate.Length(max=MAX_EMAIL, error="Højst {max} tegn.")
        extra = kwargs.pop("validate", None)
        extra = [] if extra is None else extra if isinstance(extra, list) else [extra]
        super().__init__(validate=[too_long, *extra], **kwargs)


class Bool(fields.Boolean):
    default_error_messages = {"required": REQUIRED, "null": REQUIRED, "invalid": "Ugyldigt valg."}


_DK_DATE = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")


class Date(fields.Date):
    """ISO dates (what <input type=date> sends) and Danish dd-mm-åååå."""

    default_error_messages = {
        "required": REQUIRED,
        "null": REQUIRED,
        "invalid": "Skriv en gyldig dato, fx 2026-03-01 eller 1-3-2026.",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        if isinstance(value, str) and (m := _DK_DATE.match(value.strip())):
            try:
                return date(int(m[3]), int(m[2]), int(m[1]))
            except ValueError as exc:
                raise self.make_error("invalid") from exc
        return super()._deserialize(value, attr, data, **kwargs)


def one_of(choices: Mapping[str, str] | list[str]) -> validate.OneOf:
    return validate.OneOf(list(choices), error="Vælg en af mulighederne.")


def max_len(n: int) -> validate.Length:
    return validate.Length(max=n, error="Højst {max} tegn.")


def required_text(n: int = 2000) -> validate.Length:
    return validate.Length(min=1, max=n, error="Udfyld feltet (højst {max} tegn).")


class FormSchema(Schema):
    """Reads HTML form data: strips text, treats empty fields as missing, ignores extras,
    and refuses a control character (common/text.py) in any field it reads, with a Danish
    message on that field: forms, API bodies and import rows alike."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _clean(self, data: Any, **_kwargs: Any) -> dict[str, Any]:
        if not hasattr(data, "keys"):  # a JSON list or number sent to the API
            raise ValidationError("Send et JSON-objekt.")
        cleaned: dict[str, Any] = {}
        refused: Errors = {}
        for key in list(data.keys()):
            # Multi-valued form fields (checkbox groups) arrive as lists.
            if isinstance(self.fields.get(key), fields.List):
                values = data.getlist(key) if hasattr(data, "getlist") else data[key]
                cleaned[key] = [v for v in values if str(v).strip()]
                if any(isinstance(v, str) and has_control(v) for v in cleaned[key]):
                    refused[key] = [CONTROL_MESSAGE]
                continue
            value = data[key]
            if isinstance(value, str):
                if has_control(value):
                    refused[key] = [CONTROL_MESSAGE]
                    continue
                value = value.strip()
                if value == "":
                    continue
            cleaned[key] = value
        if refused:
            # Only the fields this schema reads (others are ignored, and never stored).
            readable = {f.data_key or name for name, f in self.fields.items()}
            if refused := {k: v for k, v in refused.items() if k in readable}:
                raise ValidationError(refused)
        return cleaned


def load_form(schema: Schema, data: Any) -> tuple[dict[str, Any], Errors]:
    """(data, errors): errors keyed by field, each a list of Danish messages."""
    try:
        return schema.load(data), {}
    except ValidationError as exc:
        messages = exc.normalized_messages()
        errors: Errors = {}
        for key, value in messages.items():
            errors[key] = value if isinstance(value, list) else [str(value)]
        return {}, errors
