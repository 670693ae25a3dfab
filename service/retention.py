"""``frontier-intake purge``: remove the personal data past its retention (``handlers.retention`` decides), audited.

:func:`plan` only reads: which messages hold data past its keeping period, and which archive blobs would go.
:func:`apply` then works through the messages in batches — clears the data in the database, marks each kind
purged (``<kind>_purged_at``), audits each message (actor ``purge``) and commits — and afterwards removes the
blobs that no data still kept refers to, checked against the database again just before (a worker may have
stored the same bytes meanwhile) and never one stored again within :data:`RECENT` (its new row may not be
committed yet); one summary entry ends the run. The database is changed first: a run cut short leaves blobs
of purged data behind, and the next run removes them. Purged kinds are never due again, so a second run
removes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from handlers.events import Event
from handlers.retention import Due, Held, Kind, Retention, due, named_people, removable_blobs, without_people
from handlers.search import message_document
from service import repository, search_index
from service.archive import Archive
from service.models import Acknowledgment, Attachment, AuditEvent, Correction, Message

ACTOR = "purge"
RECENT = timedelta(hours=1)  # a blob stored again more recently is left for the next run
BATCH = 200
NO_EVENT = "(no event)"
EARLIER = "(earlier run)"  # blobs of data purged by a run that stopped before removing them
KEPT_PARSED = ("date", "content_type")  # what of the parsed headers stays once the raw message is purged
UNSENT = ("pending", "sending")  # an acknowledgment still to be sent keeps its text


@dataclass
class Tally:
    """What one kind of one event's data comes to: messages, attachment files, people named, blobs, bytes."""

    messages: int = 0
    attachments: int = 0
    people: int = 0
    blobs: int = 0
    bytes: int = 0


@dataclass
class Plan:
    """What a purge at ``now`` removes; computed without changing anything."""

    now: datetime
    due: list[Due]
    tallies: dict[tuple[str, Kind], Tally]
    blobs: dict[str, tuple[str, Kind]]  # digest → the (event, kind) it is counted under
    shared: int  # blobs of purged data kept because data still kept refers to them

    @property
    def blob_bytes(self) -> int:
        """The bytes of the blobs the plan removes."""
        return sum(t.bytes for t in self.tallies.values())


@dataclass
class Outcome:
    """What :func:`apply` did."""

    messages: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    blobs_removed: int = 0
    bytes_removed: int = 0
    kept_shared: int = 0
    kept_recent: int = 0


@dataclass(frozen=True)
class _Row:
    """One message as the plan reads it."""

    held: Held
    sha256: str
    fields: Any


def _rows(session: Session) -> tuple[list[_Row], dict[int, list[str]]]:
    """Every message's retention facts, and the attachment digests of each message that has attachments."""
    attachments: dict[int, list[str]] = defaultdict(list)
    for message_id, digest in session.exec(select(Attachment.message_id, Attachment.sha256)):
        attachments[message_id].append(digest)
    rows = []
    query = select(
        Message.id,
        Message.event,
        Message.received_at,
        Message.stored_at,
        Message.sha256,
        Message.fields,
        Message.raw_messages_purged_at,
        Message.attachments_purged_at,
        Message.delegate_details_purged_at,
    ).order_by(Message.id)
    for mid, event, received, stored, sha, fields, raw_at, files_at, people_at in session.exec(query):
        holds = {Kind.RAW_MESSAGES} if raw_at is None else set()
        if files_at is None and attachments.get(mid):
            holds.add(Kind.ATTACHMENTS)
        if people_at is None and named_people(fields):
            holds.add(Kind.DELEGATE_DETAILS)
        rows.append(_Row(Held(mid, event, received or stored, frozenset(holds)), sha, fields))
    return rows, attachments


def _label(item: Due) -> str:
    return item.event if item.clock.rule != "arrival" and item.event else NO_EVENT


def _digests(
    rows: Sequence[_Row], attachments: dict[int, list[str]], purging: dict[int, Due]
) -> tuple[set[str], dict[str, tuple[str, Kind]], dict[str, tuple[str, Kind]]]:
    """The archive digests that data kept after this run refers to; those of data this run purges (with the
    event and kind they are counted under); those of data an earlier run purged (their blob may be left)."""
    kept: set[str] = set()
    now: dict[str, tuple[str, Kind]] = {}
    earlier: dict[str, tuple[str, Kind]] = {}
    for row in rows:
        item = purging.get(row.held.id)
        for kind, digests in ((Kind.RAW_MESSAGES, [row.sha256]), (Kind.ATTACHMENTS, attachments.get(row.held.id, []))):
            for digest in digests:
                if item is not None and kind in item.kinds:
                    now.setdefault(digest, (_label(item), kind))
                elif kind in row.held.holds:
                    kept.add(digest)
                else:
                    earlier.setdefault(digest, (EARLIER, kind))
    return kept, now, earlier


def _tallies(
    found: Sequence[Due], rows: Sequence[_Row], attachments: dict[int, list[str]]
) -> defaultdict[tuple[str, Kind], Tally]:
    """Messages, attachment files and people per event and kind."""
    fields = {r.held.id: r.fields for r in rows}
    tallies: dict[tuple[str, Kind], Tally] = defaultdict(Tally)
    for d in found:
        for kind in d.kinds:
            tally = tallies[(_label(d), kind)]
            tally.messages += 1
            if kind is Kind.ATTACHMENTS:
                tally.attachments += len(attachments.get(d.id, []))
            elif kind is Kind.DELEGATE_DETAILS:
                tally.people += named_people(fields[d.id])
    return tallies


def plan(engine: Engine, archive: Archive, events: Sequence[Event], no_event: Retention, *, now: datetime) -> Plan:
    """What is past its retention at ``now``: per event and kind, the messages, files, people, blobs and bytes."""
    with Session(engine) as session:
        rows, attachments = _rows(session)
    found = due((r.held for r in rows), events, no_event, now)
    kept, purged_now, earlier = _digests(rows, attachments, {d.id: d for d in found})
    where = earlier | purged_now
    tallies = _tallies(found, rows, attachments)
    blobs: dict[str, tuple[str, Kind]] = {}
    for digest in sorted(removable_blobs(where, kept)):
        size = archive.size(digest)
        if size is None:  # not in the archive (removed already, or never stored)
            continue
        blobs[digest] = where[digest]
        tallies[where[digest]].blobs += 1
        tallies[where[digest]].bytes += size
    return Plan(now, found, dict(tallies), blobs, shared=len(purged_now.keys() & kept))


def _batches(items: Sequence[Due], size: int = BATCH) -> Iterator[Sequence[Due]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _purge_raw(session: Session, message: Message) -> None:
    """The mail as received: its text, HTML and headers, and the text of the acknowledgments already sent."""
    message.body_text, message.body_html = "", None
    message.parsed = {k: v for k, v in (message.parsed or {}).items() if k in KEPT_PARSED}
    for ack in session.exec(select(Acknowledgment).where(Acknowledgment.message_id == message.id)):
        if ack.raw and ack.status not in UNSENT:
            ack.raw = None
            session.add(ack)


def _purge_people(session: Session, message: Message) -> None:
    """Names and e-mail addresses in the fields (through ``set_fields``: the per-gender counts follow), and in
    the audit entries and corrections that copied them."""
    repository.set_fields(message, without_people(message.fields))
    for entry in session.exec(select(AuditEvent).where(AuditEvent.message_id == message.id)):
        cleaned = without_people(entry.detail)
        if cleaned != entry.detail:
            entry.detail = cleaned
            session.add(entry)
    for correction in session.exec(select(Correction).where(Correction.message_id == message.id)):
        before, after = without_people(correction.before), without_people(correction.after)
        if (before, after) != (correction.before, correction.after):
            correction.before, correction.after = before, after
            session.add(correction)


def _purge_one(session: Session, message: Message, item: Due, files: list[Attachment], now: datetime) -> list[Kind]:
    """Remove the kinds of ``item`` that ``message`` still holds, mark them, audit it; returns the kinds."""
    done = [kind for kind in sorted(item.kinds) if message.purged_at(kind) is None]  # not by a run beside this one
    if Kind.RAW_MESSAGES in done:
        _purge_raw(session, message)
    if Kind.ATTACHMENTS in done:
        for attachment in files:
            attachment.text = ""
            session.add(attachment)
    if Kind.DELEGATE_DETAILS in done:
        _purge_people(session, message)
    for kind in done:
        setattr(message, f"{kind.value}_purged_at", now)
    if done:
        repository.audit(
            session=session,
            action="purged",
            message_id=message.id,
            actor=ACTOR,
            kinds=[k.value for k in done],
            counted_from=f"{item.clock.rule}, {item.clock.start.isoformat()}",
            days={k.value: item.clock.retention.days(k) for k in done},
        )
        session.add(message)
    return done


def _reindex(session: Session, messages: Iterable[Message], files: dict[int, list[Attachment]]) -> None:
    """The search index holds what is left of each message."""
    documents = []
    for m in messages:
        attached = "\n".join(a.text for a in files.get(m.id or 0, []) if a.text)
        documents.append((m.id or 0, message_document(m.subject, m.from_name, m.from_address, m.body_text, attached)))
    search_index.replace(session.connection(), documents)


def _still_used(session: Session, digests: set[str]) -> set[str]:
    """Of ``digests``, those that a message keeping its raw mail or its attachments refers to (read afresh)."""
    used: set[str] = set()
    ordered = sorted(digests)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        used.update(
            session.exec(
                select(Message.sha256).where(Message.sha256.in_(chunk), Message.raw_messages_purged_at.is_(None))
            )
        )
        used.update(
            session.exec(
                select(Attachment.sha256)
                .join(Message, Message.id == Attachment.message_id)
                .where(Attachment.sha256.in_(chunk), Message.attachments_purged_at.is_(None))
            )
        )
    return used


def _purge_batch(engine: Engine, chunk: Sequence[Due], now: datetime, kinds: dict[str, int]) -> int:
    """One batch of messages purged and committed (their rows locked on PostgreSQL); returns how many changed."""
    with Session(engine) as session:
        if engine.dialect.name == "sqlite":
            session.connection().exec_driver_sql("PRAGMA secure_delete = ON")  # freed pages are zeroed
        ids = [d.id for d in chunk]
        messages = {m.id: m for m in session.exec(select(Message).where(Message.id.in_(ids)).with_for_update())}
        files: dict[int, list[Attachment]] = defaultdict(list)
        for attachment in session.exec(select(Attachment).where(Attachment.message_id.in_(ids))):
            files[attachment.message_id].append(attachment)
        changed, reindex = 0, []
        for item in chunk:
            message = messages.get(item.id)
            done = _purge_one(session, message, item, files[item.id], now) if message else []
            for kind in done:
                kinds[kind.value] += 1
            changed += bool(done)
            if {Kind.RAW_MESSAGES, Kind.ATTACHMENTS} & set(done):
                reindex.append(message)
        session.flush()
        _reindex(session, reindex, files)
        session.commit()
    return changed


def _remove_blobs(engine: Engine, archive: Archive, planned: Plan, recent: timedelta, outcome: Outcome) -> None:
    """The planned blobs that nothing kept refers to now and that were not stored again within ``recent``."""
    digests = set(planned.blobs)
    with Session(engine) as session:
        used = _still_used(session, digests)
    outcome.kept_shared += len(used)
    cutoff = (planned.now - recent).timestamp()
    for digest in sorted(digests - used):
        modified = archive.modified(digest)
        if modified is None:
            continue
        if modified > cutoff:
            outcome.kept_recent += 1
            continue
        outcome.bytes_removed += archive.delete(digest)
        outcome.blobs_removed += 1


def apply(engine: Engine, archive: Archive, planned: Plan, *, recent: timedelta = RECENT) -> Outcome:
    """Carry out ``planned``: the database first (batch by batch, each committed), then the archive blobs, then
    the summary audit entry."""
    outcome = Outcome(kept_shared=planned.shared)
    kinds: dict[str, int] = defaultdict(int)
    for chunk in _batches(planned.due):
        outcome.messages += _purge_batch(engine, chunk, planned.now, kinds)
    outcome.kinds = dict(kinds)
    if kinds.get(Kind.RAW_MESSAGES.value) or kinds.get(Kind.ATTACHMENTS.value):
        search_index.forget_replaced(engine)
    _remove_blobs(engine, archive, planned, recent, outcome)
    with Session(engine) as session:
        repository.audit(
            session=session,
            action="purge",
            actor=ACTOR,
            messages=outcome.messages,
            kinds=outcome.kinds,
            blobs_removed=outcome.blobs_removed,
            bytes_removed=outcome.bytes_removed,
            blobs_kept_shared=outcome.kept_shared,
            blobs_kept_recent=outcome.kept_recent,
        )
        session.commit()
    if engine.dialect.name == "sqlite":  # the old pages' copies in the write-ahead log go too, if no reader holds it
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return outcome
