"""The ``frontier-intake`` command line: thin — load settings, build things, call them."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlmodel import Session

from config.settings import Settings, SettingsError, load_settings
from handlers.events import EventsError
from service import logs, repository
from service.errors import IntakeError
from service.export import write_jsonl
from service.mailbox import Progress as ProgressFn
from service.pipeline import BatchResult, Ingestor
from service.scheduler import run_forever
from service.worker import build_ingestor, ingest_files, poll_pass

app = typer.Typer(
    name="frontier-intake",
    help="Poll a shared mailbox, archive, parse and store every message exactly once.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err = Console(stderr=True)
out = Console()
log = logging.getLogger("intake.cli")


def _fail(reason: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {reason}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _settings() -> Settings:
    try:
        settings = load_settings()
    except SettingsError as exc:
        raise _fail(f"configuration: {exc}") from None
    logs.configure(settings.log_level, settings.log_format.value)
    return settings


def _ingestor(settings: Settings) -> Ingestor:
    try:
        return build_ingestor(settings)
    except EventsError as exc:
        raise _fail(f"configuration: INTAKE_CONFIG: {exc}") from None
    except IntakeError as exc:
        raise _fail(str(exc), 1) from None


@contextmanager
def _progress(label: str) -> Iterator[ProgressFn | None]:
    """A rich progress bar when standard error is a terminal; nothing otherwise."""
    if not err.is_terminal:
        yield None
        return
    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _summary(ingestor: Ingestor, result: BatchResult, *, table: bool) -> None:
    line = (
        f"stored {len(result.stored_ids)} new message(s), {result.parse_errors} with errors; "
        f"{result.already_stored} already stored"
    )
    if table and result.stored_ids:
        t = Table(title="Stored this pass", show_lines=False)
        for col in ("id", "received (UTC)", "from", "subject", "status"):
            t.add_column(col, overflow="fold")
        with Session(ingestor.engine) as session:
            for m in repository.iter_messages(session=session, ids=result.stored_ids[:200]):
                t.add_row(
                    str(m.id),
                    m.received_at.strftime("%Y-%m-%d %H:%M") if m.received_at else "—",
                    m.from_address or "—",
                    (m.subject or "")[:70],
                    m.status,
                )
        out.print(t)
    out.print(line, highlight=False)


@app.command()
def poll(
    once: Annotated[bool, typer.Option("--once", help="One pass, then exit (for cron).")] = False,
) -> None:
    """Fetch and store what is new in the mailbox (IMAP, or the Maildir when no IMAP host is set)."""
    if not once:
        run()
        return
    settings = _settings()
    with _ingestor(settings) as ingestor, _progress("fetching") as progress:
        try:
            result = poll_pass(settings, ingestor, progress=progress)
        except IntakeError as exc:
            raise _fail(str(exc), 1) from None
        _summary(ingestor, result, table=True)


@app.command()
def run() -> None:
    """Poll on a schedule (INTAKE_POLL_SECONDS) until SIGTERM/SIGINT."""
    settings = _settings()
    with _ingestor(settings) as ingestor:

        def job(stop: threading.Event) -> None:
            try:
                result = poll_pass(settings, ingestor, stop=stop)
                log.info("pass done", extra={"stored": len(result.stored_ids), "errors": result.parse_errors})
            except IntakeError as exc:
                log.error("pass failed: %s", exc)

        log.info("worker started", extra={"every_seconds": settings.poll_seconds})
        run_forever(job, every_seconds=settings.poll_seconds)


@app.command("import")
def import_(
    paths: Annotated[list[Path], typer.Argument(help=".eml files, Maildir folders, mbox files, or folders.")],
    mbox: Annotated[bool, typer.Option("--mbox/--no-mbox", help="Split mbox files into messages.")] = True,
) -> None:
    """Store messages from files (archives, migrations)."""
    settings = _settings()
    with _ingestor(settings) as ingestor, _progress("importing") as progress:
        try:
            result = ingest_files(
                ingestor,
                paths,
                source="import",
                batch_size=settings.imap_batch_size,
                split_mbox=mbox,
                progress=progress,
            )
        except IntakeError as exc:
            raise _fail(str(exc), 1) from None
        _summary(ingestor, result, table=False)


class ExportFormat(StrEnum):
    """Export formats."""

    JSONL = "jsonl"


@app.command()
def export(
    format: Annotated[ExportFormat, typer.Option("--format", help="Output format.")] = ExportFormat.JSONL,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default stdout).")
    ] = None,
) -> None:
    """Write every stored message as JSON lines."""
    settings = _settings()
    with _ingestor(settings) as ingestor, Session(ingestor.engine) as session:
        if output is None:
            count = write_jsonl(session, sys.stdout)
        else:
            with output.open("w", encoding="utf-8") as handle:
                count = write_jsonl(session, handle)
        err.print(f"exported {count} message(s)", highlight=False)


def main() -> None:
    """Entry point."""
    app()
