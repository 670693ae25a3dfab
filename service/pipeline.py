"""The product in one screen: every message takes the same six stages, a batch at a time.

1. **fetch**: a source reads a batch (IMAP ``BODY.PEEK[]`` in :mod:`service.mailbox`; Maildir, mbox and
   ``.eml`` files in :mod:`service.files`);
2. **archive**: the raw bytes go to the content-addressed archive (temporary file, rename; one flush to disk
   per chunk of messages) before the database hears of them;
3. **parse**: bytes → :class:`ParsedMessage`; attachment bytes are archived too;
4. **triage**: category, language, fields, event and deadline (pure code in ``handlers/``);
5. **store**: messages, attachments, their outbox rows, IMAP locations, the mailbox position and the audit
   trail in **one** transaction;
6. **post-action**: the source's hook once the batch is committed (IMAP flag or move).

Stages 2–4 are :func:`process_one`, run in the parser processes (:mod:`service.parse_pool`); it never raises
on bad mail: a failure becomes a value. :meth:`Pipeline.run` is the one loop every source feeds; batch N+1
is fetched and parsing while batch N is stored. A crash before a commit loses nothing (the next pass fetches
the batch again and archive writes are idempotent); a crash after it repeats nothing (the position moved
with the messages, and a post-action left undone is finished by the source on its next pass).
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session

from handlers.events import Event
from handlers.knowledge import Knowledge
from handlers.search import SearchDocument, message_document
from handlers.triage import Triage, triage
from parsers.dates import as_utc
from parsers.limits import DEFAULT_MESSAGE_LIMITS, MessageLimits, header_block, over_limit
from parsers.message import MessageParseError, parse_message
from parsers.model import ParsedMessage
from service import outbox, repository
from service.archive import Archive, sha256_hex
from service.db import storage_error
from service.errors import StorageError
from service.models import Message, utcnow
from service.outbox import AckPolicy
from service.parse_pool import ParsePool, Parsing

log = logging.getLogger("intake.pipeline")
Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class RawMail:
    """One message as a source delivers it."""

    raw: bytes
    origin: str
    internaldate: datetime | None = None
    uid: int | None = None
    status_hint: str | None = None  # e.g. "too_large (…)" when the source only fetched the header
    archived: tuple[str, int] | None = None  # (sha256, size) of the whole message, already in the archive, when
    # ``raw`` is only its header (a large message streamed there by the source)


@dataclass(frozen=True)
class Location:
    """Where a batch came from on an IMAP server, and the UID the mailbox position moves to."""

    account: str
    folder: str
    uidvalidity: int
    last_uid: int


@dataclass(frozen=True)
class Batch:
    """What a source yields: some mail, where it came from (IMAP), and the size of the pass (for progress)."""

    mails: Sequence[RawMail]
    location: Location | None = None
    total: int = 0


class Source(Protocol):
    """Where mail comes from: opened and closed as a context manager, read as an iterable of batches."""

    name: str  # what Message.source records: "imap" | "maildir" | "import"

    def __enter__(self) -> Source: ...

    def __exit__(self, *exc: object) -> None: ...

    def __iter__(self) -> Iterator[Batch]: ...

    def stored(self, batch: Batch) -> None:
        """Called once ``batch`` is committed: the post-action (IMAP flag or move), if any."""


@dataclass(frozen=True)
class Processed:
    """The outcome of :func:`process_one`: a parsed message or the error that stopped it."""

    sha256: str
    parsed: ParsedMessage | None = None
    decision: Triage | None = None
    search: SearchDocument | None = None
    error: str | None = None
    stage: str = "parse"
    status: str | None = None  # "too_large" / "over_limit" when only the header was read


@dataclass
class BatchResult:
    """What one batch did; ``stored_ids`` are the ids of messages new to the database."""

    stored_ids: list[int] = field(default_factory=list)
    already_stored: int = 0
    parse_errors: int = 0
    fetched: int = 0  # messages the source delivered, stored before or not
    lags: list[float] = field(default_factory=list)  # seconds from arrival (INTERNALDATE) to commit, new ones

    def add(self, other: BatchResult) -> None:
        """Accumulate another batch's counts into this one."""
        self.stored_ids.extend(other.stored_ids)
        self.already_stored += other.already_stored
        self.parse_errors += other.parse_errors
        self.fetched += other.fetched
        self.lags.extend(other.lags)


def process_one(
    raw: bytes,
    internaldate: datetime | None,
    archive: Archive | None,
    knowledge: Knowledge,
    *,
    limits: MessageLimits = DEFAULT_MESSAGE_LIMITS,
    whole: str | None = None,
    limit: str | None = None,
) -> Processed:
    """Stages 2–4 for one message: archive (when ``archive`` is given), parse, triage. Never raises on bad mail.

    Runs in a parser process: the raw bytes reach the archive first, then attachment bytes; the returned
    :class:`ParsedMessage` no longer carries attachment payloads, so only metadata crosses back. An archive
    made with ``fsync=False`` is the caller's to :meth:`~service.archive.Archive.sync` before storing.
    ``whole``: the digest of the whole message, archived already, when ``raw`` is only its header (``limit``:
    the one it went over, if known). A message over one of ``limits`` is archived whole and only its header is
    read; it waits for a person.
    """
    digest = whole or sha256_hex(raw)
    if archive is not None and whole is None:  # 2. archive
        archive.put(raw, digest)
    if whole is None:
        limit = over_limit(raw, limits)
        if limit is not None:
            raw = header_block(raw, limits.max_header_bytes)
    processed = _parse_and_triage(digest, raw, internaldate, archive, knowledge, limits)
    if limit is None and whole is None:
        return processed
    return _header_only(processed, limit)


def _header_only(processed: Processed, limit: str | None) -> Processed:
    """A message of which only the header was read: flagged with the limit, never acknowledged unreviewed."""
    decision = processed.decision
    if decision is not None:
        note = f"limit: {limit}; only the header was read" if limit else "only the header was read (too large)"
        signals = [*decision.signals, note, "waits for a person before any acknowledgment"]
        decision = decision.model_copy(update={"needs_triage": True, "acknowledge": False, "signals": signals})
    status = None if limit is None else ("too_large" if limit.startswith("message of") else "over_limit")
    error = "; ".join(e for e in (limit, processed.error) if e) or None
    return replace(processed, decision=decision, status=status, error=error)


def _parse_and_triage(
    digest: str,
    raw: bytes,
    internaldate: datetime | None,
    archive: Archive | None,
    knowledge: Knowledge,
    limits: MessageLimits = DEFAULT_MESSAGE_LIMITS,
) -> Processed:
    """Stages 3–4: parse (attachment bytes to the archive), search words, triage."""
    try:  # 3. parse
        parsed = parse_message(raw, internaldate=internaldate, attachment_limits=limits.attachments)
    except MessageParseError as exc:
        return Processed(digest, error=str(exc))
    except Exception:  # a bug on hostile input must not take the batch down
        return Processed(digest, error=traceback.format_exc(limit=8))
    for attachment in parsed.attachments:
        if archive is not None:
            archive.put(attachment.payload, attachment.sha256)
        attachment.payload = b""
    sender, attached = parsed.sender, attachment_text(parsed)
    search = message_document(parsed.subject, sender and sender.name, sender and sender.address, parsed.text, attached)
    try:  # 4. triage
        decision = triage(parsed, knowledge, attached)
    except Exception:  # stored all the same, flagged for a person
        return Processed(digest, parsed=parsed, search=search, error=traceback.format_exc(limit=8), stage="triage")
    return Processed(digest, parsed=parsed, decision=decision, search=search)


def attachment_text(parsed: ParsedMessage) -> str:
    """The text of the message's attachments, for triage."""
    return "\n".join(a.text for a in parsed.attachments if a.text)


Item = tuple[bytes, datetime | None, str | None, str | None]  # raw (or only its header), INTERNALDATE, and when
# only the header: the whole's digest (archived) and the limit it went over


def _process(items: list[Item], knowledge: Knowledge, *, archive_root: str, limits: MessageLimits) -> list[Processed]:
    """Stages 2–4 for a chunk of messages, made durable with one flush to disk before the results go back."""
    archive = Archive(Path(archive_root), fsync=False)
    done = [
        process_one(raw, date, archive, knowledge, limits=limits, whole=whole, limit=limit)
        for raw, date, whole, limit in items
    ]
    archive.sync()
    return done


@dataclass
class Pending:
    """A batch handed to the parser processes and not yet stored."""

    batch: Batch
    source: str
    digests: list[str]
    todo: dict[str, RawMail]  # the mail not stored yet, by digest (the rest is known already)
    parsing: Parsing[Processed]


class Pipeline:
    """Runs sources through the stages; owns the archive, the database engine and the parser processes."""

    def __init__(
        self,
        engine: Engine,
        archive: Archive,
        *,
        events: Sequence[Event],
        parsers: ParsePool,
        acks: AckPolicy | None = None,
        limits: MessageLimits = DEFAULT_MESSAGE_LIMITS,
    ) -> None:
        self.limits = limits
        self.engine = engine
        self.archive = archive
        self.events = list(events)  # of the events file the parsers' knowledge is loaded from
        self.parsers = parsers
        self.acks = acks

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the parser processes."""
        self.parsers.close()

    def run(
        self,
        source: Source,
        *,
        stop: threading.Event | None = None,
        progress: Progress | None = None,
        into: BatchResult | None = None,
    ) -> BatchResult:
        """The one loop: fetch a batch, start it, store the one before it meanwhile, then its post-action.

        ``stop`` is checked before each fetch: the batches in hand are finished, nothing new is read.
        Counts accumulate into ``into`` when given (a source that reconnects runs this again).
        """
        total = into if into is not None else BatchResult()
        done = 0

        def finish(pending: Pending) -> None:
            nonlocal done
            total.add(self.store(pending))  # 5. store, with its outbox rows and the mailbox position
            source.stored(pending.batch)  # 6. post-action, only after the commit
            done += len(pending.batch.mails)
            if progress:
                progress(done, pending.batch.total)

        with source:
            pending: Pending | None = None
            for batch in _until_stopped(source, stop):  # 1. fetch: the source reads the next batch …
                started = self.submit(batch, source=source.name)  # 2–4. … which starts on every core …
                if pending is not None:
                    finish(pending)  # … while the batch before it is stored
                pending = started
            if pending is not None:
                finish(pending)
        return total

    def submit(self, batch: Batch, *, source: str) -> Pending:
        """Start stages 2–4: skip what is stored (same bytes), archive, parse and triage the rest on every core.

        Returns at once when parser processes are used, so the caller can fetch the next batch meanwhile.
        """
        digests = [m.archived[0] if m.archived else sha256_hex(m.raw) for m in batch.mails]
        try:
            with Session(self.engine) as session:
                known = repository.ids_by_sha(session=session, digests=digests)
        except SQLAlchemyError as exc:
            raise storage_error(exc, self.engine) from exc
        todo: dict[str, RawMail] = {}
        for mail, digest in zip(batch.mails, digests, strict=True):
            if digest not in known and digest not in todo:
                todo[digest] = mail
        work = partial(_process, archive_root=str(self.archive.root), limits=self.limits)
        parsing = self.parsers.map(work, [self._item(mail, digest) for digest, mail in todo.items()])
        return Pending(batch, source, digests, todo, parsing)

    def _item(self, mail: RawMail, digest: str) -> Item:
        """What a parser process gets: a message over the size limit is archived here and only its header
        travels, so its bytes are never copied to another process."""
        if mail.archived is not None:
            return mail.raw, mail.internaldate, digest, None
        if len(mail.raw) > self.limits.max_bytes:
            self.archive.put(mail.raw, digest)
            head = header_block(mail.raw, self.limits.max_header_bytes)
            return head, mail.internaldate, digest, over_limit(mail.raw, self.limits)
        return mail.raw, mail.internaldate, None, None

    def store(self, pending: Pending) -> BatchResult:
        """Stage 5: wait for the parsers, then store the batch, its outbox rows and its position in ONE transaction.

        The database failing (unreachable, locked, full) fails the batch with a :class:`StorageError`: nothing of
        it is stored and the next pass fetches it again. Anything else is taken for a value of one message that
        the database or its driver refuses (a bug on hostile input): each message whose insert alone fails is
        stored raw, flagged with the reason, and the batch again; if that fails too, the batch fails cleanly."""
        processed = pending.parsing.results()  # the raw bytes are in the archive once these are back
        try:
            return self._commit(pending, processed)
        except StorageError:
            raise
        except Exception as exc:
            log.warning("batch not stored as parsed; looking for the message at fault", extra={"error": _reason(exc)})
        processed = [self._storable(pending, item) for item in processed]
        try:
            return self._commit(pending, processed)
        except StorageError:
            raise
        except Exception as exc:
            raise StorageError(f"cannot store a batch of {len(processed)} message(s): {_reason(exc)}") from exc

    def _commit(self, pending: Pending, processed: list[Processed]) -> BatchResult:
        mails, todo = pending.batch.mails, pending.todo
        result = BatchResult(already_stored=len(mails) - len(todo), fetched=len(mails))
        try:
            with Session(self.engine) as session:
                known = repository.ids_by_sha(session=session, digests=pending.digests)  # an earlier batch may
                fresh = [p for p in processed if p.sha256 not in known]  # have stored some while this one parsed
                result.already_stored += len(processed) - len(fresh)
                rows = repository.add_messages(session=session, items=[_new_message(p, todo, pending) for p in fresh])
                fresh_mails = [todo[p.sha256] for p in fresh]
                self._queue_acknowledgments(session, rows, fresh)
                for row in rows:
                    known[row.sha256] = row.id  # type: ignore[assignment]
                    result.stored_ids.append(row.id)  # type: ignore[arg-type]
                    result.parse_errors += row.status != "parsed"
                if pending.batch.location is not None:
                    _record_position(session, pending, known)
                session.commit()
        except SQLAlchemyError as exc:
            if _database_failing(exc):
                raise storage_error(exc, self.engine) from exc
            raise
        committed = utcnow()
        result.lags = [(committed - as_utc(m.internaldate)).total_seconds() for m in fresh_mails if m.internaldate]
        log.info(
            "batch stored",
            extra={
                "stored": len(result.stored_ids),
                "already": result.already_stored,
                "parse_errors": result.parse_errors,
                "source": pending.source,
            },
        )
        return result

    def _storable(self, pending: Pending, item: Processed) -> Processed:
        """``item`` as parsed when its insert alone works (tried, then rolled back), else only its raw bytes (in
        the archive already) with the reason: status ``parse_error``, never acknowledged unreviewed."""
        try:
            with Session(self.engine) as session:
                rows = repository.add_messages(session=session, items=[_new_message(item, pending.todo, pending)])
                self._queue_acknowledgments(session, rows, [item])
                session.flush()
                session.rollback()
            return item
        except SQLAlchemyError as exc:
            if _database_failing(exc):
                raise storage_error(exc, self.engine) from exc
            error = exc
        except Exception as exc:
            error = exc
        log.warning("message stored raw: its parsed form cannot be stored", extra={"sha256": item.sha256,
                    "error": _reason(error)})  # fmt: skip
        reason = f"stored raw: the parsed message cannot be stored ({type(error).__name__}: {_reason(error)})"
        return Processed(item.sha256, error=reason.encode("utf-8", "backslashreplace").decode("utf-8"), stage="store")

    def _queue_acknowledgments(self, session: Session, rows: list[Message], fresh: list[Processed]) -> None:
        """The outbox rows, in the storing transaction (sent later by the sender job)."""
        if self.acks is None:
            return
        now = utcnow()
        for row, item in zip(rows, fresh, strict=True):
            if item.parsed is not None and item.decision is not None:
                outbox.enqueue(
                    session, policy=self.acks, message=row, parsed=item.parsed, decision=item.decision, now=now
                )


def _database_failing(exc: SQLAlchemyError) -> bool:
    """Whether ``exc`` is the database itself failing (unreachable, locked, full, a dropped connection), which
    no change to the batch can help, rather than a value of one message it refused."""
    if isinstance(exc, OperationalError | InterfaceError | PoolTimeout):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def _reason(exc: BaseException) -> str:
    """The first line of an exception's message (its type when it has none), at most 300 characters."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


def _until_stopped(batches: Iterable[Batch], stop: threading.Event | None) -> Iterator[Batch]:
    """The batches, read one at a time, until ``stop`` is set (checked before each read)."""
    reading = iter(batches)
    while stop is None or not stop.is_set():
        batch = next(reading, None)
        if batch is None:
            return
        yield batch
    log.info("stop requested; leaving after the batch in hand")


def _new_message(item: Processed, todo: dict[str, RawMail], pending: Pending) -> repository.NewMessage:
    mail = todo[item.sha256]
    status = mail.status_hint.split(" ", 1)[0] if mail.status_hint else item.status
    return repository.NewMessage(
        sha256=item.sha256,
        size=mail.archived[1] if mail.archived else len(mail.raw),
        source=pending.source,
        origin=mail.origin,
        parsed=item.parsed,
        decision=item.decision,
        search=item.search,
        error="; ".join(e for e in (mail.status_hint, item.error) if e) or None,
        status=status,
        internaldate=mail.internaldate,
    )


def _record_position(session: Session, pending: Pending, known: dict[str, int]) -> None:
    """Where each message of an IMAP batch sits, and the mailbox position past the batch."""
    location = pending.batch.location
    assert location is not None
    where = {"account": location.account, "folder": location.folder, "uidvalidity": location.uidvalidity}
    recorded = repository.known_uids(session=session, uids=[m.uid for m in pending.batch.mails if m.uid], **where)
    for mail, digest in zip(pending.batch.mails, pending.digests, strict=True):
        if mail.uid is not None and mail.uid not in recorded:
            recorded.add(mail.uid)
            repository.add_location(
                session=session, message_id=known[digest], uid=mail.uid, internaldate=mail.internaldate, **where
            )
    repository.advance_mailbox(
        session=session,
        account=location.account,
        folder=location.folder,
        uidvalidity=location.uidvalidity,
        last_uid=location.last_uid,
    )
