"""OpenID Connect: staff single sign-on against the municipality's provider (Entra ID, AD
FS, Keycloak) and citizens' MitID through a broker (NemLog-in, Signaturgruppen, Criipto).

Authlib does the protocol: discovery, Authorization Code with PKCE (S256), `state` and
`nonce`, and the ID token's signature (keys from the provider's JWKS, fetched again when a
token names a key it has not seen: key rotation), `iss`, `aud` and `exp`. What is ours is
who a verified identity is here:

- staff are matched on the provider's stable subject (`sub`, or `oid` for Entra ID), never
  on a name or an e-mail; an unknown subject is refused unless groups are mapped to roles
  and teams (`BOSTOTTE_OIDC_GROUP_ROLES`), and then role and teams follow the groups at
  every login;
- a citizen is matched on the broker's person identifier; the first time, the invitation
  link her worker sent binds it to her record (the link proves which record is hers, MitID
  proves it is her). Level of assurance substantial (or high) is required.

Subjects are stored as a SHA-256 of issuer and subject, never in clear (and never a CPR
number: the brokers' identifiers are pseudonymous UUIDs).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from joserfc.errors import JoseError
from requests import RequestException
from sqlalchemy import select

from bostotte.auth import sessions
from bostotte.auth.models import Identity, Role, Team, User
from bostotte.auth.services import create_user
from bostotte.common.db import Session
from bostotte.common.schema import DomainError
from bostotte.invitations import services as invitations

# provider name -> the prefix of its settings
PROVIDERS = {"staff": "BOSTOTTE_OIDC", "mitid": "BOSTOTTE_MITID"}
SCOPES = {"staff": "openid profile email", "mitid": "openid"}
# The levels of assurance MitID logins must have (NSIS: low, substantial, high).
ENOUGH_ASSURANCE = ("substantial", "high")

NOT_CREATED = "Din bruger er ikke oprettet i bostotte – kontakt din administrator."


class LoginRefused(Exception):
    """A login the provider confirmed but we do not accept, or one that failed; the
    message (Danish) is shown on the refusal page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def init_app(app: Flask) -> None:
    """Register a client for each provider whose issuer is set (none: no OIDC at all)."""
    oauth = OAuth(app)
    for name, prefix in PROVIDERS.items():
        issuer = app.config[f"{prefix}_ISSUER"]
        if issuer:
            oauth.register(
                name,
                client_id=app.config[f"{prefix}_CLIENT_ID"],
                client_secret=app.config[f"{prefix}_CLIENT_SECRET"],
                server_metadata_url=f"{issuer}/.well-known/openid-configuration",
                client_kwargs={"scope": SCOPES[name], "code_challenge_method": "S256"},
            )


def enabled(name: str) -> bool:
    return bool(current_app.config[f"{PROVIDERS[name]}_ISSUER"])


def client(name: str) -> Any:
    return current_app.extensions["authlib.integrations.flask_client"].create_client(name)


def callback_url(endpoint_path: str) -> str:
    """The redirect URI registered at the provider: the public base URL and our path."""
    return current_app.config["BOSTOTTE_BASE_URL"].rstrip("/") + endpoint_path


@dataclass(frozen=True)
class Verified:
    claims: Mapping[str, Any]
    id_token: str


def verified(name: str) -> Verified:
    """The callback's code exchanged and its ID token verified, or LoginRefused."""
    try:
        token = client(name).authorize_access_token()
    except (AuthlibBaseError, JoseError, RequestException, KeyError, ValueError) as error:
        current_app.logger.warning("OIDC login at %s failed: %s", name, type(error).__name__)
        raise LoginRefused("Login lykkedes ikke. Prøv igen fra login-siden.") from None
    claims = token.get("userinfo")
    if not claims or not _for_us(claims, current_app.config[f"{PROVIDERS[name]}_CLIENT_ID"]):
        # no ID token (not an OpenID Connect answer), or one issued to another client
        current_app.logger.warning("OIDC login at %s: no ID token for this client", name)
        raise LoginRefused("Login lykkedes ikke. Prøv igen fra login-siden.")
    return Verified(claims, token["id_token"])


def _for_us(claims: Mapping[str, Any], client_id: str) -> bool:
    """`aud` names this client (Authlib checks it only through `azp`); with several
    audiences, `azp` must be this client (OpenID Connect Core 3.1.3.7)."""
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else list(aud or [])
    if client_id not in audiences:
        return False
    return len(audiences) == 1 or claims.get("azp") == client_id


def subject_hash(issuer: str, subject: str) -> str:
    return hashlib.sha256(f"{issuer}\x00{subject}".encode()).hexdigest()


def _identity(session: Session, provider: str, digest: str) -> Identity | None:
    return session.scalar(
        select(Identity).where(Identity.provider == provider, Identity.subject_hash == digest)
    )


def _subject(claims: Mapping[str, Any], claim: str) -> str:
    subject = claims.get(claim)
    if not isinstance(subject, str) or not subject:
        raise LoginRefused("Login lykkedes ikke: udbyderen sendte ikke et bruger-id.")
    return subject


# --- staff ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    role: Role
    teams: tuple[str, ...]


def grant_for(groups: Any, mapping: Mapping[str, Any]) -> Grant | None:
    """The role and teams the user's groups give (the first mapped group's role; the teams
    of every mapped group), or None if no group of hers is mapped."""
    mine = [mapping[g] for g in (groups if isinstance(groups, list) else []) if g in mapping]
    if not mine:
        return None
    teams = tuple(dict.fromkeys(t for m in mine for t in _as_list(m.get("team"))))
    return Grant(Role(mine[0]["role"]), teams)


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _mfa(claims: Mapping[str, Any]) -> bool:
    amr = claims.get("amr")
    methods = set(amr) if isinstance(amr, list) else set()
    acr = str(claims.get("acr") or "")
    return bool(methods & {"mfa", "otp", "hwk", "swk", "fido", "sms"}) or "mfa" in acr.lower()


def staff_user(
    session: Session, claims: Mapping[str, Any], config: Mapping[str, Any], now: datetime
) -> User:
    """The staff user the provider's verified claims belong to. Raises LoginRefused."""
    digest = subject_hash(
        config["BOSTOTTE_OIDC_ISSUER"], _subject(claims, config["BOSTOTTE_OIDC_SUBJECT_CLAIM"])
    )
    if config["BOSTOTTE_OIDC_REQUIRE_MFA"] and not _mfa(claims):
        raise LoginRefused(
            "Din organisation har ikke bekræftet to faktorer ved dette login. "
            "Log ind igen med to faktorer."
        )
    mapping = config["BOSTOTTE_OIDC_GROUP_ROLES"]
    grant = grant_for(claims.get(config["BOSTOTTE_OIDC_GROUPS_CLAIM"]), mapping)
    identity = _identity(session, "staff", digest)
    if identity is None:
        if grant is None:
            raise LoginRefused(NOT_CREATED)
        user = _provision(session, claims, grant, digest, now)
    else:
        user = identity.user
        identity.last_used_at = now
        if mapping:  # the provider's groups decide: a change takes effect now
            if grant is None:
                raise LoginRefused(NOT_CREATED)
            _apply(session, user, grant, now)
    if user.role == Role.CITIZEN:
        raise LoginRefused(NOT_CREATED)
    return user


def _teams(session: Session, names: tuple[str, ...]) -> list[Team]:
    found = list(session.scalars(select(Team).where(Team.name.in_(names))))
    missing = set(names) - {t.name for t in found}
    if missing:
        raise LoginRefused(
            f"Teamet «{sorted(missing)[0]}» findes ikke i bostotte – kontakt din administrator."
        )
    return found


def _provision(
    session: Session, claims: Mapping[str, Any], grant: Grant, digest: str, now: datetime
) -> User:
    email = str(claims.get("email") or claims.get("preferred_username") or "")
    name = str(claims.get("name") or email)
    if not email or not name:
        raise LoginRefused(
            "Udbyderen sendte hverken e-mail eller navn; bostotte kan ikke "
            "oprette dig. Kontakt din administrator."
        )
    try:
        user = create_user(
            session,
            email=email,
            name=name,
            role=grant.role,
            password=None,
            teams=_teams(session, grant.teams),
        )
    except DomainError:
        raise LoginRefused(
            "Der findes allerede en bruger med din e-mail. Bed din "
            "administrator om at forbinde den med dit single sign-on."
        ) from None
    session.add(
        Identity(
            user_id=user.id, provider="staff", subject_hash=digest, created_at=now, last_used_at=now
        )
    )
    session.flush()
    return user


def _apply(session: Session, user: User, grant: Grant, now: datetime) -> None:
    teams = _teams(session, grant.teams)
    if user.role != grant.role or {t.id for t in teams} != user.team_ids:
        sessions.end_all(session, user, now)  # a changed role ends her other sessions
        user.role, user.teams = grant.role, teams
        session.flush()


def staff_issuer() -> str:
    """The staff provider's issuer, to bind users to; DomainError when single sign-on is
    not set up."""
    issuer = str(current_app.config["BOSTOTTE_OIDC_ISSUER"])
    if not issuer:
        raise DomainError("Single sign-on er ikke sat op (BOSTOTTE_OIDC_ISSUER).", "sso_subject")
    return issuer


def link_staff_identity(
    session: Session, user: User, subject: str, issuer: str, now: datetime
) -> None:
    """The administrator binds a user to her subject at the provider (`sub`/`oid`)."""
    digest = subject_hash(issuer, subject.strip())
    existing = _identity(session, "staff", digest)
    if existing is not None and existing.user_id != user.id:
        raise DomainError(
            "Det single sign-on-id hører allerede til en anden bruger.", "sso_subject"
        )
    if existing is None:
        session.add(
            Identity(user_id=user.id, provider="staff", subject_hash=digest, created_at=now)
        )
        session.flush()


# --- citizens: MitID --------------------------------------------------------------------


def _assurance(claims: Mapping[str, Any], claim: str) -> bool:
    value = str(claims.get(claim) or claims.get("acr") or "").lower()
    return any(value.endswith(level) for level in ENOUGH_ASSURANCE)


def citizen_user(
    session: Session,
    claims: Mapping[str, Any],
    config: Mapping[str, Any],
    invitation_token: str | None,
    now: datetime,
) -> User:
    """The citizen the broker's verified claims belong to; the first time, bound with her
    invitation link. Raises LoginRefused."""
    if not _assurance(claims, config["BOSTOTTE_MITID_LOA_CLAIM"]):
        raise LoginRefused(
            "Log ind med MitID på mindst betydeligt sikringsniveau (MitID-appen eller kodeviser)."
        )
    digest = subject_hash(
        config["BOSTOTTE_MITID_ISSUER"], _subject(claims, config["BOSTOTTE_MITID_SUBJECT_CLAIM"])
    )
    identity = _identity(session, "mitid", digest)
    if identity is not None:
        identity.last_used_at = now
        return identity.user
    if not invitation_token:
        raise LoginRefused(
            "Vi kender ikke dit MitID endnu. Første gang skal du bruge "
            "linket i den invitation, du har fået fra din mestringsvejleder."
        )
    invitation = invitations.find(session, invitation_token)
    if invitation is not None and invitation.citizen_id is None:
        invitation = None  # a staff member's password link binds no MitID
    if (why := invitations.refusal(invitation, now)) is not None:
        raise LoginRefused(why)
    assert invitation is not None
    if _identity_of(session, invitation.user, "mitid") is not None:
        raise LoginRefused(
            "Din bruger er allerede forbundet med et andet MitID. Kontakt din mestringsvejleder."
        )
    try:
        user = invitations.claim(session, invitation, now)
    except DomainError as error:
        raise LoginRefused(error.message) from None
    session.add(
        Identity(
            user_id=user.id, provider="mitid", subject_hash=digest, created_at=now, last_used_at=now
        )
    )
    session.flush()
    return user


def _identity_of(session: Session, user: User, provider: str) -> Identity | None:
    return session.scalar(
        select(Identity).where(Identity.user_id == user.id, Identity.provider == provider)
    )
