"""One pass of the worker over the configured source: IMAP when a host is set, else the Maildir."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from config.settings import Settings
from handlers.events import load_events
from service.archive import Archive
from service.db import open_database
from service.files import expand, iter_items
from service.mailbox import ImapSource, Progress
from service.outbox import AckPolicy
from service.pipeline import BatchResult, Ingestor, RawMail

log = logging.getLogger("intake.worker")


def build_ingestor(settings: Settings) -> Ingestor:
    """Read the events file, open (and migrate) the database and the archive named by the settings."""
    events = load_events(settings.config)
    engine = open_database(settings.effective_database_url)
    acks = AckPolicy.from_settings(settings, events)
    return Ingestor(engine, Archive(settings.archive_dir), workers=settings.parse_workers, events=events, acks=acks)


def _batches(mails: Iterable[RawMail], size: int) -> Iterator[list[RawMail]]:
    batch: list[RawMail] = []
    for mail in mails:
        batch.append(mail)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest_files(
    ingestor: Ingestor,
    paths: list[Path],
    *,
    source: str,
    batch_size: int,
    split_mbox: bool = True,
    stop: threading.Event | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Store every message in ``paths`` (files, Maildirs, mbox files, folders of them)."""
    items = expand(paths) if split_mbox else [p if isinstance(p, Path) else p[0] for p in expand(paths)]
    total = BatchResult()
    done, pending = 0, None
    for batch in _batches(iter_items(items), batch_size):
        following = ingestor.submit(batch, source=source)  # read the next files while the last ones parse
        if pending is not None:
            total.add(ingestor.complete(pending))
            done += len(pending.mails)
        pending = following
        if progress:
            progress(done, len(items))
        if stop is not None and stop.is_set():
            break
    if pending is not None:
        total.add(ingestor.complete(pending))
    return total


def poll_pass(
    settings: Settings,
    ingestor: Ingestor,
    *,
    stop: threading.Event | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Fetch and store what is new in the configured mailbox."""
    if settings.imap_host:
        return ImapSource(settings, ingestor).poll(stop=stop, progress=progress)
    return ingest_files(
        ingestor,
        [settings.maildir],
        source="maildir",
        batch_size=settings.imap_batch_size,
        stop=stop,
        progress=progress,
    )
