"""``GET /dashboard`` (the page and its charts) and ``GET /api/dashboard`` (the same figures as JSON)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from handlers.registry import SUBMISSIONS
from service.web.charts import dashboard_charts
from service.web.dashboard_data import as_json, load, pick_event, shares
from service.web.deps import SignedIn
from service.web.pages import render

router = APIRouter()


@router.get("/api/dashboard")
def api_dashboard(request: Request, user: SignedIn, event: str | None = None) -> dict[str, Any]:
    """The dashboard's figures: per category, deadline status, country, delegates' gender and day."""
    state = request.app.state
    return as_json(load(state.engine, pick_event(state.events, datetime.now(UTC), event)))


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, user: SignedIn, event: str | None = None) -> Response:
    state = request.app.state
    now = datetime.now(UTC)
    chosen = pick_event(state.events, now, event)
    data = load(state.engine, chosen)
    return render(
        request,
        "dashboard.html",
        user,
        d=data,
        charts=dashboard_charts(data),
        events=[e for e in state.events if e.deadlines],
        percent=shares(data.genders),
        submissions=SUBMISSIONS,
        as_of=now.astimezone(ZoneInfo(chosen.timezone if chosen else "Europe/Zurich")),
    )
