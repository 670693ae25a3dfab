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


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_form(request: Request, error: str = "") -> Response:
    request.session.setdefault("csrf", new_token())
    return request.app.state.templates.TemplateResponse(
        request, "login.html", {"error": error, "csrf": request.session["csrf"]}
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
        return RedirectResponse("/login?error=Too+many+attempts%3B+wait+a+few+minutes", status_code=303)
    with Session(request.app.state.engine) as session:
        user = session.exec(select(User).where(User.name == name)).first()
    if not verify_password(user.password_hash if user else None, password) or user is None or user.disabled:
        throttle.failed(f"user:{name}", f"ip:{client}")
        return RedirectResponse("/login?error=Wrong+name+or+password", status_code=303)
    request.session.clear()  # no session fixation
    request.session.update({"user": user.name, "role": user.role, "v": user.session_version, "csrf": new_token()})
    return RedirectResponse("/", status_code=303)


@router.post("/logout", include_in_schema=False)
def logout(request: Request, user: SignedIn, _csrf: Csrf) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
