"""The staff review UI: FastAPI, server-rendered Jinja2 pages, a JSON API; every route but login needs a session.

No JavaScript at all: plain forms with a CSRF token, a Content-Security-Policy that forbids scripts, and
e-mail HTML sanitised with nh3 and shown in a sandboxed iframe.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlmodel import Session, select
from starlette.middleware.sessions import SessionMiddleware

from config.settings import AckMode, Settings
from handlers.events import Event
from service.archive import Archive
from service.models import User
from service.outbox import AckPolicy
from service.web import account, admin, dashboard, views
from service.web.deps import NeedsLogin, check_csrf, client_address, current_user
from service.web.security import CSP, LoginThrottle, new_token, same_token, verify_password

HERE = Path(__file__).resolve().parent
PUBLIC = {"/login", "/healthz", "/static"}


def create_app(settings: Settings, engine: Engine, archive: Archive, events: list[Event]) -> FastAPI:
    """The application, wired to one database and archive."""
    if settings.web_secret is None:
        raise ValueError("INTAKE_WEB_SECRET: required to sign session cookies (a random string of 32+ characters)")
    app = FastAPI(title="frontier-intake review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.engine, app.state.archive, app.state.events = engine, archive, events
    app.state.settings = settings
    app.state.acks = None if settings.ack_mode is AckMode.OFF else AckPolicy.from_settings(settings, events)
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.throttle = LoginThrottle()
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.web_secret.get_secret_value(),
        session_cookie="review_session",
        same_site="strict",
        https_only=settings.web_secure_cookies,
        max_age=8 * 3600,
    )
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(NeedsLogin)
    async def needs_login(request: Request, _exc: NeedsLogin) -> Response:
        if request.url.path.startswith("/api/") or request.url.path.startswith("/openapi"):
            return JSONResponse({"detail": "login required"}, status_code=401)
        return RedirectResponse("/login", status_code=303)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request, error: str = "") -> Response:
        request.session.setdefault("csrf", new_token())
        return app.state.templates.TemplateResponse(
            request, "login.html", {"error": error, "csrf": request.session["csrf"]}
        )

    @app.post("/login", include_in_schema=False)
    def login(
        request: Request,
        name: Annotated[str, Form()],
        password: Annotated[str, Form()],
        csrf_token: Annotated[str, Form()] = "",
    ) -> Response:
        if not same_token(request.session.get("csrf"), csrf_token):
            raise HTTPException(403, "CSRF token missing or wrong")
        client = client_address(request)
        throttle: LoginThrottle = app.state.throttle
        if throttle.blocked(f"user:{name}", f"ip:{client}"):
            return RedirectResponse("/login?error=Too+many+attempts%3B+wait+a+few+minutes", status_code=303)
        with Session(engine) as session:
            user = session.exec(select(User).where(User.name == name)).first()
        if not verify_password(user.password_hash if user else None, password) or user is None or user.disabled:
            throttle.failed(f"user:{name}", f"ip:{client}")
            return RedirectResponse("/login?error=Wrong+name+or+password", status_code=303)
        request.session.clear()  # no session fixation
        request.session.update({"user": user.name, "role": user.role, "v": user.session_version, "csrf": new_token()})
        return RedirectResponse("/", status_code=303)

    @app.post("/logout", include_in_schema=False)
    def logout(
        request: Request,
        user: Annotated[dict[str, Any], Depends(current_user)],
        _csrf: Annotated[None, Depends(check_csrf)],
    ) -> Response:
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi(user: Annotated[dict[str, Any], Depends(current_user)]) -> dict[str, Any]:
        return app.openapi()

    views.register(app)
    dashboard.register(app)
    admin.register(app)
    account.register(app)
    return app
