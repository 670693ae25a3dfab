"""The review UI's routes: the queue, a message and its actions, bulk actions, the JSON API, the exports."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, HTTPException, Query, Request, Response
from fastapi import Path as FastAPIPath
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import Field
from sqlalchemy import func
from sqlmodel import Session, select

from handlers.evaluation import CATEGORIES
from handlers.events import SUBMISSIONS, deadline_status
from handlers.field_rules import FieldsError, validate_fields
from handlers.triage import ACKNOWLEDGED
from parsers.message import MessageParseError, parse_message
from parsers.model import ParsedMessage
from service import outbox, repository
from service.errors import StorageError
from service.models import Acknowledgment, Attachment, AuditEvent, Message, Note, utcnow
from service.web.deps import check_csrf, current_user
from service.web.display import ack_text, frame_doc, geneva_time, senders_date
from service.web.exports import EXPORTS, table_response
from service.web.field_form import field_form, fields_from_form, form_problems
from service.web.queue import (
    FACETS,
    PAGE,
    SORTS,
    Filters,
    facet_counts,
    filtered,
    neighbours,
    ordered,
    page_links,
    page_of,
    queue_filters,
)
from service.web.security import attachment_disposition, sanitise_html

STATUSES = ("new", "in_review", "accepted", "rejected", "needs_info", "duplicate")
MAX_REMEMBERED_QUERY = 1000  # a queue's query string kept in the session cookie (which has about 4 KB)
MAX_ROW_ID = 2**63 - 1  # the databases' integer: a larger number in a URL or form is refused, not a crash
RowId = Annotated[int, FastAPIPath(ge=1, le=MAX_ROW_ID)]
User = Annotated[dict[str, Any], Depends(current_user)]
Csrf = Annotated[None, Depends(check_csrf)]


def _audit(session: Session, message: Message, who: str, action: str, before: Any, after: Any) -> None:
    repository.audit(
        session=session,
        action=action,
        message_id=message.id,
        actor=who,
        before=json.loads(json.dumps(before, default=str)),
        after=json.loads(json.dumps(after, default=str)),
    )


async def form_items(request: Request) -> dict[str, str]:
    """The posted form as plain strings (for the fields' form, whose inputs are named by field)."""
    return {key: str(value) for key, value in (await request.form()).items()}


def register(app: FastAPI) -> None:
    """Add the pages, actions, API and exports to ``app``."""
    templates = app.state.templates
    templates.env.filters["geneva"] = geneva_time
    templates.env.filters["senders_date"] = senders_date

    def sync_ack(session: Session, message: Message, who: str) -> str | None:
        """The outbox follows a reclassification (see ``outbox.after_reclassify``); None when acks are off."""
        if app.state.acks is None:
            return None

        def read() -> ParsedMessage:
            return parse_message(app.state.archive.get(message.sha256), internaldate=message.received_at)

        try:
            return outbox.after_reclassify(
                session, policy=app.state.acks, message=message, read=read, who=who, now=utcnow()
            )
        except (MessageParseError, StorageError, OSError) as exc:  # the stored mail is unreadable: say so
            return f"no acknowledgment: the stored mail could not be read ({type(exc).__name__})"

    def page(request: Request, name: str, user: dict[str, Any], status_code: int = 200, **context: Any) -> Response:
        context = {"user": user, "csrf": user["csrf"], **context}
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    @app.get("/", response_class=HTMLResponse)
    def queue(request: Request, user: User, filters: Annotated[Filters, Query()]) -> Response:
        with Session(app.state.engine) as session:
            query = filtered(filters, session)
            # one GROUP BY over the facets (the other filters applied) gives every option's count and the total
            columns = list(FACETS.values())
            unfaceted = filtered(filters.model_copy(update=dict.fromkeys(FACETS)), session)
            combos = session.execute(unfaceted.with_only_columns(*columns, func.count()).group_by(*columns)).all()
            counts, total = facet_counts([(tuple(c[:-1]), c[-1]) for c in combos], filters)
            rows = page_of(session, query, filters)
        if len(request.url.query) <= MAX_REMEMBERED_QUERY:  # the message pages lead back here, and on through it
            request.session["queue"] = request.url.query
        else:  # too long to keep: lead back to the plain queue rather than to an older one
            request.session.pop("queue", None)
        pages = max(1, -(-total // PAGE))
        return page(
            request,
            "queue.html",
            user,
            rows=rows,
            total=total,
            counts=counts,
            filters=filters,
            categories=CATEGORIES,
            statuses=STATUSES,
            events=app.state.events,
            sorts=SORTS,
            pages=page_links(filters.page, pages, lambda p: "?" + request.url.include_query_params(page=p).query),
        )

    @app.get("/messages/{message_id}", response_class=HTMLResponse)
    def message_view(request: Request, message_id: RowId, user: User) -> Response:
        return message_page(request, message_id, user)

    def message_page(
        request: Request,
        message_id: int,
        user: dict[str, Any],
        fields_error: str = "",
        fields_text: str = "",
        fields_typed: dict[str, Any] | None = None,
    ) -> Response:
        with Session(app.state.engine) as session:
            message = session.get(Message, message_id)
            if message is None:
                raise HTTPException(404, "no such message")
            attachments = session.exec(select(Attachment).where(Attachment.message_id == message_id)).all()
            thread = (
                session.exec(
                    select(Message).where(Message.thread_id == message.thread_id).order_by(Message.received_at)
                ).all()
                if message.thread_id
                else []
            )
            acks = session.exec(select(Acknowledgment).where(Acknowledgment.message_id == message_id)).all()
            audit = session.exec(
                select(AuditEvent).where(AuditEvent.message_id == message_id).order_by(AuditEvent.id)
            ).all()
            notes = session.exec(select(Note).where(Note.message_id == message_id).order_by(Note.id)).all()
            queue_query = request.session.get("queue", "")
            previous, following = neighbours(session, message, queue_filters(queue_query))
        safe_html = sanitise_html(message.body_html) if message.body_html else None
        return page(
            request,
            "message.html",
            user,
            m=message,
            attachments=attachments,
            thread=thread,
            acks=acks,
            audit=audit,
            notes=notes,
            safe_html=safe_html,
            categories=CATEGORIES,
            statuses=STATUSES,
            fields_json=fields_text or json.dumps(message.fields, ensure_ascii=False, indent=2),
            fields_form=field_form(message.category, message.fields if fields_typed is None else fields_typed),
            json_error=bool(fields_error and fields_typed is None),
            fields_error=fields_error,
            acks_on=app.state.acks is not None,
            ack_text=ack_text,
            queue_query=queue_query,
            previous=previous,
            following=following,
            frame_doc=frame_doc,
            acknowledged=ACKNOWLEDGED,
            status_code=422 if fields_error else 200,
        )

    @app.get("/attachments/{attachment_id}")
    def attachment(attachment_id: RowId, user: User) -> Response:
        with Session(app.state.engine) as session:
            row = session.get(Attachment, attachment_id)
        if row is None:
            raise HTTPException(404, "no such attachment")
        data = app.state.archive.get(row.sha256)
        return Response(
            data,
            media_type="application/octet-stream",
            headers={
                "Content-Disposition": attachment_disposition(row.safe_filename),
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "default-src 'none'; sandbox",
            },
        )

    @app.post("/messages/{message_id}/action")
    def act(
        request: Request,
        message_id: RowId,
        user: User,
        _csrf: Csrf,
        form: Annotated[dict[str, str], Depends(form_items)],
        action: Annotated[str, Form()],
        value: Annotated[str, Form()] = "",
    ) -> Response:
        with Session(app.state.engine) as session:
            message = session.get(Message, message_id)
            if message is None:
                raise HTTPException(404, "no such message")
            typed = fields_from_form(message.category, form) if action == "fields_form" else None
            try:
                if typed is not None:  # the fields' form: checked and stored as an edit of the fields
                    if form.get("category") != message.category or field_form(message.category, {}) is None:
                        raise FieldsError(
                            f"this form was for a {form.get('category') or '?'}, but the message is now a "
                            f"{message.category} (reclassified meanwhile?); check the fields below and save again"
                        )
                    action, value = "fields", json.dumps(typed, ensure_ascii=False)
                apply_action(session, message, user["name"], action, value, app.state.events, sync_ack)
            except FieldsError as exc:  # the page again, with what was typed and what is wrong with it
                if typed is not None:
                    return message_page(
                        request, message_id, user, fields_error=form_problems(str(exc)), fields_typed=typed
                    )
                return message_page(request, message_id, user, fields_error=str(exc), fields_text=value)
            session.commit()
        return RedirectResponse(f"/messages/{message_id}", status_code=303)

    @app.post("/bulk")
    def bulk(
        user: User,
        _csrf: Csrf,
        action: Annotated[str, Form()],
        ids: Annotated[list[Annotated[int, Field(ge=1, le=MAX_ROW_ID)]], Form()] = [],  # noqa: B006 (copied)
        value: Annotated[str, Form()] = "",
        back: Annotated[str, Form()] = "",
    ) -> Response:
        # "reclassify:nomination" or "assign:ana" carry their value in the choice itself
        action, has_value, chosen = action.partition(":")
        value = chosen if has_value else value
        with Session(app.state.engine) as session:
            try:
                for message in session.exec(select(Message).where(Message.id.in_(ids))):
                    apply_action(session, message, user["name"], action, value, app.state.events, sync_ack)
            except FieldsError as exc:  # nothing of the selection is changed
                raise HTTPException(422, str(exc)) from exc
            session.commit()
        # back to the same filtered page; only a query string is taken, so the redirect cannot leave the queue
        return RedirectResponse("/?" + back.lstrip("?") if back else "/", status_code=303)

    @app.get("/api/messages")
    def api_messages(user: User, filters: Annotated[Filters, Query()]) -> dict[str, Any]:
        with Session(app.state.engine) as session:
            query = filtered(filters, session)
            total = session.exec(select(func.count()).select_from(query.with_only_columns(Message.id).subquery())).one()
            rows = page_of(session, query, filters)
        return {"total": total, "page": filters.page, "items": [api_record(m) for m in rows]}

    @app.get("/api/messages/{message_id}")
    def api_message(message_id: RowId, user: User) -> dict[str, Any]:
        with Session(app.state.engine) as session:
            message = session.get(Message, message_id)
        if message is None:
            raise HTTPException(404, "no such message")
        return api_record(message) | {"body_text": message.body_text, "signals": message.signals}

    @app.get("/exports/{kind}.{fmt}")
    def export(kind: str, fmt: str, user: User, filters: Annotated[Filters, Query()]) -> Response:
        if kind not in EXPORTS or fmt not in ("csv", "xlsx"):
            raise HTTPException(404, "unknown export")
        category, header, rows_of = EXPORTS[kind]
        with Session(app.state.engine) as session:
            messages = session.exec(
                ordered(
                    filtered(filters.model_copy(update={"category": category}), session),
                    "received",
                )
            ).all()
            rows = [row for m in messages for row in rows_of(m)]
        return table_response(f"{kind}.{fmt}", header, rows)


def api_record(m: Message) -> dict[str, Any]:
    """One message in the API and exports."""
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


def _original(session: Session, message: Message, number: str) -> int:
    """The message ``number`` names as the one ``message`` duplicates (it must exist and be another one)."""
    if not number.isdigit() or not 0 < int(number) <= MAX_ROW_ID or int(number) == message.id:
        raise HTTPException(422, f"duplicate of #{number[:20]}: no such other message")
    if session.get(Message, int(number)) is None:
        raise HTTPException(422, f"duplicate of #{number}: no such other message")
    return int(number)


def apply_action(
    session: Session,
    message: Message,
    who: str,
    action: str,
    value: str,
    events: list,
    reclassified: Callable[[Session, Message, str], str | None] | None = None,
) -> None:
    """One staff action on one message, audited (who, when, before → after); ``reclassified`` keeps the outbox
    in step with a change of category and says what it did."""
    if action == "duplicate" and value.strip().lstrip("#"):
        original = _original(session, message, value.strip().lstrip("#"))
        before = {"review_status": message.review_status, "duplicate_of": message.duplicate_of_id}
        message.review_status, message.duplicate_of_id = "duplicate", original
        _audit(session, message, who, "review_status", before, {"review_status": "duplicate", "duplicate_of": original})
    elif action in STATUSES:
        before, message.review_status = message.review_status, action
        _audit(session, message, who, "review_status", before, action)
    elif action == "reclassify":
        if value not in CATEGORIES:
            raise HTTPException(422, f"unknown category {value!r}")
        before = {"category": message.category, "deadline_status": message.deadline_status}
        event = next((e for e in events if e.id == message.event), None)
        message.category = value
        message.deadline_status = (
            deadline_status(value, message.received_at, event) if value in SUBMISSIONS else "not_applicable"
        )
        message.triage_corrected, message.needs_triage = True, False
        after = {"category": message.category, "deadline_status": message.deadline_status}
        outcome = reclassified(session, message, who) if reclassified and before["category"] != value else None
        _audit(session, message, who, "reclassified", before, after | ({"acknowledgment": outcome} if outcome else {}))
    elif action == "fields":
        try:
            fields = validate_fields(message.category, json.loads(value))
        except json.JSONDecodeError as exc:
            raise FieldsError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from exc
        before, message.fields = message.fields, fields
        message.triage_corrected = True
        _audit(session, message, who, "fields_edited", before, fields)
    elif action == "assign":
        before, message.assignee = message.assignee, value.strip()[:128] or None
        _audit(session, message, who, "assigned", before, message.assignee)
    elif action == "note":
        if not value.strip():
            raise HTTPException(422, "empty note")
        session.add(Note(message_id=message.id or 0, author=who, text=value.strip()[:5000]))
        _audit(session, message, who, "note", None, value.strip()[:200])
    else:
        raise HTTPException(422, f"unknown action {action!r}")
    session.add(message)
