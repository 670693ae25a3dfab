"""Signing in (name and password, attempts throttled per name and per address) and signing out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session, select

from service.models import User
from service.web.deps import Csrf, SignedIn, client_address
from service.web.security import LoginThrottle, new_token, same_token, verify_password

router = APIRouter()
# what the login page may say, by the code in its ``?error=``: never text from the URL itself, or a link sent
# to a member of staff could put any words ("your account is locked, call …") on the service's own page
ERRORS = {"wrong": "Wrong name or password", "throttled": "Too many attempts; wait a few minutes"}


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_form(request: Request, error: str = "") -> Response:
    request.session.setdefault("csrf", new_token())
    return request.app.state.templates.TemplateResponse(
        request, "login.html", {"error": ERRORS.get(error, ""), "csrf": request.session["csrf"]}
    )


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    name: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    if not same_token(request.session.get("csrf"), csrf_token):
        raise HTTPException(403, "CSRF token missing or wrong")
    client = client_address(request)
    throttle: LoginThrottle = request.app.state.throttle
    if throttle.blocked(f"user:{name}", f"ip:{client}"):
        return RedirectResponse("/login?error=throttled", status_code=303)
    with Session(request.app.state.engine) as session:
        user = session.exec(select(User).where(User.name == name)).first()
    if not verify_password(user.password_hash if user else None, password) or user is None or user.disabled:
        throttle.failed(f"user:{name}", f"ip:{client}")
        return RedirectResponse("/login?error=wrong", status_code=303)
    request.session.clear()  # no session fixation
    request.session.update({"user": user.name, "role": user.role, "v": user.session_version, "csrf": new_token()})
    return RedirectResponse("/", status_code=303)


@router.post("/logout", include_in_schema=False)
def logout(request: Request, user: SignedIn, _csrf: Csrf) -> Response:
    """Sign out, and end the account's sessions on the server too: the cookie is signed, not stored, so a copy of
    it (a shared computer, a proxy's log) would otherwise open the queue again until it expired. Every session
    of the account ends, as after a password change."""
    with Session(request.app.state.engine) as session:
        account = session.exec(select(User).where(User.name == user["name"])).one()
        account.session_version += 1
        session.add(account)
        session.commit()
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
