"""The signed-in user's own account: change the password (the old one asked again, attempts throttled)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session, select

from service.models import User
from service.web.deps import Csrf, SignedIn, client_address
from service.web.pages import render
from service.web.security import LoginThrottle, hash_password, new_token, password_problem, verify_password

router = APIRouter()


def _form(request: Request, user: dict[str, Any], error: str = "", done: bool = False) -> Response:
    return render(request, "account.html", user, status_code=422 if error else 200, error=error, done=done)


@router.get("/account", response_class=HTMLResponse, include_in_schema=False)
def account(request: Request, user: SignedIn, done: bool = False) -> Response:
    return _form(request, user, done=done)


@router.post("/account/password", include_in_schema=False)
def change_password(
    request: Request,
    user: SignedIn,
    _csrf: Csrf,
    current: Annotated[str, Form()],
    new: Annotated[str, Form()],
    repeated: Annotated[str, Form()],
) -> Response:
    throttle: LoginThrottle = request.app.state.throttle
    # the login's own counters: a guess here is a guess at the password like one at the login page
    keys = (f"user:{user['name']}", f"ip:{client_address(request)}")
    if throttle.blocked(*keys):  # a stolen session cannot guess the password here either
        return _form(request, user, "too many attempts; wait a few minutes")
    with Session(request.app.state.engine) as session:
        account = session.exec(select(User).where(User.name == user["name"])).one()
        if not verify_password(account.password_hash, current):
            throttle.failed(*keys)
            return _form(request, user, "the current password is wrong")
        problem = password_problem(new, repeated, current)
        if problem:
            return _form(request, user, problem)
        account.password_hash = hash_password(new)
        account.session_version += 1  # every other open session of this account ends
        session.add(account)
        session.commit()
        version = account.session_version
    request.session.update({"v": version, "csrf": new_token()})  # this one goes on
    return RedirectResponse("/account?done=true", status_code=303)
