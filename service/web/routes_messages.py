"""A message's page, its attachments, and the staff actions posted from it."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from sqlmodel import Session, select

from handlers.registry import ACKNOWLEDGED, CATEGORIES, FieldsError
from service import review
from service.models import Acknowledgment, Attachment, AuditEvent, Message, Note
from service.review import STATUSES, ReviewError
from service.web.deps import Csrf, RowId, SignedIn
from service.web.display import ack_text, frame_doc, geneva_time
from service.web.field_form import field_form, fields_from_form, form_problems
from service.web.pages import render
from service.web.queue import neighbours, queue_filters
from service.web.security import attachment_disposition, sanitise_html

router = APIRouter()


async def form_items(request: Request) -> dict[str, str]:
    """The posted form as plain strings (for the fields' form, whose inputs are named by field)."""
    return {key: str(value) for key, value in (await request.form()).items()}


@router.get("/messages/{message_id}", response_class=HTMLResponse)
def message_view(request: Request, message_id: RowId, user: SignedIn) -> Response:
    return message_page(request, message_id, user)


def _related(session: Session, message: Message) -> dict[str, Any]:
    """What the page shows around ``message``: attachments, thread, acknowledgments, audit trail, notes."""
    message_id = message.id
    in_thread = select(Message).where(Message.thread_id == message.thread_id).order_by(Message.received_at)
    return {
        "attachments": session.exec(select(Attachment).where(Attachment.message_id == message_id)).all(),
        "thread": session.exec(in_thread).all() if message.thread_id else [],
        "acks": session.exec(select(Acknowledgment).where(Acknowledgment.message_id == message_id)).all(),
        "audit": session.exec(
            select(AuditEvent).where(AuditEvent.message_id == message_id).order_by(AuditEvent.id)
        ).all(),
        "notes": session.exec(select(Note).where(Note.message_id == message_id).order_by(Note.id)).all(),
    }


def message_page(
    request: Request,
    message_id: int,
    user: dict[str, Any],
    fields_error: str = "",
    fields_text: str = "",
    fields_typed: dict[str, Any] | None = None,
) -> Response:
    """The message page; with ``fields_error`` (422) it shows again what was typed into the fields."""
    with Session(request.app.state.engine) as session:
        message = session.get(Message, message_id)
        if message is None:
            raise HTTPException(404, "no such message")
        related = _related(session, message)
        queue_query = request.session.get("queue", "")
        previous, following = neighbours(session, message, queue_filters(queue_query))
    safe_html = sanitise_html(message.body_html) if message.body_html else None
    return render(
        request,
        "message.html",
        user,
        m=message,
        **related,
        safe_html=safe_html,
        categories=CATEGORIES,
        statuses=STATUSES,
        fields_json=fields_text or json.dumps(message.fields, ensure_ascii=False, indent=2),
        fields_form=field_form(message.category, message.fields if fields_typed is None else fields_typed),
        json_error=bool(fields_error and fields_typed is None),
        fields_error=fields_error,
        acks_on=request.app.state.acks is not None,
        ack_text=ack_text,
        queue_query=queue_query,
        previous=previous,
        following=following,
        frame_doc=frame_doc,
        acknowledged=ACKNOWLEDGED,
        status_code=422 if fields_error else 200,
    )


@router.get("/attachments/{attachment_id}")
def attachment(request: Request, attachment_id: RowId, user: SignedIn) -> Response:
    with Session(request.app.state.engine) as session:
        row = session.get(Attachment, attachment_id)
        message = session.get(Message, row.message_id) if row is not None else None
    if row is None:
        raise HTTPException(404, "no such attachment")
    purged = message.attachments_purged_at if message is not None else None
    if purged is not None:  # its file and text are gone; the page says so beside the file's name
        return PlainTextResponse(
            f"{row.filename}: removed under the retention policy on {geneva_time(purged, '%Y-%m-%d')}.\n", 410
        )
    data = request.app.state.archive.get(row.sha256)
    return Response(
        data,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": attachment_disposition(row.safe_filename),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


def _typed_fields(message: Message, form: dict[str, str], typed: dict[str, Any]) -> str:
    """The fields' form as the JSON of a fields edit, refused when it was drawn for another category."""
    if form.get("category") != message.category or field_form(message.category, {}) is None:
        raise FieldsError(
            f"this form was for a {form.get('category') or '?'}, but the message is now a "
            f"{message.category} (reclassified meanwhile?); check the fields below and save again"
        )
    return json.dumps(typed, ensure_ascii=False)


@router.post("/messages/{message_id}/action")
def act(
    request: Request,
    message_id: RowId,
    user: SignedIn,
    _csrf: Csrf,
    form: Annotated[dict[str, str], Depends(form_items)],
    action: Annotated[str, Form()],
    value: Annotated[str, Form()] = "",
) -> Response:
    state = request.app.state
    with Session(state.engine) as session:
        message = session.get(Message, message_id)
        if message is None:
            raise HTTPException(404, "no such message")
        typed = fields_from_form(message.category, form) if action == "fields_form" else None
        try:
            if typed is not None:  # the fields' form: checked and stored as an edit of the fields
                action, value = "fields", _typed_fields(message, form, typed)
            review.apply(
                session,
                message=message,
                who=user["name"],
                action=action,
                value=value,
                events=state.events,
                acks=state.acks,
                archive=state.archive,
            )
        except FieldsError as exc:  # the page again, with what was typed and what is wrong with it
            if typed is not None:
                return message_page(request, message_id, user, fields_error=form_problems(str(exc)), fields_typed=typed)
            return message_page(request, message_id, user, fields_error=str(exc), fields_text=value)
        except ReviewError as exc:
            raise HTTPException(422, str(exc)) from exc
        session.commit()
    return RedirectResponse(f"/messages/{message_id}", status_code=303)
