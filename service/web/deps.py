"""Dependencies every protected route uses: the signed-in user and the CSRF check."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from sqlmodel import Session, select

from service.models import User
from service.web.security import same_token


class NeedsLogin(Exception):
    """Raised by the session dependency; pages redirect to the login, the API answers 401."""


def current_user(request: Request) -> dict[str, Any]:
    """The signed-in, still enabled user (checked against the database on every request)."""
    name = request.session.get("user")
    if not name:
        raise NeedsLogin
    with Session(request.app.state.engine) as session:
        user = session.exec(select(User).where(User.name == name)).first()
    if user is None or user.disabled or user.session_version != request.session.get("v"):
        request.session.clear()
        raise NeedsLogin
    return {"name": user.name, "role": user.role, "csrf": request.session.get("csrf", "")}


async def check_csrf(request: Request) -> None:
    """Every state change carries the session's CSRF token (form field or X-CSRF-Token header)."""
    given = request.headers.get("x-csrf-token")
    if given is None:
        form = await request.form()
        given = str(form.get("csrf_token") or "")
    if not same_token(request.session.get("csrf"), given):
        raise HTTPException(403, "CSRF token missing or wrong")
