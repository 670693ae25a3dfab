"""Questions about the events: acknowledged, no deadline, no fields."""

from __future__ import annotations

from handlers.kind import Kind

KIND = Kind("question", "question", code="QU")
