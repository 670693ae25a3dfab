"""The JSON API over the messages: the queue's filters, one page at a time, and one message in full."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy import func
from sqlmodel import Session, select

from handlers.retention import KINDS
from service.models import Message
from service.web.deps import RowId, SignedIn
from service.web.queue import Filters, filtered, page_of

router = APIRouter()


def api_record(m: Message) -> dict[str, Any]:
    """One message in the API."""
    return {
        "id": m.id,
        "received_at": m.received_at.isoformat() if m.received_at else None,
        "from": m.from_address,
        "from_name": m.from_name,
        "subject": m.subject,
        "category": m.category,
        "language": m.language,
        "confidence": m.confidence,
        "needs_triage": m.needs_triage,
        "event": m.event,
        "deadline_status": m.deadline_status,
        "review_status": m.review_status,
        "assignee": m.assignee,
        "fields": m.fields,
    }


@router.get("/api/messages")
def api_messages(request: Request, user: SignedIn, filters: Annotated[Filters, Query()]) -> dict[str, Any]:
    with Session(request.app.state.engine) as session:
        query = filtered(filters, session)
        total = session.exec(select(func.count()).select_from(query.with_only_columns(Message.id).subquery())).one()
        rows = page_of(session, query, filters)
    return {"total": total, "page": filters.page, "items": [api_record(m) for m in rows]}


@router.get("/api/messages/{message_id}")
def api_message(request: Request, message_id: RowId, user: SignedIn) -> dict[str, Any]:
    with Session(request.app.state.engine) as session:
        message = session.get(Message, message_id)
    if message is None:
        raise HTTPException(404, "no such message")
    purged = {kind.value: message.purged_at(kind) for kind in KINDS}
    return api_record(message) | {
        "body_text": message.body_text,
        "signals": message.signals,
        "purged": {kind: when.isoformat() for kind, when in purged.items() if when is not None},
    }
