"""Invitations: the worker invites, the citizen sets her password with the link.

The link is the only secret: 32 random bytes, stored as SHA-256 (a token this long needs no
slow hash). It works once, for 7 days; a new invitation makes every older one useless, so
a forgotten password is reset by inviting again.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from bostotte.auth import sessions
from bostotte.auth.models import Role, User
from bostotte.auth.passwords import hash_password
from bostotte.auth.services import check_new_password, create_user, normalise_email
from bostotte.citizens.models import Citizen
from bostotte.common.db import Session
from bostotte.common.mail import MailSettings, build_message, send
from bostotte.common.schema import DomainError, Errors, InvalidInput
from bostotte.invitations.models import Invitation

VALID_FOR = timedelta(days=7)

REFUSED = {
    "used": "Linket er allerede brugt. Et link virker kun én gang.",
    "revoked": "Der er sendt et nyt link til dig. Brug det nyeste.",
    "expired": "Linket er for gammelt. Et link virker i 7 dage.",
    "unknown": "Linket virker ikke. Tjek, at du har hele linket med.",
    "taken": (
        "Linket kan ikke bruges, for e-mailen hører allerede til et andet login. "
        "Bed din mestringsvejleder om en ny invitation med en anden e-mail."
    ),
}
# Anyone logged in who opens a link (a worker with her citizen's link, the administrator
# with a staff link): refused, nothing changed, the link still works for its owner (issue 24).
LOGGED_IN = (
    "Log ud, før {whom} bruger sit link. Du er logget ind som {name}, og linket skal "
    "bruges af den, det er lavet til, uden at nogen anden er logget ind på denne computer. "
    "Linket virker stadig: intet er ændret."
)
# The address of a citizen's login until she uses her first link (`claim`): the invited
# address is hers only then. RFC 2606 keeps `.invalid` from ever being a real domain.
PENDING_DOMAIN = "afventer.invalid"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def citizen_login(session: Session, citizen_id: int) -> User | None:
    return session.scalar(select(User).where(User.citizen_id == citizen_id))


def latest_invitation(session: Session, citizen_id: int) -> Invitation | None:
    return session.scalar(
        select(Invitation)
        .where(Invitation.citizen_id == citizen_id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class CitizenAccess:
    """Her login to /mig and her latest invitation, for the worker's citizen page."""

    user: User | None
    invitation: Invitation | None
    state: str | None  # the invitation's: open, used, revoked, expired

    @property
    def activated(self) -> bool:
        """She has used a link: her login has her own address."""
        return self.user is not None and not self.user.email.endswith("@" + PENDING_DOMAIN)

    @property
    def email(self) -> str:
        """The address she logs in with, or, until she has used a link, the one invited."""
        if self.activated:
            assert self.user is not None
            return self.user.email
        return self.invitation.email if self.invitation else ""


def citizen_access(session: Session, citizen_id: int, now: datetime) -> CitizenAccess:
    invitation = latest_invitation(session, citizen_id)
    return CitizenAccess(
        user=citizen_login(session, citizen_id),
        invitation=invitation,
        state=invitation.state(now) if invitation else None,
    )


def invite(
    session: Session, actor: User, citizen: Citizen, email: str, *, now: datetime
) -> tuple[Invitation, str]:
    """A new invitation for the citizen's login (made now if she has none).

    Returns the invitation and the token; the token is shown once and never stored. The
    address becomes her login's when she uses the link (`claim`), not now: the answer is
    the same whether or not someone else already logs in with it, so the form tells no
    worker who has a login (issue 24).
    """
    email = normalise_email(email)
    user = citizen_login(session, citizen.id)
    if user is None:
        user = create_user(
            session,
            email=f"{secrets.token_hex(12)}@{PENDING_DOMAIN}",
            name=citizen.display_name,
            role=Role.CITIZEN,
            password=None,
            citizen_id=citizen.id,
        )
    elif not user.active:
        raise DomainError("Borgerens login er slået fra. Kontakt administratoren.")
    return _issue(session, actor, user, email, citizen.id, now)


def invite_staff(
    session: Session, actor: User, user: User, *, now: datetime
) -> tuple[Invitation, str]:
    """A staff member's "vælg din adgangskode" link, from the administrator (issue 24): the
    same single-use, expiring link as a citizen's, to the address she logs in with, naming
    no citizen. Returns the invitation and the token (shown once). Her password until then
    stops working and every session of hers ends: no administrator knows a password of hers.
    """
    if user.role in (Role.CITIZEN, Role.SERVICE):
        raise DomainError("Borgere og integrationer får ikke et link herfra.")
    if not user.active:
        raise DomainError("Brugeren er deaktiveret. Aktivér hende først.")
    user.password_hash = None
    sessions.end_all(session, user, now)
    return _issue(session, actor, user, user.email, None, now)


def _issue(
    session: Session,
    actor: User,
    user: User,
    email: str,
    citizen_id: int | None,
    now: datetime,
) -> tuple[Invitation, str]:
    """A new link for `user`'s login; every older unused one of hers stops working."""
    session.execute(
        update(Invitation)
        .where(
            Invitation.user_id == user.id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        citizen_id=citizen_id,
        user_id=user.id,
        token_hash=hash_token(token),
        email=email,
        created_by_id=actor.id,
        created_at=now,
        expires_at=now + VALID_FOR,
    )
    session.add(invitation)
    session.flush()
    return invitation, token


def find(session: Session, token: str) -> Invitation | None:
    return session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))


def refusal(invitation: Invitation | None, now: datetime) -> str | None:
    """Why the link cannot be used (Danish), or None when it can."""
    if invitation is None:
        return REFUSED["unknown"]
    state = invitation.state(now)
    return None if state == "open" else REFUSED[state]


def redeem(session: Session, token: str, password: str, repeated: str, *, now: datetime) -> User:
    """Set the citizen's password with the link, and use the link up. Raises DomainError."""
    invitation = find(session, token)
    if (why := refusal(invitation, now)) is not None:
        raise DomainError(why)
    assert invitation is not None
    errors: Errors = {}
    try:
        check_new_password(password)
    except DomainError as exc:
        errors.update(exc.as_errors())
    if password != repeated:
        errors["password_again"] = ["De to adgangskoder er ikke ens."]
    if errors:
        raise InvalidInput(errors)
    user = claim(session, invitation, now)
    user.password_hash = hash_password(password)
    sessions.end_all(session, user, now)  # a new password ends every earlier session
    return user


def claim(session: Session, invitation: Invitation, now: datetime) -> User:
    """Use the link up and return the citizen's login, which from now on has the invited
    address. Raises DomainError."""
    taken = session.scalar(
        select(User.id).where(User.email == invitation.email, User.id != invitation.user_id)
    )
    if taken is not None:  # told to whoever holds the link, never on the worker's form
        raise DomainError(REFUSED["taken"])
    # Claimed in one statement, so two tabs (or two people) cannot both use the link.
    claimed = session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError(REFUSED["used"])
    user = session.get_one(User, invitation.user_id)
    if not user.active:
        raise DomainError("Dit login er slået fra. Kontakt din mestringsvejleder.")
    user.email = invitation.email
    return user


def mail_invitation(settings: MailSettings, to: str, link: str) -> None:
    """The link and how to use it; nothing about the citizen (mails are not private)."""
    body = (
        "Hej\n\n"
        "Du er inviteret til at se dine mål i Bostøtte.\n"
        "Åbn linket og vælg en adgangskode:\n\n"
        f"{link}\n\n"
        "Linket virker én gang og i 7 dage.\n"
        "Har du ikke bedt om det, kan du se bort fra mailen.\n"
    )
    send(settings, build_message(settings, to, "Din invitation til Bostøtte", body))
