"""Staff review actions on one stored message, each audited (who, what, before → after).

Set the review status, mark a duplicate, reclassify (the outbox kept in step), edit the fields, assign, add a
note. The caller owns the transaction: nothing here commits. A refused action raises :class:`ReviewError`
(or ``FieldsError`` for fields that do not fit) before anything is changed.
"""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from handlers.events import Event, deadline_status
from handlers.registry import CATEGORIES, SUBMISSIONS, FieldsError, validate_fields
from parsers.message import MessageParseError
from service import outbox, repository
from service.archive import Archive
from service.errors import StorageError
from service.models import Correction, Message, Note, utcnow
from service.outbox import AckPolicy
from service.stored import read_parsed
from service.web.display import geneva_time

STATUSES = ("new", "in_review", "accepted", "rejected", "needs_info", "duplicate")
MAX_ROW_ID = 2**63 - 1  # the databases' integer: a larger message number is refused, not a crash


class ReviewError(ValueError):
    """A staff action that cannot be applied; ``str()`` says why (the web answers 422 with it)."""


def _audit(session: Session, message: Message, who: str, action: str, before: Any, after: Any) -> None:
    repository.audit(
        session=session,
        action=action,
        message_id=message.id,
        actor=who,
        before=json.loads(json.dumps(before, default=str)),
        after=json.loads(json.dumps(after, default=str)),
    )


def _correction(session: Session, message: Message, who: str, what: str, before: Any, after: Any) -> None:
    """Keep a staff correction as a labelled example for ``frontier-intake train``."""
    session.add(
        Correction(
            message_id=message.id or 0,
            by=who,
            what=what,
            before=json.loads(json.dumps(before, default=str)),
            after=json.loads(json.dumps(after, default=str)),
            model_version=message.model_version,
        )
    )


def set_status(session: Session, *, message: Message, who: str, status: str) -> None:
    """Set the review status (one of :data:`STATUSES`: accept, reject, needs info, …)."""
    if status not in STATUSES:
        raise ReviewError(f"unknown action {status!r}")
    before, message.review_status = message.review_status, status
    _audit(session, message, who, "review_status", before, status)
    session.add(message)


def _original(session: Session, message: Message, number: str) -> int:
    """The message ``number`` names as the one ``message`` duplicates (it must exist and be another one)."""
    if not number.isdigit() or not 0 < int(number) <= MAX_ROW_ID or int(number) == message.id:
        raise ReviewError(f"duplicate of #{number[:20]}: no such other message")
    if session.get(Message, int(number)) is None:
        raise ReviewError(f"duplicate of #{number}: no such other message")
    return int(number)


def mark_duplicate(session: Session, *, message: Message, who: str, original: str) -> None:
    """Mark ``message`` a duplicate of the one numbered ``original`` (as typed: "12" or "#12")."""
    number = _original(session, message, original.strip().lstrip("#"))
    before = {"review_status": message.review_status, "duplicate_of": message.duplicate_of_id}
    message.review_status, message.duplicate_of_id = "duplicate", number
    _audit(session, message, who, "review_status", before, {"review_status": "duplicate", "duplicate_of": number})
    session.add(message)


def sync_ack(session: Session, *, message: Message, who: str, acks: AckPolicy | None, archive: Archive) -> str | None:
    """The outbox follows a reclassification (see ``outbox.after_reclassify``); None when acks are off."""
    if acks is None:
        return None
    if message.raw_messages_purged_at is not None:
        day = geneva_time(message.raw_messages_purged_at, "%Y-%m-%d")
        return f"no acknowledgment: the mail was removed under the retention policy on {day}"
    try:
        return outbox.after_reclassify(
            session, policy=acks, message=message, read=lambda: read_parsed(archive, message), who=who, now=utcnow()
        )
    except (MessageParseError, StorageError, OSError) as exc:  # the stored mail is unreadable: say so
        return f"no acknowledgment: the stored mail could not be read ({type(exc).__name__})"


def reclassify(
    session: Session,
    *,
    message: Message,
    who: str,
    category: str,
    events: list[Event],
    acks: AckPolicy | None,
    archive: Archive,
) -> None:
    """Move ``message`` to ``category``: its deadline status again, the triage marked corrected, and — when the
    category really changes, or a decision that waited for a person is confirmed — the outbox kept in step (what
    it did is audited with the change). The correction is kept as a labelled example."""
    if category not in CATEGORIES:
        raise ReviewError(f"unknown category {category!r}")
    before = {"category": message.category, "deadline_status": message.deadline_status}
    event = next((e for e in events if e.id == message.event), None)
    message.category = category
    message.deadline_status = (
        deadline_status(category, message.received_at, event) if category in SUBMISSIONS else "not_applicable"
    )
    confirmed = message.needs_triage and not message.acknowledge  # it waited for a person to be sure
    message.triage_corrected, message.needs_triage = True, False
    after = {"category": message.category, "deadline_status": message.deadline_status}
    changed = before["category"] != category
    outcome = sync_ack(session, message=message, who=who, acks=acks, archive=archive) if changed or confirmed else None
    _correction(session, message, who, "category", before["category"], category)
    _audit(session, message, who, "reclassified", before, after | ({"acknowledgment": outcome} if outcome else {}))
    session.add(message)


def edit_fields(session: Session, *, message: Message, who: str, text: str) -> None:
    """Replace the fields with ``text`` (JSON), checked against the category's contract (``FieldsError``); refused
    once the delegates' details were purged (names typed back in would outlive the retention policy)."""
    if message.delegate_details_purged_at is not None:
        raise ReviewError(
            "the delegates' details were removed under the retention policy on "
            f"{geneva_time(message.delegate_details_purged_at, '%Y-%m-%d')}: the fields are no longer edited"
        )
    try:
        fields = validate_fields(message.category, json.loads(text))
    except json.JSONDecodeError as exc:
        raise FieldsError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from exc
    before = message.fields
    repository.set_fields(message, fields)  # the columns kept from the fields (country, delegates) follow
    message.triage_corrected = True
    _audit(session, message, who, "fields_edited", before, fields)
    _correction(session, message, who, "fields", before, fields)
    session.add(message)


def assign(session: Session, *, message: Message, who: str, assignee: str) -> None:
    """Give ``message`` to ``assignee`` (blank: to nobody)."""
    before, message.assignee = message.assignee, assignee.strip()[:128] or None
    _audit(session, message, who, "assigned", before, message.assignee)
    session.add(message)


def add_note(session: Session, *, message: Message, who: str, text: str) -> None:
    """A staff note on ``message`` (not blank)."""
    if not text.strip():
        raise ReviewError("empty note")
    session.add(Note(message_id=message.id or 0, author=who, text=text.strip()[:5000]))
    _audit(session, message, who, "note", None, text.strip()[:200])
    session.add(message)


def apply(
    session: Session,
    *,
    message: Message,
    who: str,
    action: str,
    value: str,
    events: list[Event],
    acks: AckPolicy | None,
    archive: Archive,
) -> None:
    """One action as the review forms name it (a status, "duplicate" with a number, "reclassify", "fields",
    "assign", "note") with its ``value``."""
    if action == "duplicate" and value.strip().lstrip("#"):
        mark_duplicate(session, message=message, who=who, original=value)
    elif action in STATUSES:
        set_status(session, message=message, who=who, status=action)
    elif action == "reclassify":
        reclassify(session, message=message, who=who, category=value, events=events, acks=acks, archive=archive)
    elif action == "fields":
        edit_fields(session, message=message, who=who, text=value)
    elif action == "assign":
        assign(session, message=message, who=who, assignee=value)
    elif action == "note":
        add_note(session, message=message, who=who, text=value)
    else:
        raise ReviewError(f"unknown action {action!r}")
