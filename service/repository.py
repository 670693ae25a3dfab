"""Database reads and writes, as keyword-only functions that take a session; no commits here."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from handlers.search import SearchDocument, message_document
from handlers.triage import Triage
from parsers.dates import as_utc
from parsers.model import ParsedMessage
from service import search_index
from service.models import (
    Acknowledgment,
    Attachment,
    AuditEvent,
    MailboxState,
    Message,
    MessageLocation,
    derived_columns,
    utcnow,
)


def ids_by_sha(*, session: Session, digests: Sequence[str]) -> dict[str, int]:
    """``{sha256: message id}`` for the digests already stored."""
    if not digests:
        return {}
    rows = session.exec(select(Message.sha256, Message.id).where(Message.sha256.in_(set(digests))))
    return {sha: mid for sha, mid in rows if mid is not None}


def first_ids_by_message_id(*, session: Session, message_ids: Sequence[str]) -> dict[str, int]:
    """``{Message-ID: id of the earliest stored message carrying it}`` for those already stored."""
    if not message_ids:
        return {}
    rows = session.exec(
        select(Message.message_id, func.min(Message.id))
        .where(Message.message_id.in_(set(message_ids)))
        .group_by(Message.message_id)
    )
    return {mid: first for mid, first in rows if mid is not None and first is not None}


def audit(
    *, session: Session, action: str, message_id: int | None = None, actor: str = "worker", **detail: Any
) -> None:
    """Append one entry to the audit trail."""
    session.add(AuditEvent(action=action, message_id=message_id, actor=actor, detail=detail))


@dataclass(frozen=True)
class NewMessage:
    """What :func:`add_messages` needs to store one message."""

    sha256: str
    size: int
    source: str
    origin: str
    parsed: ParsedMessage | None
    error: str | None
    status: str | None = None
    internaldate: datetime | None = None
    decision: Triage | None = None
    search: SearchDocument | None = None  # computed by the parser process; else here


def _row(item: NewMessage) -> Message:
    status = item.status or ("parsed" if item.parsed is not None else "parse_error")
    message = Message(
        sha256=item.sha256,
        size=item.size,
        source=item.source,
        origin=item.origin,
        status=status,
        error=item.error,
        received_at=as_utc(item.internaldate),
    )
    parsed = item.parsed
    if parsed is not None:
        message.message_id = parsed.message_id
        message.from_name = parsed.sender.name if parsed.sender else ""
        message.from_address = parsed.sender.address if parsed.sender else ""
        message.subject = parsed.subject
        message.date_header = parsed.date
        message.received_at = parsed.received_at
        message.body_text = parsed.text
        message.body_html = parsed.html
        message.parsed = parsed.model_dump(mode="json", exclude={"text", "html", "attachments"})
        apply_triage(message, item.decision)
    return message


def set_fields(message: Message, fields: dict[str, Any]) -> None:
    """Set a message's extracted ``fields`` and the columns kept from them (country or organisation, delegates
    per gender), which the dashboard, the exports and the country filter read. Every write of ``fields`` goes
    through here: triage at arrival, retriage, and a staff member's edit."""
    message.fields = fields
    for column, value in derived_columns(fields).items():
        setattr(message, column, value)


def apply_triage(message: Message, decision: Triage | None) -> None:
    """Copy a triage decision onto a message row (none: flagged for a person)."""
    if decision is None:
        message.category, message.needs_triage, message.acknowledge = None, True, False
        message.signals = ["triage failed; see the error"]
        return
    message.category = decision.category
    message.language = decision.language
    message.confidence = decision.confidence
    message.needs_triage = decision.needs_triage
    message.event = decision.event
    message.deadline_status = decision.deadline_status
    message.acknowledge = decision.acknowledge
    set_fields(message, decision.fields)
    message.signals = decision.signals
    message.rules_version = decision.rules_version
    message.model_version = decision.model_version
    message.triaged_at = utcnow()


def _thread_roots(*, session: Session, rows: Sequence[Message]) -> None:
    """Attach replies to the conversation they continue (In-Reply-To, then References, newest first)."""
    wanted: dict[int, list[str]] = {}
    for row in rows:
        headers = (row.parsed or {}).get("headers", {})
        refs = " ".join(headers.get("in-reply-to", []) + headers.get("references", [])[::-1])
        ids = [m for m in re.findall(r"<[^<>\s]+>", refs) if m != row.message_id]
        if ids:
            wanted[id(row)] = ids
    known: dict[str, tuple[int, int | None]] = {}
    all_ids = {m for ids in wanted.values() for m in ids}
    if all_ids:
        for mid, pk, thread in session.exec(
            select(Message.message_id, Message.id, Message.thread_id).where(Message.message_id.in_(all_ids))
        ):
            known.setdefault(mid, (pk, thread))
    for row in rows:
        for mid in wanted.get(id(row), []):
            if mid in known:
                pk, thread = known[mid]
                row.thread_id = thread or pk
                break
        if row.thread_id is None:
            row.thread_id = row.id
        if row.message_id:
            known.setdefault(row.message_id, (row.id, row.thread_id))  # type: ignore[arg-type]


def add_messages(*, session: Session, items: Sequence[NewMessage]) -> list[Message]:
    """Insert messages (parsed, or with their error), their attachments and audit entries, in bulk.

    A message whose Message-ID was seen before (real mail reuses them) is stored all the same and linked
    to the earliest one as a possible duplicate for staff.
    """
    rows = [_row(item) for item in items]
    ids = [r.message_id for r in rows if r.message_id]
    first = first_ids_by_message_id(session=session, message_ids=ids)
    for row in rows:
        if row.message_id and row.message_id in first:
            row.duplicate_of_id = first[row.message_id]
    session.add_all(rows)
    session.flush()
    _thread_roots(session=session, rows=rows)
    for row in rows:  # duplicates within the batch itself
        if row.message_id and row.duplicate_of_id is None:
            earliest = first.setdefault(row.message_id, row.id)  # type: ignore[arg-type]
            if earliest != row.id:
                row.duplicate_of_id = earliest
    documents: list[tuple[int, SearchDocument]] = []
    for item, row in zip(items, rows, strict=True):
        for a in item.parsed.attachments if item.parsed else ():
            session.add(
                Attachment(
                    message_id=row.id,
                    filename=a.filename,
                    safe_filename=a.safe_filename,
                    content_type=a.content_type[:255],
                    size=a.size,
                    sha256=a.sha256,
                    content_id=a.content_id,
                    inline=a.inline,
                    text=a.text,
                    text_note=a.text_note,
                )
            )
        document = item.search
        if document is None:
            attached = "\n".join(a.text for a in item.parsed.attachments if a.text) if item.parsed else ""
            document = message_document(row.subject, row.from_name, row.from_address, row.body_text, attached)
        documents.append((row.id, document))  # type: ignore[arg-type]
        extra = {"possible_duplicate_of": row.duplicate_of_id} if row.duplicate_of_id else {}
        audit(session=session, action="stored", message_id=row.id, status=row.status, origin=row.origin, **extra)
    search_index.add(session.connection(), documents)
    return rows


def add_location(
    *,
    session: Session,
    message_id: int,
    account: str,
    folder: str,
    uidvalidity: int,
    uid: int,
    internaldate: datetime | None,
) -> None:
    """Record that a message sits at (account, folder, UIDVALIDITY, UID); the caller knows it is not recorded yet
    (:func:`known_uids`, one query per batch)."""
    session.add(
        MessageLocation(
            message_id=message_id,
            account=account,
            folder=folder,
            uidvalidity=uidvalidity,
            uid=uid,
            internaldate=as_utc(internaldate),
        )
    )


def mailbox_state(*, session: Session, account: str, folder: str) -> MailboxState | None:
    """The stored position in one folder of one account."""
    return session.exec(
        select(MailboxState).where(MailboxState.account == account, MailboxState.folder == folder)
    ).first()


def advance_mailbox(*, session: Session, account: str, folder: str, uidvalidity: int, last_uid: int) -> None:
    """Move the position forward (never backward within one UIDVALIDITY)."""
    state = mailbox_state(session=session, account=account, folder=folder)
    if state is None:
        session.add(MailboxState(account=account, folder=folder, uidvalidity=uidvalidity, last_uid=last_uid))
        return
    if state.uidvalidity != uidvalidity:
        state.uidvalidity, state.last_uid = uidvalidity, last_uid
    else:
        state.last_uid = max(state.last_uid, last_uid)
    state.updated_at = utcnow()
    session.add(state)


def reset_mailbox(*, session: Session, account: str, folder: str, uidvalidity: int) -> int | None:
    """UIDVALIDITY changed: start the folder over at UID 0; returns the old UIDVALIDITY."""
    state = mailbox_state(session=session, account=account, folder=folder)
    old = state.uidvalidity if state else None
    if state is None:
        state = MailboxState(account=account, folder=folder, uidvalidity=uidvalidity, last_uid=0)
    state.uidvalidity, state.last_uid, state.updated_at = uidvalidity, 0, utcnow()
    session.add(state)
    audit(
        session=session,
        action="uidvalidity_changed",
        account=account,
        folder=folder,
        old=old,
        new=uidvalidity,
    )
    return old


def known_uids(*, session: Session, account: str, folder: str, uidvalidity: int, uids: Sequence[int]) -> set[int]:
    """Which of ``uids`` are recorded as stored in this folder."""
    if not uids:
        return set()
    rows = session.exec(
        select(MessageLocation.uid).where(
            MessageLocation.account == account,
            MessageLocation.folder == folder,
            MessageLocation.uidvalidity == uidvalidity,
            MessageLocation.uid.in_(list(uids)),
        )
    )
    return set(rows)


def iter_messages(*, session: Session, ids: Sequence[int] | None = None, batch: int = 500) -> Iterator[Message]:
    """Stored messages in id order (optionally only ``ids``), read in chunks to bound memory."""
    last = 0
    while True:
        query = select(Message).where(Message.id > last).order_by(Message.id).limit(batch)
        if ids is not None:
            query = query.where(Message.id.in_(list(ids)))
        rows = session.exec(query).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id or last
        session.expunge_all()


def count_messages(*, session: Session) -> int:
    """How many messages are stored."""
    return session.exec(select(func.count()).select_from(Message)).one()


def stored_with_acknowledgments(*, session: Session, ids: Sequence[int]) -> list[tuple[Message, Acknowledgment | None]]:
    """The messages ``ids`` in id order, each with its outbox row (None: no acknowledgment was queued)."""
    if not ids:
        return []
    rows = session.exec(
        select(Message, Acknowledgment)
        .join(Acknowledgment, Acknowledgment.message_id == Message.id, isouter=True)
        .where(Message.id.in_(list(ids)))
        .order_by(Message.id)
    )
    return [(message, ack) for message, ack in rows]
