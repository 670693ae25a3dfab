"""The ``frontier-intake`` command line: thin — load settings, build things, call them."""

from __future__ import annotations

import getpass
import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from email import message_from_string
from email import policy as email_policy
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy import Engine
from sqlmodel import Session

from config.events import EventsError, load_events
from config.knowledge import DEFAULT_MODEL, load_knowledge
from config.settings import AckMode, Settings, SettingsError, load_settings
from handlers.events import Event
from handlers.knowledge import Knowledge
from handlers.learning import Scores
from handlers.model import ModelError
from handlers.registry import CATEGORIES, FieldsError
from handlers.retention import KINDS, Kind
from service import logs, metrics, outbox, repository, retention, review, users
from service.archive import Archive
from service.db import open_database, schema_revision
from service.errors import IntakeError, StorageError
from service.export import write_jsonl
from service.faults import describe
from service.idle import IdleWatch
from service.leader import LeaderPoll, job_interval, only_worker_on_sqlite
from service.model_store import model_in_use
from service.models import Acknowledgment, Message, utcnow
from service.outbox import AckPolicy
from service.pipeline import BatchResult, Pipeline
from service.pipeline import Progress as ProgressFn
from service.review import MAX_ROW_ID
from service.scheduler import Job, run_forever
from service.status import poll_is_recent, read_status
from service.training import build, load_splits, train
from service.triage_jobs import evaluate, retriage
from service.web.security import hash_password, password_problem
from service.worker import build_pipeline, ingest_files, poll_pass, send_due

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


def _pipeline(settings: Settings) -> Pipeline:
    try:
        return build_pipeline(settings)
    except EventsError as exc:
        raise _fail(f"configuration: INTAKE_CONFIG: {exc}") from None
    except IntakeError as exc:
        raise _fail(str(exc), 1) from None


def _database(settings: Settings) -> Engine:
    try:
        return open_database(
            settings.effective_database_url, migrate=settings.auto_migrate, busy_seconds=settings.database_busy_seconds
        )
    except IntakeError as exc:
        raise _fail(str(exc), 1) from None


def _knowledge(settings: Settings) -> Knowledge:
    """The events file's knowledge with the promoted triage model (else the shipped default)."""
    try:
        return load_knowledge(settings.config, model_in_use(settings))
    except EventsError as exc:
        raise _fail(f"configuration: INTAKE_CONFIG: {exc}") from None
    except ModelError as exc:
        pointer = settings.data_dir / "models" / "current"
        raise _fail(f"triage model: {exc} (train again, or remove {pointer})") from None


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


GENEVA = ZoneInfo("Europe/Zurich")


def _acknowledgment(message: Message, ack: Acknowledgment | None, mode: AckMode) -> str:
    """The acknowledgment's reference and state, or why there is none."""
    if ack is not None:
        if ack.status in ("suppressed", "failed"):
            reason = ack.reason or ack.last_error or ""
            return f"{ack.status}: {reason.split(':', 1)[0][:48]}"
        return f"{ack.reference} ({ack.status.replace('_', ' ')})"
    if message.status != "parsed":
        return f"not acknowledged: {message.status}"
    if not message.acknowledge:
        return f"not acknowledged: {message.category or 'triage failed'}"
    return "off" if mode is AckMode.OFF else "—"


SUMMARY_COLUMNS = ("#", "arrival (Geneva)", "from", "subject", "category", "lang", "deadline", "acknowledgment")
FLEXIBLE = {"from": 2, "subject": 3}  # share the width the other columns leave, cut with an ellipsis


def _summary_table(rows: list[tuple[str, ...]], width: int) -> Table:
    """One line per message: the fixed columns whole, sender and subject cut to what the terminal leaves."""
    widest = {c: max([cell_len(c), *(cell_len(r[i]) for r in rows)]) for i, c in enumerate(SUMMARY_COLUMNS)}
    fixed = sum(w for c, w in widest.items() if c not in FLEXIBLE) + 3 * len(SUMMARY_COLUMNS) + 1  # rules, padding
    room = max(20, width - fixed)
    t = Table(title="Stored this pass", box=box.SIMPLE_HEAD)
    for column in SUMMARY_COLUMNS:
        share = FLEXIBLE.get(column)
        t.add_column(
            column,
            no_wrap=True,
            overflow="ellipsis",
            justify="right" if column == "#" else "left",
            max_width=min(widest[column], room * share // sum(FLEXIBLE.values())) if share else None,
        )
    for row in rows:
        t.add_row(*row)
    return t


def _summary(engine: Engine, settings: Settings, result: BatchResult, *, table: bool) -> None:
    line = (
        f"stored {len(result.stored_ids)} new message(s), {result.parse_errors} with errors; "
        f"{result.already_stored} already stored"
    )
    if table and result.stored_ids:
        with Session(engine) as session:
            rows = [
                (
                    str(m.id),
                    m.received_at.astimezone(GENEVA).strftime("%Y-%m-%d %H:%M") if m.received_at else "—",
                    m.from_address or "—",
                    " ".join((m.subject or "").split()),
                    m.category or m.status,
                    m.language or "—",
                    "—" if m.deadline_status in (None, "not_applicable") else m.deadline_status,
                    _acknowledgment(m, ack, settings.ack_mode),
                )
                for m, ack in repository.stored_with_acknowledgments(session=session, ids=result.stored_ids[:200])
            ]
        out.print(_summary_table(rows, out.width))
    out.print(line, highlight=False)


def _send_acks(settings: Settings, engine: Engine) -> None:
    """Send the acknowledgments that are due (INTAKE_ACK_MODE=send); failures are kept for a retry."""
    report = send_due(settings, engine)
    if report and (report.sent or report.retried or report.failed or report.uncertain):
        out.print(
            f"acknowledgments: {report.sent} sent, {report.retried} deferred, {report.failed} failed, "
            f"{report.uncertain} uncertain",
            highlight=False,
        )


@app.command()
def poll(
    once: Annotated[bool, typer.Option("--once", help="One pass, then exit (for cron).")] = False,
) -> None:
    """Fetch and store what is new in the mailbox (IMAP, or the Maildir when no IMAP host is set)."""
    if not once:
        run()
        return
    settings = _settings()
    with _pipeline(settings) as pipeline, _progress("fetching") as progress:
        try:
            result = poll_pass(settings, pipeline, progress=progress)
        except IntakeError as exc:
            raise _fail(describe(exc).line(), 1) from None
        _summary(pipeline.engine, settings, result, table=True)
        _send_acks(settings, pipeline.engine)


@app.command()
def run() -> None:
    """Poll on a schedule (INTAKE_POLL_SECONDS) and send the acknowledgments due, until SIGTERM/SIGINT."""
    settings = _settings()
    try:
        lock = only_worker_on_sqlite(settings.effective_database_url)
    except StorageError as exc:
        raise _fail(str(exc)) from None
    with _pipeline(settings) as pipeline:
        pipeline.parsers.start()  # the knowledge is loaded before the first message, not while it waits
        if settings.metrics_port:
            try:
                metrics.serve(settings.metrics_port, settings.metrics_host)
            except OSError as exc:
                raise _fail(f"INTAKE_METRICS_PORT: cannot listen on {settings.metrics_host}:"
                            f"{settings.metrics_port}: {exc.strerror or exc}") from None  # fmt: skip
        poll_job = LeaderPoll(settings, pipeline)

        def send_job(stop: threading.Event) -> None:
            if stop.is_set():
                return
            report = send_due(settings, pipeline.engine)
            metrics.record_sending(report)
            if report and (report.sent or report.retried or report.failed or report.uncertain):
                log.info(
                    "acknowledgments sent",
                    extra={"sent": report.sent, "deferred": report.retried, "failed": report.failed},
                )

        sending = threading.Lock()  # the send job and a push's sending never send at once

        def send_locked(stop: threading.Event) -> None:
            with sending:
                send_job(stop)

        def on_new_mail(stop: threading.Event) -> None:  # pushed by IDLE: store, then answer at once
            poll_job.poll_now(stop)
            send_locked(stop)

        jobs = [Job("poll", poll_job, job_interval(settings))]
        if settings.ack_mode is AckMode.SEND:  # the outbox is sent at the polling interval, beside the polls
            jobs.append(Job("send", send_locked, settings.poll_seconds))
        if settings.imap_host and settings.imap_idle:  # push; the polls stay as the safety net
            jobs.append(Job("idle", IdleWatch(settings, on_new_mail, lambda: poll_job.leading), 0))
        log.info(
            "worker started",
            extra={"every_seconds": settings.poll_seconds, "jobs": [j.name for j in jobs], "worker": poll_job.holder},
        )
        try:
            run_forever(*jobs)
        finally:
            poll_job.release()
            if lock is not None:
                lock.close()


@app.command("import")
def import_(
    paths: Annotated[list[Path], typer.Argument(help=".eml files, Maildir folders, mbox files, or folders.")],
    mbox: Annotated[bool, typer.Option("--mbox/--no-mbox", help="Split mbox files into messages.")] = True,
) -> None:
    """Store messages from files (archives, migrations)."""
    settings = _settings()
    with _pipeline(settings) as pipeline, _progress("importing") as progress:
        try:
            result = ingest_files(
                pipeline,
                paths,
                source="import",
                batch_size=settings.imap_batch_size,
                split_mbox=mbox,
                progress=progress,
            )
        except IntakeError as exc:
            raise _fail(describe(exc).line(), 1) from None
        _summary(pipeline.engine, settings, result, table=False)


class ExportFormat(StrEnum):
    """Export formats."""

    JSONL = "jsonl"


@app.command()
def export(
    format: Annotated[ExportFormat, typer.Option("--format", help="Output format.")] = ExportFormat.JSONL,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default stdout).")] = None,
) -> None:
    """Write every stored message as JSON lines."""
    settings = _settings()
    with Session(_database(settings)) as session:
        if output is None:
            count = write_jsonl(session, sys.stdout)
        else:
            with output.open("w", encoding="utf-8") as handle:
                count = write_jsonl(session, handle)
        err.print(f"exported {count} message(s)", highlight=False)


@app.command("retriage")
def retriage_(
    since: Annotated[
        datetime | None,
        typer.Option(
            "--since",
            help="Only mail that arrived on or after this date.",
            formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"],
        ),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every stored message.")] = False,
) -> None:
    """Triage stored mail again from the raw archive (after a rules or events change); reports what changed."""
    if (since is None) == (not all_):
        raise _fail("give exactly one of --since DATE or --all")
    settings = _settings()
    knowledge = _knowledge(settings)
    when = since.replace(tzinfo=UTC) if since and since.tzinfo is None else since
    report = retriage(_database(settings), Archive(settings.archive_dir), knowledge, since=when)
    t = Table(title="Category changes")
    for col in ("before", "after", "messages"):
        t.add_column(col)
    for (before, after), n in report.moves.most_common():
        t.add_row(before, after, str(n))
    if report.moves:
        out.print(t)
    for line in report.examples:
        out.print(f"  {line}", highlight=False, soft_wrap=True)
    out.print(
        f"examined {report.examined}, changed {report.changed}, kept {report.kept_corrected} corrected by "
        f"staff, {report.failed} could not be read"
        + (f", {report.purged} left out (their mail was purged under the retention policy)" if report.purged else ""),
        highlight=False,
        soft_wrap=True,
    )


def _scores_table(title: str, columns: dict[str, Scores]) -> Table:
    t = Table(title=title)
    t.add_column("category")
    for name in columns:
        t.add_column(f"{name} F1", justify="right")
    t.add_column("support", justify="right")
    first = next(iter(columns.values()))
    for category in CATEGORIES:
        if first.rows[category][3]:
            t.add_row(category, *[f"{s.rows[category][2]:.3f}" for s in columns.values()], str(first.rows[category][3]))
    t.add_row("macro-F1", *[f"{s.macro_f1:.3f}" for s in columns.values()], str(first.total), style="bold")
    return t


@app.command("evaluate")
def evaluate_(
    folder: Annotated[Path, typer.Argument(help="Folder of labelled .eml files (every labels.jsonl under it).")],
    labels: Annotated[
        Path | None, typer.Option("--labels", help="One labels file (JSON lines: file, category, …) instead.")
    ] = None,
    mistakes: Annotated[
        bool, typer.Option("--mistakes", help="List every wrong category, field and deadline.")
    ] = False,
    rules_only: Annotated[bool, typer.Option("--rules-only", help="The rules alone, without the model.")] = False,
) -> None:
    """Score triage against labelled mail: precision/recall/F1, languages, fields, deadlines, confusion."""
    settings = _settings()
    knowledge = _knowledge(settings)
    report = evaluate(folder, labels, knowledge, rules_only=rules_only)
    decided = "the rules alone" if rules_only or knowledge.model is None else f"model {knowledge.model.version}"
    t = Table(title=f"Triage on {report.total} labelled messages ({decided})")
    for col in ("category", "precision", "recall", "F1", "support"):
        t.add_column(col, justify="right" if col != "category" else "left")
    for category, (p, r, f1, n) in report.per_category().items():
        t.add_row(category, f"{p:.3f}", f"{r:.3f}", f"{f1:.3f}", str(n))
    out.print(t)
    total = max(1, report.total)
    out.print(
        f"macro-F1 {report.macro_f1():.3f}   language accuracy {report.language_right / total:.3f}   "
        f"field accuracy {report.field_accuracy():.3f}   deadline accuracy {report.deadline_right / total:.3f} "
        f"({report.deadline_right_when_category_right / max(1, report.right):.3f} where the category is right)"
        f"   acknowledgment decisions right {report.ack_right / total:.3f}   needs_triage {report.needs_triage}",
        highlight=False,
    )
    out.print(f"acknowledgments due on auto-replies, bounces or spam: {len(report.robot_acks)}", highlight=False)
    others = report.labelled.get("other", 0)
    out.print(
        f"other acknowledged: {len(report.other_acks)} of {others} ({len(report.other_acks) / max(1, others):.1%})",
        highlight=False,
    )
    for name in sorted(report.fields_checked):
        out.print(f"  field {name}: {report.fields_right[name]}/{report.fields_checked[name]}", highlight=False)
    confusion = Table(title="Confusion matrix (rows: label, columns: triage)")
    confusion.add_column("label \\ triage")
    for c in CATEGORIES:
        confusion.add_column(c[:10], justify="right")
    for c in CATEGORIES:
        confusion.add_row(c, *[str(report.confusion[(c, g)] or "·") for g in CATEGORIES])
    out.print(confusion)
    if mistakes:
        for line in report.mistakes:
            out.print(f"  {line}", highlight=False)
        for line in report.field_mistakes + report.deadline_mistakes:
            out.print(f"  {line}", highlight=False)


@app.command("train")
def train_(
    force: Annotated[
        bool, typer.Option("--force", help="Promote even if worse on the held-out set (audited).")
    ] = False,
    by: Annotated[str, typer.Option("--by", help="Who trains (recorded in the audit trail).")] = "",
    data: Annotated[
        list[Path] | None, typer.Option("--data", help="More labelled folders to train on (repeatable).")
    ] = None,
    default: Annotated[
        bool, typer.Option("--default", help="Rebuild the shipped default model from the shipped data only.")
    ] = False,
    output: Annotated[Path | None, typer.Option("--output", help="With --default: write the model here.")] = None,
) -> None:
    """Train the triage model on the labelled data and this mailbox's corrections; promote it only if no worse."""
    settings = _settings()
    logs.quiet_parsers()
    if default:  # the shipped data alone: whatever model is current (or unreadable) plays no part
        rules = _knowledge(settings.model_copy(update={"triage_model": False}))
        _, data_bytes, _, info = build(rules, splits=load_splits())
        target = output or DEFAULT_MODEL
        target.write_bytes(data_bytes)
        out.print(f"wrote {target}: {info['examples']} examples, {info['seconds']} s", highlight=False)
        return
    try:
        knowledge = load_knowledge(settings.config, model_in_use(settings))
    except ModelError as exc:  # a model of an older format: train a new one, compared with the rules alone
        err.print(f"warning: the current model cannot be read ({exc}); the candidate is compared with the rules")
        knowledge = _knowledge(settings.model_copy(update={"triage_model": False}))
    except EventsError:
        knowledge = _knowledge(settings)  # says what is wrong with the events file
    who = by.strip() or getpass.getuser()
    with err.status("training"):
        result = train(
            _database(settings),
            Archive(settings.archive_dir),
            replace(knowledge),
            data_dir=settings.data_dir,
            who=who,
            force=force,
            extra=tuple(data or ()),
        )
    out.print(
        _scores_table(
            f"Held-out set: {result.held_out} messages (the dev split and {result.held_out_corrections} held-out"
            " corrections)",
            {
                "candidate": result.candidate_scores,
                f"current ({result.current_version})": result.current_scores,
                "rules alone": result.rules_scores,
            },
        )
    )
    out.print(
        f"trained model {result.candidate.version} on {result.examples} messages ({result.corrections} corrections)"
        f" in {result.seconds} s; {'; '.join(result.reasons)}",
        highlight=False,
    )
    if result.promoted:
        note = " (forced: worse on the held-out set; audited)" if result.forced else ""
        name = result.path.name if result.path else ""
        out.print(f"promoted {name}{note}; `retriage --all` applies it", highlight=False)
    else:
        out.print("not promoted: the current model stays (use --force to override)", highlight=False)
        raise typer.Exit(3)


@app.command("correct")
def correct_(
    message_ids: Annotated[list[int], typer.Argument(help="The messages' numbers (#ID in the review UI).")],
    category: Annotated[str, typer.Option("--category", help="The right category.")],
    by: Annotated[str, typer.Option("--by", help="Who corrects (recorded in the audit trail).")],
    fields: Annotated[str | None, typer.Option("--fields", help="The right fields, as a JSON object.")] = None,
) -> None:
    """Correct triage as the review UI's reclassify does: same checks, same audit, same outbox rules.

    Several numbers get the same correction, all or none (one transaction)."""
    settings = _settings()
    if not by.strip():
        raise _fail("--by: say who corrects")
    knowledge = _knowledge(settings)
    events = list(knowledge.events)
    acks = None if settings.ack_mode is AckMode.OFF else AckPolicy.from_settings(settings, events)
    archive = Archive(settings.archive_dir)
    with Session(_database(settings)) as session:
        done = []
        for message_id in message_ids:
            message = session.get(Message, message_id) if 0 < message_id <= MAX_ROW_ID else None
            if message is None:
                raise _fail(f"no message #{message_id}; nothing was changed", 1)
            try:
                review.reclassify(
                    session,
                    message=message,
                    who=by.strip(),
                    category=category,
                    events=events,
                    acks=acks,
                    archive=archive,
                )
                if fields is not None:
                    review.edit_fields(session, message=message, who=by.strip(), text=fields)
            except (review.ReviewError, FieldsError) as exc:
                raise _fail(f"#{message_id}: {exc}; nothing was changed") from None
            done.append(f"#{message_id} is {message.category} ({message.deadline_status})")
        session.commit()
    for line in done:
        out.print(line, highlight=False)


@app.command("outbox")
def outbox_(
    status: Annotated[str | None, typer.Option("--status", help="Only rows with this status.")] = None,
    show: Annotated[
        str | None, typer.Option("--show", help="Print the rendered acknowledgment with this reference.")
    ] = None,
    send: Annotated[bool, typer.Option("--send", help="Send what is due now (INTAKE_ACK_MODE=send).")] = False,
) -> None:
    """List acknowledgments (pending, sent, failed, uncertain, suppressed, dry_run) or show one."""
    settings = _settings()
    engine = _database(settings)
    if send:
        _send_acks(settings, engine)
    with Session(engine) as session:
        if show:
            row = outbox.by_reference(session=session, reference=show)
            if row is None or not row.raw:
                raise _fail(f"no rendered acknowledgment {show}", 1)
            message = message_from_string(row.raw, policy=email_policy.default)
            body = message.get_body(("plain",))
            out.print(
                f"To: {message['To']}\nSubject: {message['Subject']}\nContent-Language: "
                f"{message['Content-Language']}\n\n{body.get_content() if body else ''}",
                highlight=False,
            )
            return
        t = Table(title="Acknowledgments")
        for col in ("reference", "status", "lang", "category", "to", "attempts", "note"):
            t.add_column(col, overflow="fold")
        for row in outbox.listing(session=session, status=status):
            t.add_row(
                row.reference or "—",
                row.status,
                row.language,
                row.category,
                row.to_address,
                str(row.attempts),
                (row.reason or row.last_error or "")[:60],
            )
        out.print(t)


@app.command("status")
def status_(
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 unless the database answers and a poll is recent (healthcheck).")
    ] = False,
) -> None:
    """What the installation is doing: messages, acknowledgments, the outbox's age, who polls and when."""
    settings = _settings()
    engine = _database(settings)
    try:
        now = read_status(engine)
    except Exception as exc:  # the database went away between opening and reading
        raise _fail(f"database: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", 1) from None
    t = Table(title="Messages", box=box.SIMPLE_HEAD)
    t.add_column("category")
    t.add_column("stored", justify="right")
    for category, count in sorted(now.messages.items()):
        t.add_row(category or "(not triaged)", str(count))
    t.add_row("parse errors", str(now.parse_errors))
    out.print(t)
    a = Table(title="Acknowledgments", box=box.SIMPLE_HEAD)
    a.add_column("status")
    a.add_column("count", justify="right")
    for state, count in sorted(now.acknowledgments.items()):
        a.add_row(state, str(count))
    out.print(a)
    oldest = now.oldest_pending_seconds
    out.print(f"oldest acknowledgment not yet sent: {'none' if oldest is None else f'{oldest:.0f} s'}")
    for lease in now.leases:
        polled = lease.last_poll_at.isoformat(timespec="seconds") if lease.last_poll_at else "never"
        out.print(
            f"{lease.name}: polled by {lease.holder} (lease until {lease.expires_at.isoformat(timespec='seconds')}),"
            f" last poll finished {polled}"
            + (f" in {lease.last_poll_seconds:.1f} s" if lease.last_poll_seconds is not None else ""),
            highlight=False,
        )
        if lease.failures and lease.last_error:
            since = lease.failing_since.isoformat(timespec="seconds") if lease.failing_since else "?"
            out.print(f"  FAILING since {since} ({lease.failures} in a row): {lease.last_error}", highlight=False)
    if check and not poll_is_recent(settings, now):
        age = now.last_poll_age_seconds
        raise _fail("no recent poll: " + ("never polled" if age is None else f"last one {age:.0f} s ago"), 1)


def _size(count: int) -> str:
    """Bytes as people read them (1.2 MiB)."""
    amount = float(count)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if amount < 1024 or unit == "GiB":
            return f"{count} bytes" if unit == "bytes" else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{count} bytes"


def _retention_lines(settings: Settings, events: list[Event]) -> list[str]:
    """Which retention applies to which mail, as the purge reads the configuration."""
    lines = [f"{e.id}: {e.retention.describe()}, from the end of {e.ends.isoformat()} ({e.timezone})" for e in events]
    lines.append(f"mail with no event: {settings.no_event_retention.describe()}, from arrival")
    return lines


def _plan_table(planned: retention.Plan) -> Table:
    t = Table(title=f"Past its retention at {planned.now:%Y-%m-%d %H:%M} UTC", box=box.SIMPLE_HEAD)
    for column in ("event", "kind", "messages", "files", "people", "blobs", "bytes"):
        t.add_column(column, justify="left" if column in ("event", "kind") else "right")
    order = {kind: i for i, kind in enumerate(KINDS)}
    for (event, kind), n in sorted(planned.tallies.items(), key=lambda item: (item[0][0], order[item[0][1]])):
        t.add_row(
            event,
            kind.value,
            str(n.messages),
            str(n.attachments) if kind is Kind.ATTACHMENTS else "—",
            str(n.people) if kind is Kind.DELEGATE_DETAILS else "—",
            "—" if kind is Kind.DELEGATE_DETAILS else str(n.blobs),
            "—" if kind is Kind.DELEGATE_DETAILS else str(n.bytes),
        )
    return t


@app.command("purge")
def purge(
    apply: Annotated[
        bool, typer.Option("--apply", "--yes", "-y", help="Remove it; without this, a dry run that changes nothing.")
    ] = False,
) -> None:
    """Remove raw mail, attachments and delegates' details past their retention (each event's retention table in
    the events file; INTAKE_RETENTION_…_DAYS for mail with no event); a dry run unless --apply. Audited."""
    settings = _settings()
    try:
        events = load_events(settings.config)
    except EventsError as exc:
        raise _fail(f"configuration: INTAKE_CONFIG: {exc}") from None
    engine, archive = _database(settings), Archive(settings.archive_dir)
    for line in _retention_lines(settings, events):
        out.print(f"retention of {line}", highlight=False, soft_wrap=True)
    planned = retention.plan(engine, archive, events, settings.no_event_retention, now=utcnow())
    if planned.tallies:
        out.print(_plan_table(planned))
    if planned.shared:
        out.print(
            f"{planned.shared} blob(s) of this data stay: mail still within its retention has the same bytes",
            highlight=False,
            soft_wrap=True,
        )
    if not apply:
        what = (
            f"would purge {len(planned.due)} message(s) and remove {len(planned.blobs)} blob(s) "
            f"({_size(planned.blob_bytes)})"
            if planned.tallies
            else "nothing is past its retention"
        )
        out.print(f"dry run: {what}; nothing was changed (--apply removes it)", highlight=False, soft_wrap=True)
        return
    try:
        done = retention.apply(engine, archive, planned)
    except IntakeError as exc:
        raise _fail(str(exc), 1) from None
    kinds = ", ".join(f"{kind.value} {done.kinds[kind.value]}" for kind in KINDS if kind.value in done.kinds)
    purged = f"purged {done.messages} message(s) ({kinds})" if done.messages else "purged no message"
    out.print(
        f"{purged}; removed {done.blobs_removed} blob(s) ({_size(done.bytes_removed)}); audited as actor "
        f"{retention.ACTOR}",
        highlight=False,
        soft_wrap=True,
    )
    if done.kept_recent:
        minutes = round(retention.RECENT.total_seconds() / 60)
        out.print(
            f"{done.kept_recent} blob(s) written or stored again in the last {minutes} minutes stay for now (a worker "
            "may be storing mail that has the same bytes); the next run removes them",
            highlight=False,
            soft_wrap=True,
        )


db_app = typer.Typer(help="The database's schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema up to the newest migration (what every command does unless
    INTAKE_AUTO_MIGRATE=false)."""
    settings = _settings()
    try:
        engine = open_database(
            settings.effective_database_url, migrate=True, busy_seconds=settings.database_busy_seconds
        )
    except IntakeError as exc:
        raise _fail(str(exc), 1) from None
    out.print(f"schema at revision {schema_revision(engine)} (the newest this version has)", highlight=False)


users_app = typer.Typer(help="Staff accounts of the review UI.", no_args_is_help=True)
app.add_typer(users_app, name="users")


class Role(StrEnum):
    """Roles of the review UI."""

    REVIEWER = "reviewer"
    ADMIN = "admin"


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[Role, typer.Option("--role")] = Role.REVIEWER,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Add (or reset the password of) a staff account."""
    settings = _settings()
    password = sys.stdin.readline().rstrip("\n") if password_stdin else getpass.getpass("Password: ")
    problem = password_problem(password, password)
    if problem:
        raise _fail(problem)
    with Session(_database(settings)) as session:
        users.save(session=session, name=name, password_hash=hash_password(password), role=role.value)
        session.commit()
    out.print(f"user {name} ({role.value}) saved", highlight=False)


@users_app.command("list")
def users_list() -> None:
    """List staff accounts."""
    settings = _settings()
    with Session(_database(settings)) as session:
        for user in users.listing(session=session):
            out.print(f"{user.name}\t{user.role}\t{'disabled' if user.disabled else 'active'}", highlight=False)


@users_app.command("disable")
def users_disable(name: Annotated[str, typer.Argument()]) -> None:
    """Disable an account; its open sessions end at their next request."""
    settings = _settings()
    with Session(_database(settings)) as session:
        if users.disable(session=session, name=name) is None:
            raise _fail(f"no user {name}", 1)
        session.commit()
    out.print(f"user {name} disabled", highlight=False)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
) -> None:
    """Run the staff review UI (needs INTAKE_WEB_SECRET)."""
    import uvicorn

    from service.web.app import create_app

    settings = _settings()
    events = list(_knowledge(settings).events)
    try:
        web = create_app(settings, _database(settings), Archive(settings.archive_dir), events)
    except ValueError as exc:
        raise _fail(f"configuration: {exc}") from None
    uvicorn.run(web, host=host, port=port, log_level="warning", proxy_headers=False)


def main() -> None:
    """Entry point."""
    app()
