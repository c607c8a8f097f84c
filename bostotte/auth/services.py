from __future__ import annotations

from sqlalchemy import func, select

from bostotte.auth.models import Role, Team, User
from bostotte.auth.passwords import hash_password, needs_rehash, verify_password
from bostotte.common.db import Session
from bostotte.common.schema import DomainError

MIN_PASSWORD_LENGTH = 8


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_new_password(password: str, field: str = "password") -> None:
    """The one password rule, for staff logins and citizens' invitations alike."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Adgangskoden skal have mindst {MIN_PASSWORD_LENGTH} tegn.", field)


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if not verify_password(user.password_hash if user else None, password):
        return None
    assert user is not None
    if not user.active:
        return None
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()  # last_login_at is set by identity.complete_login, for every method
    return user


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
