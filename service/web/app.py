"""The staff review UI: FastAPI, server-rendered Jinja2 pages, a JSON API; every route needs a session but the
login page, the stylesheet and the operator's ``/healthz``, ``/readyz`` and ``/metrics`` (counts, no mail).

No JavaScript at all: plain forms with a CSRF token, a Content-Security-Policy that forbids scripts, and
e-mail HTML sanitised with nh3 and shown in a sandboxed iframe.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from sqlalchemy import Engine
from starlette.middleware.sessions import SessionMiddleware

from config.settings import AckMode, Settings
from handlers.events import Event
from service.archive import Archive
from service.outbox import AckPolicy
from service.status import DatabaseCollector, readiness
from service.web import (
    routes_account,
    routes_admin,
    routes_api,
    routes_dashboard,
    routes_exports,
    routes_login,
    routes_messages,
    routes_queue,
)
from service.web.deps import NeedsLogin, SignedIn
from service.web.display import geneva_time, senders_date
from service.web.security import CSP, LoginThrottle

HERE = Path(__file__).resolve().parent
# the routes by area, in the order they are matched and listed in the OpenAPI document
ROUTERS = (
    routes_login,
    routes_queue,
    routes_messages,
    routes_api,
    routes_exports,
    routes_dashboard,
    routes_admin,
    routes_account,
)


def create_app(settings: Settings, engine: Engine, archive: Archive, events: list[Event]) -> FastAPI:
    """The application, wired to one database and archive."""
    if settings.web_secret is None:
        raise ValueError("INTAKE_WEB_SECRET: required to sign session cookies (a random string of 32+ characters)")
    app = FastAPI(title="frontier-intake review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.engine, app.state.archive, app.state.events = engine, archive, events
    app.state.settings = settings
    app.state.acks = None if settings.ack_mode is AckMode.OFF else AckPolicy.from_settings(settings, events)
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.templates.env.filters.update(geneva=geneva_time, senders_date=senders_date)
    app.state.throttle = LoginThrottle(engine)
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
        """Alive: the process answers (no dependency is asked)."""
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> JSONResponse:
        """Ready: the database answers, the IMAP server accepts connections, a worker polled lately."""
        checks = readiness(settings, engine)
        ready = all(value == "ok" for value in checks.values())
        return JSONResponse({"ready": ready, **checks}, status_code=200 if ready else 503)

    registry = CollectorRegistry()
    registry.register(DatabaseCollector(engine))

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        """Prometheus figures from the database (counts and ages only: no personal data)."""
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi(user: SignedIn) -> dict[str, Any]:
        return app.openapi()

    for routes in ROUTERS:
        _add_routes(app, routes.router)
    return app


def _add_routes(app: FastAPI, router: APIRouter) -> None:
    """``router``'s routes made routes of ``app`` itself, as ``include_router`` did before FastAPI 0.137 (which
    now keeps a wrapper in ``app.routes`` instead): ``app.routes`` stays a flat list of every route and method,
    which the tests walk to check that each one needs a session and each state change a CSRF token."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            raise TypeError(f"not an API route: {route!r}")
        app.add_api_route(
            route.path,
            route.endpoint,
            methods=route.methods,
            response_class=route.response_class,
            include_in_schema=route.include_in_schema,
            name=route.name,
        )
