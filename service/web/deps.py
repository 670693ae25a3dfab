"""Dependencies every protected route uses: the signed-in user, the admin check and the CSRF check."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi import Path as FastAPIPath
from sqlmodel import Session, select

from service.models import User
from service.review import MAX_ROW_ID
from service.web.security import new_token, same_token


class NeedsLogin(Exception):
    """Raised by the session dependency; pages redirect to the login, the API answers 401."""


def _proxy_user(request: Request) -> str | None:
    """The user an authenticating reverse proxy vouches for: only when a header is configured and the request
    comes from one of the trusted proxy addresses (a client talking to the app directly cannot set it)."""
    settings = request.app.state.settings
    header = settings.web_trusted_user_header
    if not header or request.client is None or request.client.host not in settings.web_trusted_proxies:
        return None
    return request.headers.get(header, "").strip() or None


def client_address(request: Request) -> str:
    """Who is on the other end: the peer, or — when the peer is one of the trusted proxies — the address that
    proxy says it forwarded for (the last one in ``X-Forwarded-For``; earlier ones are the client's own word).
    Behind a reverse proxy every request comes from the proxy, and counting failed logins per proxy would lock
    every member of staff out when one of them mistypes."""
    peer = request.client.host if request.client else "?"
    if peer in request.app.state.settings.web_trusted_proxies:
        hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return peer


def current_user(request: Request) -> dict[str, Any]:
    """The signed-in, still enabled user (checked against the database on every request)."""
    proxied = _proxy_user(request)
    name = proxied or request.session.get("user")
    if not name:
        raise NeedsLogin
    with Session(request.app.state.engine) as session:
        user = session.exec(select(User).where(User.name == name)).first()
    if user is None or user.disabled:
        request.session.clear()
        raise NeedsLogin
    session_of = (request.session.get("user"), request.session.get("v"))
    if proxied is not None and session_of != (name, user.session_version):
        request.session.clear()  # the proxy's word starts a session of its own, with its own CSRF token
        request.session.update({"user": name, "v": user.session_version, "csrf": new_token()})
    if user.session_version != request.session.get("v"):
        request.session.clear()
        raise NeedsLogin
    return {"name": user.name, "role": user.role, "csrf": request.session.get("csrf", "")}


def admin_user(user: dict[str, Any] = Depends(current_user)) -> dict[str, Any]:  # noqa: B008
    """The signed-in user, who must be an admin (403 for reviewers)."""
    if user["role"] != "admin":
        raise HTTPException(403, "admins only")
    return user


async def check_csrf(request: Request) -> None:
    """Every state change carries the session's CSRF token (form field or X-CSRF-Token header)."""
    given = request.headers.get("x-csrf-token")
    if given is None:
        form = await request.form()
        given = str(form.get("csrf_token") or "")
    if not same_token(request.session.get("csrf"), given):
        raise HTTPException(403, "CSRF token missing or wrong")


SignedIn = Annotated[dict[str, Any], Depends(current_user)]
Admin = Annotated[dict[str, Any], Depends(admin_user)]
Csrf = Annotated[None, Depends(check_csrf)]
RowId = Annotated[int, FastAPIPath(ge=1, le=MAX_ROW_ID)]  # a larger number in a URL is refused, not a crash
