"""Triage over stored or labelled mail: ``retriage`` (re-run from the raw archive) and ``evaluate``."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select

from handlers.evaluation import Label, Report
from handlers.knowledge import Knowledge
from handlers.retention import without_people
from handlers.triage import Triage, triage
from parsers.message import MessageParseError, parse_message
from service import repository
from service.archive import Archive
from service.models import Message
from service.pipeline import attachment_text
from service.stored import read_parsed

COMPARED = ("category", "language", "needs_triage", "event", "deadline_status", "acknowledge", "fields")


@dataclass
class RetriageReport:
    """What ``retriage`` did."""

    examined: int = 0
    changed: int = 0
    kept_corrected: int = 0
    failed: int = 0
    purged: int = 0  # left out: their raw mail was removed under the retention policy
    moves: Counter[tuple[str, str]] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)


def _snapshot(message: Message) -> dict[str, object]:
    return {name: getattr(message, name) for name in COMPARED}


def retriage(engine: Engine, archive: Archive, knowledge: Knowledge, *, since: datetime | None) -> RetriageReport:
    """Triage stored messages again from their raw bytes; staff-corrected decisions are never overwritten."""
    report = RetriageReport()
    with Session(engine) as session:
        query = select(Message.id).where(Message.status == "parsed").order_by(Message.id)
        if since is not None:
            query = query.where(Message.received_at >= since)
        ids = list(session.exec(query.where(Message.raw_messages_purged_at.is_(None))))
        report.purged = len(list(session.exec(query.where(Message.raw_messages_purged_at.is_not(None)))))
    for start in range(0, len(ids), 200):
        with Session(engine) as session:
            for message in session.exec(select(Message).where(Message.id.in_(ids[start : start + 200]))):
                report.examined += 1
                if message.triage_corrected:
                    report.kept_corrected += 1
                    continue
                decision = _decide(message, archive, knowledge)
                if decision is None:
                    report.failed += 1
                    continue
                before = _snapshot(message)
                repository.apply_triage(message, decision)
                if message.delegate_details_purged_at is not None:  # read again from the mail: purged again
                    repository.set_fields(message, without_people(message.fields))
                after = _snapshot(message)
                if before != after:
                    report.changed += 1
                    report.moves[(str(before["category"]), str(after["category"]))] += 1
                    changes = {k: [before[k], after[k]] for k in COMPARED if before[k] != after[k]}
                    if len(report.examples) < 20:
                        report.examples.append(f"#{message.id} {json.dumps(changes, ensure_ascii=False)[:200]}")
                    repository.audit(
                        session=session,
                        action="retriaged",
                        message_id=message.id,
                        changes=json.loads(json.dumps(changes, default=str)),
                    )
                    session.add(message)
            session.commit()
    return report


def _decide(message: Message, archive: Archive, knowledge: Knowledge) -> Triage | None:
    try:
        parsed = read_parsed(archive, message)  # the arrival time stored for it, whatever the source
        return triage(parsed, knowledge, attachment_text(parsed))
    except (MessageParseError, OSError, Exception):
        return None


def labelled_files(folder: Path, labels_file: Path | None = None) -> Iterator[tuple[Path, Label]]:
    """Every ``(eml path, label)``: of ``labels_file`` (names relative to ``folder``), else of every
    ``labels.jsonl`` under ``folder`` (names relative to the labels file), in sorted order."""
    sources = [(labels_file, folder)] if labels_file else [(p, p.parent) for p in sorted(folder.rglob("labels.jsonl"))]
    for labels, base in sources:
        for line in labels.read_text(encoding="utf-8").splitlines():
            if line.strip():
                label = Label.model_validate_json(line)
                yield base / label.file, label


def evaluate(folder: Path, labels_file: Path | None, knowledge: Knowledge, *, rules_only: bool = False) -> Report:
    """Triage every labelled ``.eml`` file under ``folder`` and score it against its labels."""
    report = Report()
    for path, label in labelled_files(folder, labels_file):
        raw = path.read_bytes()
        received = datetime.fromisoformat(label.received)
        try:
            parsed = parse_message(raw, internaldate=received)
            decision = triage(parsed, knowledge, attachment_text(parsed), rules_only=rules_only)
        except MessageParseError as exc:
            decision = Triage(
                category="other",
                confidence=0.0,
                needs_triage=True,
                language="und",
                signals=[f"parse error: {exc}"],
            )
        report.add(label, decision)
    return report
