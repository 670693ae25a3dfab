"""A signed-in page: a template rendered with the user and the session's CSRF token."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from service import health
from service.models import utcnow


def render(request: Request, name: str, user: dict[str, Any], status_code: int = 200, **context: Any) -> Response:
    """The template ``name`` with ``context``, the signed-in ``user``, their CSRF token and the open problems."""
    state = request.app.state
    problems = health.problems(state.engine, state.settings, now=utcnow())
    context = {"user": user, "csrf": user["csrf"], "health": problems, **context}
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)
