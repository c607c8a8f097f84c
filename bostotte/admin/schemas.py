from __future__ import annotations

from marshmallow import fields

from bostotte.auth.models import ROLE_LABELS, Role
from bostotte.common.schema import Email, FormSchema, Int, Str, max_len, one_of, required_text

STAFF_ROLE_LABELS = {
    str(r): label for r, label in ROLE_LABELS.items() if r not in (Role.CITIZEN, Role.SERVICE)
}


class TeamSchema(FormSchema):
    name = Str(required=True, validate=required_text(120))


class UserSchema(FormSchema):
    email = Email(required=True, error_messages={"invalid": "Skriv en gyldig e-mailadresse."})
    name = Str(required=True, validate=required_text(120))
    role = Str(required=True, validate=one_of(STAFF_ROLE_LABELS))
    team_ids = fields.List(Int(), load_default=list)
    # No password: the administrator never chooses one (issue 24). Without a single sign-on
    # subject she gets a single-use link for the new staff member to choose her own.
    # The user's subject at the municipality's single sign-on (`sub`, or `oid` in Entra ID).
    sso_subject = Str(load_default="", validate=max_len(200))


class StaffEditSchema(FormSchema):
    """A staff login's role and teams, changed by the administrator."""

    role = Str(required=True, validate=one_of(STAFF_ROLE_LABELS))
    team_ids = fields.List(Int(), load_default=list)


class SettingsSchema(FormSchema):
    require_totp = fields.Boolean(load_default=False)
    citizen_password_login = fields.Boolean(load_default=False)
    leader_reads_records = fields.Boolean(load_default=False)


class MethodSchema(FormSchema):
    """A pedagogical method's name (goals.methods)."""

    label = Str(required=True, validate=required_text(120))
