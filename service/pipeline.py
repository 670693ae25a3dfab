"""The product in one screen: raw bytes → archive → parse → store, a batch at a time.

``process_one`` is the per-message work: archive the raw bytes, parse, archive the attachment bytes,
triage (category, language, fields, event, deadline). It runs in parser processes, one per core, and
never raises: a failure becomes a value. The :class:`Ingestor` is the shell around it: ``submit`` skips
what is already stored (same bytes = same message) and hands the rest to the parsers, so the source can
fetch the next batch meanwhile;
``complete`` stores messages, attachments, IMAP locations, the mailbox position and the audit trail in
**one** transaction. A crash before that commit loses nothing (the next pass fetches the batch again and
archive writes are idempotent); a crash after it repeats nothing (the position moved with the messages).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
import traceback
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from handlers.events import Event
from handlers.search import SearchDocument, message_document
from handlers.triage import Triage, triage
from parsers.message import MessageParseError, parse_message
from parsers.model import ParsedMessage
from service import outbox, repository
from service.archive import Archive, sha256_hex
from service.errors import StorageError
from service.models import utcnow
from service.outbox import AckPolicy

log = logging.getLogger("intake.pipeline")
IN_PROCESS_BELOW = 16  # smaller batches are parsed in this process: a pool round trip costs more


@dataclass(frozen=True)
class RawMail:
    """One message as a source delivers it."""

    raw: bytes
    origin: str
    internaldate: datetime | None = None
    uid: int | None = None
    status_hint: str | None = None  # e.g. "too_large" when the source only fetched the header


@dataclass(frozen=True)
class Processed:
    """The outcome of :func:`process_one`: a parsed message or the error that stopped it."""

    sha256: str
    parsed: ParsedMessage | None = None
    decision: Triage | None = None
    search: SearchDocument | None = None
    error: str | None = None
    stage: str = "parse"


@dataclass(frozen=True)
class Location:
    """Where a batch came from on an IMAP server, and the UID the mailbox position moves to."""

    account: str
    folder: str
    uidvalidity: int
    last_uid: int


@dataclass
class BatchResult:
    """What one batch did; ``stored_ids`` are the ids of messages new to the database."""

    stored_ids: list[int] = field(default_factory=list)
    already_stored: int = 0
    parse_errors: int = 0

    def add(self, other: BatchResult) -> None:
        """Accumulate another batch's counts into this one."""
        self.stored_ids.extend(other.stored_ids)
        self.already_stored += other.already_stored
        self.parse_errors += other.parse_errors


def process_one(
    raw: bytes,
    internaldate: datetime | None = None,
    archive_root: str | None = None,
    events: Sequence[Event] = (),
) -> Processed:
    """Archive (when ``archive_root`` is given), parse and triage one message. Never raises on bad mail.

    Runs in a parser process: the raw bytes reach the archive first, then attachment bytes; the returned
    :class:`ParsedMessage` no longer carries attachment payloads, so only metadata crosses back.
    """
    digest = sha256_hex(raw)
    archive = Archive(Path(archive_root)) if archive_root else None
    if archive is not None:
        archive.put(raw, digest)
    try:
        parsed = parse_message(raw, internaldate=internaldate)
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
    try:
        decision = triage(parsed, list(events), attached)
    except Exception:  # stored all the same, flagged for a person
        return Processed(digest, parsed=parsed, search=search, error=traceback.format_exc(limit=8), stage="triage")
    return Processed(digest, parsed=parsed, decision=decision, search=search)


def attachment_text(parsed: ParsedMessage) -> str:
    """The text of the message's attachments, for triage."""
    return "\n".join(a.text for a in parsed.attachments if a.text)


def exit_with(parent: int, every: float = 1.0) -> None:
    """Run in each parser process: exit once the service process is gone.

    A service killed with SIGKILL (the OOM killer, ``kill -9``) cannot stop its pool, and the workers would
    wait for work forever, each holding the language model and keeping the fork server alive with it.
    """

    def watch() -> None:
        while True:
            time.sleep(every)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:  # alive, as another user
                pass

    threading.Thread(target=watch, name="exit-with-service", daemon=True).start()


def _process_chunk(
    items: list[tuple[bytes, datetime | None]], archive_root: str, events: Sequence[Event]
) -> list[Processed]:
    return [process_one(raw, when, archive_root, events) for raw, when in items]


@dataclass
class Pending:
    """A batch handed to the parser processes and not yet stored."""

    mails: Sequence[RawMail]
    digests: list[str]
    todo: dict[str, RawMail]
    source: str
    location: Location | None
    futures: list[Future[list[Processed]]] = field(default_factory=list)
    done: list[Processed] = field(default_factory=list)


def _status(mail: RawMail) -> str | None:
    return mail.status_hint.split(" ", 1)[0] if mail.status_hint else None


def _error(item: Processed, mail: RawMail) -> str | None:
    if mail.status_hint:
        return mail.status_hint + (f"; {item.error}" if item.error else "")
    return item.error


class Ingestor:
    """Stores batches of raw mail; owns the archive, the database engine and the parser processes."""

    def __init__(
        self,
        engine: Engine,
        archive: Archive,
        *,
        workers: int = 0,
        events: Sequence[Event] = (),
        acks: AckPolicy | None = None,
    ) -> None:
        self.engine = engine
        self.archive = archive
        self.events = list(events)
        self.acks = acks
        self.workers = workers or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Ingestor:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the parser processes."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["service.pipeline", "service.warm"])
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=context, initializer=exit_with, initargs=(os.getpid(),)
            )
        return self._pool

    def submit(self, mails: Sequence[RawMail], *, source: str, location: Location | None = None) -> Pending:
        """Start a batch: skip what is stored (same bytes), archive and parse the rest on every core.

        Returns at once when parser processes are used, so the caller can fetch the next batch meanwhile.
        """
        digests = [sha256_hex(m.raw) for m in mails]
        try:
            with Session(self.engine) as session:
                known = repository.ids_by_sha(session=session, digests=digests)
        except SQLAlchemyError as exc:
            raise StorageError(f"database: {str(exc).splitlines()[0]}") from exc
        todo: dict[str, RawMail] = {}
        for mail, digest in zip(mails, digests, strict=True):
            if digest not in known and digest not in todo:
                todo[digest] = mail
        pending = Pending(mails, digests, todo, source, location)
        items = [(m.raw, m.internaldate) for m in todo.values()]
        root = str(self.archive.root)
        if self.workers <= 1 or len(items) < IN_PROCESS_BELOW:
            pending.done = _process_chunk(items, root, self.events)
        else:
            size = max(1, min(16, len(items) // (self.workers * 2)))
            pool = self._executor()
            pending.futures = [
                pool.submit(_process_chunk, items[i : i + size], root, self.events) for i in range(0, len(items), size)
            ]
        return pending

    def ingest_batch(self, mails: Sequence[RawMail], *, source: str, location: Location | None = None) -> BatchResult:
        """Archive, parse and store ``mails`` now (see :meth:`submit` and :meth:`complete`)."""
        return self.complete(self.submit(mails, source=source, location=location))

    def complete(self, pending: Pending) -> BatchResult:
        """Wait for the parsers, then store the batch with the mailbox position in one transaction."""
        processed = pending.done + [p for f in pending.futures for p in f.result()]
        mails, digests, todo, location = pending.mails, pending.digests, pending.todo, pending.location
        result = BatchResult(already_stored=len(mails) - len(todo))
        try:
            with Session(self.engine) as session:
                known = repository.ids_by_sha(session=session, digests=digests)  # an earlier batch may have
                fresh = [p for p in processed if p.sha256 not in known]  # stored some while this one parsed
                result.already_stored += len(processed) - len(fresh)
                rows = repository.add_messages(  # 4. store, in one transaction with the position
                    session=session,
                    items=[
                        repository.NewMessage(
                            sha256=item.sha256,
                            size=len(todo[item.sha256].raw),
                            source=pending.source,
                            origin=todo[item.sha256].origin,
                            parsed=item.parsed,
                            decision=item.decision,
                            search=item.search,
                            error=_error(item, todo[item.sha256]),
                            status=_status(todo[item.sha256]),
                            internaldate=todo[item.sha256].internaldate,
                        )
                        for item in fresh
                    ],
                )
                if self.acks is not None:  # 5. the acknowledgment, in the same transaction (outbox)
                    now = utcnow()
                    for row, item in zip(rows, fresh, strict=True):
                        if item.parsed is not None and item.decision is not None:
                            outbox.enqueue(
                                session,
                                policy=self.acks,
                                message=row,
                                parsed=item.parsed,
                                decision=item.decision,
                                now=now,
                            )
                for row in rows:
                    known[row.sha256] = row.id  # type: ignore[assignment]
                    result.stored_ids.append(row.id)  # type: ignore[arg-type]
                    result.parse_errors += row.status != "parsed"
                if location is not None:
                    for mail, digest in zip(mails, digests, strict=True):
                        if mail.uid is not None:
                            repository.add_location(
                                session=session,
                                message_id=known[digest],
                                account=location.account,
                                folder=location.folder,
                                uidvalidity=location.uidvalidity,
                                uid=mail.uid,
                                internaldate=mail.internaldate,
                            )
                    repository.advance_mailbox(
                        session=session,
                        account=location.account,
                        folder=location.folder,
                        uidvalidity=location.uidvalidity,
                        last_uid=location.last_uid,
                    )
                session.commit()
        except SQLAlchemyError as exc:
            raise StorageError(f"database: {str(exc).splitlines()[0]}") from exc
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
