"""A signed-in page: a template rendered with the user and the session's CSRF token."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response


def render(request: Request, name: str, user: dict[str, Any], status_code: int = 200, **context: Any) -> Response:
    """The template ``name`` with ``context``, the signed-in ``user`` and their CSRF token."""
    context = {"user": user, "csrf": user["csrf"], **context}
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)
