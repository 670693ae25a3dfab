"""``export --format jsonl``: one JSON object per stored message, streamed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from sqlmodel import Session

from service import repository
from service.models import Message


def message_record(message: Message) -> dict[str, Any]:
    """The exported fields of one message (a contract; the triage issue extends it)."""
    return {
        "id": message.id,
        "message_id": message.message_id,
        "from": message.from_address or None,
        "from_name": message.from_name or None,
        "subject": message.subject,
        "received_at": message.received_at.isoformat() if message.received_at else None,
        "date": (message.parsed or {}).get("date"),
        "status": message.status,
        "sha256": message.sha256,
        "source": message.source,
        "possible_duplicate_of": message.duplicate_of_id,
        "error": message.error,
        "category": message.category,
        "language": message.language,
        "confidence": message.confidence,
        "needs_triage": message.needs_triage,
        "event": message.event,
        "deadline_status": message.deadline_status,
        "acknowledge": message.acknowledge,
        "fields": message.fields,
        "signals": message.signals,
        "thread_id": message.thread_id,
        "corrected": message.triage_corrected,
    }


def iter_records(session: Session) -> Iterator[dict[str, Any]]:
    """Every stored message's record, in id order."""
    for message in repository.iter_messages(session=session):
        yield message_record(message)


def write_jsonl(session: Session, out: IO[str]) -> int:
    """Write one JSON line per message to ``out``; returns how many."""
    count = 0
    for record in iter_records(session):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count
