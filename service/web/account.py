"""The signed-in user's own account: change the password (the old one asked again, attempts throttled)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session, select

from service.models import User
from service.web.deps import check_csrf, client_address, current_user
from service.web.security import LoginThrottle, hash_password, new_token, password_problem, verify_password

Signed = Annotated[dict[str, Any], Depends(current_user)]


def register(app: FastAPI) -> None:
    """Add ``/account``."""

    def form(request: Request, user: dict[str, Any], error: str = "", done: bool = False) -> Response:
        return app.state.templates.TemplateResponse(
            request,
            "account.html",
            {"user": user, "csrf": user["csrf"], "error": error, "done": done},
            status_code=422 if error else 200,
        )

    @app.get("/account", response_class=HTMLResponse, include_in_schema=False)
    def account(request: Request, user: Signed, done: bool = False) -> Response:
        return form(request, user, done=done)

    @app.post("/account/password", include_in_schema=False)
    def change_password(
        request: Request,
        user: Signed,
        _csrf: Annotated[None, Depends(check_csrf)],
        current: Annotated[str, Form()],
        new: Annotated[str, Form()],
        repeated: Annotated[str, Form()],
    ) -> Response:
        throttle: LoginThrottle = app.state.throttle
        # the login's own counters: a guess here is a guess at the password like one at the login page
        keys = (f"user:{user['name']}", f"ip:{client_address(request)}")
        if throttle.blocked(*keys):  # a stolen session cannot guess the password here either
            return form(request, user, "too many attempts; wait a few minutes")
        with Session(app.state.engine) as session:
            account = session.exec(select(User).where(User.name == user["name"])).one()
            if not verify_password(account.password_hash, current):
                throttle.failed(*keys)
                return form(request, user, "the current password is wrong")
            problem = password_problem(new, repeated, current)
            if problem:
                return form(request, user, problem)
            account.password_hash = hash_password(new)
            account.session_version += 1  # every other open session of this account ends
            session.add(account)
            session.commit()
            version = account.session_version
        request.session.update({"v": version, "csrf": new_token()})  # this one goes on
        return RedirectResponse("/account?done=true", status_code=303)
