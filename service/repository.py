"""Database reads and writes, as keyword-only functions that take a session; no commits here."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from parsers.dates import as_utc
from parsers.model import ParsedMessage
from service.models import Attachment, AuditEvent, MailboxState, Message, MessageLocation, utcnow


def ids_by_sha(*, session: Session, digests: Sequence[str]) -> dict[str, int]:
    """``{sha256: message id}`` for the digests already stored."""
    if not digests:
        return {}
    rows = session.exec(select(Message.sha256, Message.id).where(Message.sha256.in_(set(digests))))
    return {sha: mid for sha, mid in rows if mid is not None}


def first_with_message_id(*, session: Session, message_id: str) -> int | None:
    """The earliest stored message carrying this Message-ID, if any."""
    return session.exec(
        select(Message.id).where(Message.message_id == message_id).order_by(Message.id).limit(1)
    ).first()


def audit(
    *, session: Session, action: str, message_id: int | None = None, actor: str = "worker", **detail: Any
) -> None:
    """Append one entry to the audit trail."""
    session.add(AuditEvent(action=action, message_id=message_id, actor=actor, detail=detail))


def add_message(
    *,
    session: Session,
    sha256: str,
    size: int,
    source: str,
    origin: str,
    parsed: ParsedMessage | None,
    error: str | None,
    status: str | None = None,
    internaldate: datetime | None = None,
) -> Message:
    """Insert a message (parsed, or with its error) and its attachments; link a reused Message-ID."""
    status = status or ("parsed" if parsed is not None else "parse_error")
    message = Message(
        sha256=sha256,
        size=size,
        source=source,
        origin=origin,
        status=status,
        error=error,
        received_at=as_utc(internaldate),
    )
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
        if parsed.message_id:
            message.duplicate_of_id = first_with_message_id(session=session, message_id=parsed.message_id)
    session.add(message)
    session.flush()
    if parsed is not None:
        for a in parsed.attachments:
            session.add(
                Attachment(
                    message_id=message.id,
                    filename=a.filename,
                    safe_filename=a.safe_filename,
                    content_type=a.content_type[:255],
                    size=a.size,
                    sha256=a.sha256,
                    content_id=a.content_id,
                    inline=a.inline,
                )
            )
    audit(
        session=session,
        action="stored",
        message_id=message.id,
        status=status,
        origin=origin,
        **({"possible_duplicate_of": message.duplicate_of_id} if message.duplicate_of_id else {}),
    )
    return message


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
    """Record that a message sits at (account, folder, UIDVALIDITY, UID), once."""
    exists = session.exec(
        select(MessageLocation.id).where(
            MessageLocation.account == account,
            MessageLocation.folder == folder,
            MessageLocation.uidvalidity == uidvalidity,
            MessageLocation.uid == uid,
        )
    ).first()
    if exists is None:
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


def known_uids(
    *, session: Session, account: str, folder: str, uidvalidity: int, uids: Sequence[int]
) -> set[int]:
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


def iter_messages(
    *, session: Session, ids: Sequence[int] | None = None, batch: int = 500
) -> Iterator[Message]:
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
    from sqlalchemy import func

    return session.exec(select(func.count()).select_from(Message)).one()
