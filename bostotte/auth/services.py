from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from bostotte.auth import sessions, totp
from bostotte.auth.models import RecoveryCode, Role, SiteSetting, Team, User
from bostotte.auth.passwords import hash_password, is_common, needs_rehash, verify_password
from bostotte.common.db import Session
from bostotte.common.schema import DomainError

MIN_PASSWORD_LENGTH = 8
# Wrong passwords (or second-factor codes) in a row before the account is locked for a
# while. Counted per account in the database, so every process sees the same count.
LOCK_AFTER = 10
LOCK_FOR = timedelta(minutes=15)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_new_password(password: str, field: str = "password") -> None:
    """The one password rule, for staff logins and citizens' invitations alike."""
    if not password.strip() and password:
        raise DomainError("Adgangskoden må ikke kun være mellemrum.", field)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Adgangskoden skal have mindst {MIN_PASSWORD_LENGTH} tegn.", field)
    if is_common(password):
        raise DomainError(
            "Adgangskoden er en af de mest brugte og let at gætte. "
            "Vælg en anden, fx en sætning med flere ord.",
            field,
        )


def authenticate(session: Session, email: str, password: str, now: datetime) -> User | None:
    """The user whose password this is; None for an unknown e-mail, a wrong password, a
    locked or a switched-off account alike (the same answer, in about the same time)."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is not None and is_locked(user, now):
        verify_password(None, password)  # as long as a real check
        return None
    if not verify_password(user.password_hash if user else None, password):
        if user is not None:
            count_failure(session, user, now)
        return None
    assert user is not None
    if not user.active:
        return None
    if user.failed_logins:
        user.failed_logins = 0
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()  # last_login_at is set by identity.complete_login, for every method
    return user


def is_locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def count_failure(session: Session, user: User, now: datetime) -> None:
    """One more wrong password or code; at LOCK_AFTER the account locks for LOCK_FOR.
    One atomic UPDATE, so concurrent guesses in several processes all count."""
    failures = session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    if failures >= LOCK_AFTER:
        session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=0, locked_until=now + LOCK_FOR)
            .execution_options(synchronize_session=False)
        )
    session.expire(user, ["failed_logins", "locked_until"])


# --- the second factor -----------------------------------------------------------------


def needs_second_factor(user: User, required: bool) -> bool:
    """Staff with a local password: always once enrolled, and when the administrator
    requires it (then enrolment comes first). Citizens prove more with MitID instead."""
    return user.role != Role.CITIZEN and (user.totp_enabled_at is not None or required)


def enable_totp(session: Session, user: User, secret: str, code: str, now: datetime) -> list[str]:
    """Enrol the authenticator that produced `code`; returns the new recovery codes (shown
    once). Every other session of hers ends: a new factor is a new start."""
    step = totp.verify(secret, code, None, now)
    if step is None:
        count_failure(session, user, now)
        raise DomainError(
            "Koden passer ikke. Tjek at uret på telefonen er rigtigt, og prøv med den næste kode.",
            "code",
        )
    user.totp_secret, user.totp_last_step, user.totp_enabled_at = secret, step, now
    codes = totp.new_recovery_codes()
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.add_all(
        RecoveryCode(user_id=user.id, code_hash=totp.hash_recovery_code(c)) for c in codes
    )
    sessions.end_all(session, user, now)
    session.flush()
    return codes


def check_second_factor(session: Session, user: User, code: str, now: datetime) -> bool:
    """A TOTP code not used before, or an unused recovery code (then used up). Each is
    claimed with one conditional UPDATE, so two requests cannot both use the same code."""
    step = totp.verify(user.totp_secret or "", code, user.totp_last_step, now)
    if step is not None:
        claimed = session.execute(
            update(User)
            .where(
                User.id == user.id, (User.totp_last_step.is_(None)) | (User.totp_last_step < step)
            )
            .values(totp_last_step=step)
            .execution_options(synchronize_session=False)
        )
    else:
        claimed = session.execute(
            update(RecoveryCode)
            .where(
                RecoveryCode.user_id == user.id,
                RecoveryCode.code_hash == totp.hash_recovery_code(code),
                RecoveryCode.used_at.is_(None),
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        count_failure(session, user, now)
        return False
    if user.failed_logins:
        user.failed_logins = 0
    session.flush()
    return True


def unused_recovery_codes(session: Session, user: User) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )


def reset_second_factor(session: Session, user: User, now: datetime) -> None:
    """The administrator's reset (a lost phone): she enrols again at her next login, and
    every session of hers ends now."""
    user.totp_secret = user.totp_last_step = user.totp_enabled_at = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    sessions.end_all(session, user, now)
    session.flush()


# --- settings the administrator changes ------------------------------------------------

# key -> the config setting that gives its default
SETTINGS = {
    "require_totp": "BOSTOTTE_REQUIRE_TOTP",
    "citizen_password_login": "BOSTOTTE_CITIZEN_PASSWORD_LOGIN",
    # Leaders read their teams' citizens' records (auth.permissions); off: aggregates only.
    "leader_reads_records": "BOSTOTTE_LEADER_READS_RECORDS",
}


def setting(session: Session, key: str, config: dict[str, object]) -> bool:
    stored = session.get(SiteSetting, key)
    return bool(config[SETTINGS[key]]) if stored is None else stored.value == "1"


def set_setting(session: Session, key: str, value: bool) -> None:
    if key not in SETTINGS:
        raise DomainError("Ukendt indstilling.")
    stored = session.get(SiteSetting, key) or SiteSetting(key=key, value="")
    stored.value = "1" if value else "0"
    session.add(stored)
    session.flush()


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: str,
    password: str | None,
    teams: list[Team] | None = None,
    citizen_id: int | None = None,
    is_demo: bool = False,
) -> User:
    email = normalise_email(email)
    if role not in {r.value for r in Role}:
        raise DomainError("Ukendt rolle.", "role")
    if session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise DomainError("Der findes allerede en bruger med den e-mail.", "email")
    if password is not None:
        check_new_password(password)
    if role == Role.CITIZEN and citizen_id is None:
        raise DomainError("En borger-bruger skal høre til en borger.", "citizen_id")
    user = User(
        email=email,
        name=name,
        role=role,
        password_hash=hash_password(password) if password else None,
        citizen_id=citizen_id,
        is_demo=is_demo,
        teams=list(teams or []),
    )
    session.add(user)
    session.flush()
    return user


def users_with_role(session: Session, role: Role) -> list[User]:
    return list(
        session.scalars(
            select(User).where(User.role == role, User.active.is_(True)).order_by(User.name)
        )
    )
