"""What the worker does, built from the settings: a pass over the configured source, imports, sending.

IMAP when a host is set, else the Maildir; every source runs through :meth:`Pipeline.run`.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import Engine

from config.events import load_events
from config.settings import AckMode, Settings
from service.archive import Archive
from service.db import open_database
from service.files import FileSource
from service.mailbox import ImapSource, reconnecting
from service.mailer import SendReport, send_pending
from service.model_store import model_in_use
from service.outbox import AckPolicy
from service.parse_pool import ParsePool
from service.pipeline import BatchResult, Pipeline, Progress


def build_pipeline(settings: Settings) -> Pipeline:
    """Read the events file, open (and migrate) the database and the archive named by the settings.

    Raises ``config.events.EventsError`` for a bad events file and :class:`~service.errors.StorageError`
    for a database that cannot be opened, in that order. The rest of the triage knowledge (phrase and
    country tables, the language model: seconds to build, ~100 MiB) is loaded where triage runs: by each
    parser process once, and by this process only when it triages a small batch itself.
    """
    events = load_events(settings.config)
    engine = open_database(
        settings.effective_database_url, migrate=settings.auto_migrate, busy_seconds=settings.database_busy_seconds
    )
    return Pipeline(
        engine,
        Archive(settings.archive_dir),
        events=events,
        parsers=ParsePool(
            events_file=settings.config,
            model_file=model_in_use(settings),
            workers=settings.parse_workers,
        ),
        acks=AckPolicy.from_settings(settings, events),
        limits=settings.message_limits,
    )


def poll_pass(
    settings: Settings,
    pipeline: Pipeline,
    *,
    stop: threading.Event | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Fetch and store what is new in the configured mailbox (IMAP, reconnecting as needed; else the Maildir)."""
    if not settings.imap_host:
        maildir = FileSource([settings.maildir], name="maildir", batch_size=settings.imap_batch_size)
        return pipeline.run(maildir, stop=stop, progress=progress)
    imap = ImapSource(settings, pipeline.engine, pipeline.archive)
    total = BatchResult()
    reconnecting(lambda: pipeline.run(imap, stop=stop, progress=progress, into=total), settings=settings, stop=stop)
    return total


def ingest_files(
    pipeline: Pipeline,
    paths: list[Path],
    *,
    source: str,
    batch_size: int,
    split_mbox: bool = True,
    stop: threading.Event | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Store every message in ``paths`` (files, Maildirs, mbox files, folders of them)."""
    files = FileSource(paths, name=source, batch_size=batch_size, split_mbox=split_mbox)
    return pipeline.run(files, stop=stop, progress=progress)


def send_due(settings: Settings, engine: Engine) -> SendReport | None:
    """Send the acknowledgments that are due (``INTAKE_ACK_MODE=send`` only; None otherwise)."""
    if settings.ack_mode is not AckMode.SEND:
        return None
    return send_pending(engine, settings)
