"""Staff accounts of the review UI, as keyword-only functions that take a session; no commits here."""

from __future__ import annotations

from sqlmodel import Session, select

from service.models import User


def by_name(*, session: Session, name: str) -> User | None:
    """The account called ``name``, if any."""
    return session.exec(select(User).where(User.name == name)).first()


def save(*, session: Session, name: str, password_hash: str, role: str) -> User:
    """Add an account, or reset an existing one's password and role and enable it (ending its sessions)."""
    user = by_name(session=session, name=name) or User(name=name, password_hash="")
    user.password_hash, user.role, user.disabled = password_hash, role, False
    user.session_version += 1 if user.id else 0
    session.add(user)
    return user


def listing(*, session: Session) -> list[User]:
    """Every account, by name."""
    return list(session.exec(select(User).order_by(User.name)))


def disable(*, session: Session, name: str) -> User | None:
    """Disable an account (its open sessions end at their next request); None when there is no such account."""
    user = by_name(session=session, name=name)
    if user is None:
        return None
    user.disabled, user.session_version = True, user.session_version + 1
    session.add(user)
    return user
