"""Cursor pagination and the filters every list shares."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from flask import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import Select

from bostotte.common.db import MAX_ID, Session
from bostotte.common.schema import Int, Str
from bostotte.common.time import utcnow

MAX_LIMIT = 200


class AwareDateTime(fields.AwareDateTime):
    default_error_messages = {
        "invalid": "Skriv et tidspunkt som ISO 8601, fx 2026-03-01T12:00:00Z.",
        "invalid_awareness": "Skriv tidspunktet med tidszone, fx 2026-03-01T12:00:00Z.",
    }


class DatabaseInts(Schema):
    """Every integer field takes only what an INTEGER column holds."""

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        super().on_bind_field(field_name, field_obj)
        if isinstance(field_obj, fields.Integer):
            fits = validate.Range(-MAX_ID - 1, MAX_ID, error="Skriv et tal mellem {min} og {max}.")
            field_obj.validators = [*field_obj.validators, fits]


class ListArgs(DatabaseInts):
    limit = Int(
        load_default=50,
        validate=validate.Range(1, MAX_LIMIT, error=f"Vælg et antal mellem 1 og {MAX_LIMIT}."),
        metadata={"description": f"Højst så mange på en side (1–{MAX_LIMIT})."},
    )
    cursor = Str(metadata={"description": "`next` fra den forrige side."})


class SyncArgs(ListArgs):
    updated_since = AwareDateTime(
        metadata={
            "description": "Kun det, der er oprettet eller ændret fra dette tidspunkt (ISO 8601 "
            "med tidszone). Brug `as_of` fra din forrige synkronisering."
        }
    )
    team = Int(metadata={"description": "Kun borgere i dette team."})
    citizen = Int(metadata={"description": "Kun denne borger."})


def page_schema(item: type[Schema] | Schema, name: str) -> type[Schema]:
    """{items, next, as_of}: one page of a list, as its own named schema in the document."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "next": fields.String(
                allow_none=True,
                metadata={"description": "Send som `cursor` for næste side; null på den sidste."},
            ),
            "as_of": fields.AwareDateTime(
                metadata={
                    "description": "Serverens tid, før listen blev læst: brug den som "
                    "næste `updated_since`."
                }
            ),
        },
        name=name,
    )


def _decode(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode() + b"==").decode()
        kind, _, value = text.partition(":")
        if kind != "id" or not value.isdigit() or len(value) > 18 or int(value) > MAX_ID:
            raise ValueError(cursor)
        return int(value)
    except (binascii.Error, UnicodeError, ValueError):
        abort(400, "Ugyldig cursor: brug værdien `next` fra den forrige side.")


def _encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def page(
    session: Session, query: Select[Any], id_column: Any, args: dict[str, Any]
) -> dict[str, Any]:
    """One page of `query` in id order, after the cursor."""
    as_of: datetime = utcnow()
    if cursor := args.get("cursor"):
        query = query.where(id_column > _decode(cursor))
    limit = args["limit"]
    rows = list(session.scalars(query.order_by(id_column).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": rows,
        "next": _encode(rows[-1].id) if more else None,
        "as_of": as_of,
    }
