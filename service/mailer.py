"""Sends the outbox over SMTP: one row at a time, claimed, sent, marked — at most once.

A row is claimed (``pending`` → ``sending``, with a lease) and committed *before* the SMTP transaction,
and marked ``sent`` right after the server's final 250. Two windows cannot be closed: a crash between that
250 and the commit of ``sent`` (the row is then found still ``sending`` with its lease expired), and a
server that took the whole message but whose answer never came (a timeout, a dropped connection after the
final dot). Such a row is **not** sent again (that could be a duplicate); it is marked ``uncertain`` for
staff, who can see the reference and resend by hand. Everything else — a crash before the end of DATA, a
4xx, a server that cannot be reached or answers too slowly before the message was handed over — leaves the
row ``pending`` for a retry with exponential backoff (``failed`` after ``INTAKE_ACK_MAX_ATTEMPTS``); a 5xx
marks it ``failed`` with the server's answer.

Logs: one line per pass and per kind of trouble (the server unreachable, answers deferred, answers refused,
rows found uncertain), saying what happened and what to do; the per-row details are at INFO (the row in
hand) or DEBUG (rows deferred together because the server could not be reached).
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, update
from sqlmodel import Session, select

from config.settings import Security, Settings
from service.faults import Fault
from service.models import Acknowledgment, utcnow

log = logging.getLogger("intake.mailer")
OUTBOX = "`frontier-intake outbox --status {}`"


@dataclass
class SendReport:
    """What one run of the sender did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    uncertain: int = 0
    capped: bool = False
    # what the pass's log lines say: the server's answers to rows deferred (4xx) and refused (5xx), and the
    # reasons of rows out of attempts
    deferred_answers: list[str] = field(default_factory=list, repr=False)
    refused_answers: list[str] = field(default_factory=list, repr=False)
    gave_up: list[str] = field(default_factory=list, repr=False)


class Unconfirmed(Exception):
    """The server was handed the whole message, but its answer never came: it may have been delivered."""


def _connect(settings: Settings) -> smtplib.SMTP:
    """A connection ready for a transaction: connected, greeted, EHLO'd, TLS and login done."""
    host, port = settings.smtp_host or "", settings.effective_smtp_port
    context = ssl.create_default_context()
    if settings.smtp_security is Security.SSL:
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=settings.smtp_timeout_seconds, context=context)
    else:
        client = smtplib.SMTP(host, port, timeout=settings.smtp_timeout_seconds)
    try:
        if settings.smtp_security is Security.STARTTLS:
            client.starttls(context=context)
        client.ehlo_or_helo_if_needed()
        if settings.smtp_user and settings.smtp_password:
            client.login(settings.smtp_user, settings.smtp_password.get_secret_value())
    except BaseException:
        client.close()
        raise
    return client


def _dot_stuffed(data: bytes) -> bytes:
    """The DATA payload: lines starting with a dot doubled, CRLF line ends, the final ``.`` line."""
    data = re.sub(rb"\r\n|\n|\r", b"\r\n", data)
    data = re.sub(rb"(?m)^\.", b"..", data)
    return data + (b"" if data.endswith(b"\r\n") else b"\r\n") + b".\r\n"


def _transmit(client: smtplib.SMTP, sender: str, recipient: str, data: bytes) -> None:
    """One SMTP transaction. Raises :class:`smtplib.SMTPResponseException` for the server's refusal,
    ``OSError`` / :class:`smtplib.SMTPException` while the message cannot have been taken, and
    :class:`Unconfirmed` once the whole message was handed over but no answer came."""
    code, answer = client.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, answer, sender)
    code, answer = client.rcpt(recipient)
    if code not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({recipient: (code, answer)})
    code, answer = client.docmd("DATA")
    if code != 354:
        raise smtplib.SMTPDataError(code, answer)
    client.send(_dot_stuffed(data))  # fails before the final dot is out: nothing was delivered
    try:
        code, answer = client.getreply()
    except smtplib.SMTPServerDisconnected as exc:  # a timeout or a dropped connection after the final dot
        raise Unconfirmed(str(exc) or "connection closed") from exc
    if code == 250:
        return
    if not 400 <= code < 600:
        raise Unconfirmed(f"unreadable answer {code} {answer!r}")
    raise smtplib.SMTPDataError(code, answer)


def _reason(exc: BaseException) -> str:
    """The one-line reason of a failed connection or command (never the password: smtplib does not echo it)."""
    if isinstance(exc, smtplib.SMTPResponseException):
        answer = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"{exc.smtp_code} {' '.join(str(answer).split())}".strip()
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _delay(settings: Settings, attempts: int) -> float:
    return min(3600.0, settings.ack_retry_seconds * 2 ** max(0, attempts - 1))


def _expire_leases(engine: Engine, now: datetime) -> int:
    """Rows left ``sending`` by a crash: sent or not, nobody knows — never resend, show staff."""
    with Session(engine) as session:
        result = session.exec(
            update(Acknowledgment)
            .where(Acknowledgment.status == "sending", Acknowledgment.lease_until < now)
            .values(status="uncertain", last_error="worker stopped during the SMTP transaction; check before resending")
        )
        session.commit()
        return result.rowcount or 0


def _due(engine: Engine, now: datetime) -> int:
    with Session(engine) as session:
        return session.exec(
            select(func.count())
            .select_from(Acknowledgment)
            .where(Acknowledgment.status == "pending", Acknowledgment.next_attempt_at <= now)
        ).one()


def _claim(engine: Engine, now: datetime, lease: timedelta, tried: set[int]) -> Acknowledgment | None:
    with Session(engine) as session:
        query = select(Acknowledgment).where(Acknowledgment.status == "pending", Acknowledgment.next_attempt_at <= now)
        if tried:  # a row deferred in this run waits for the next run
            query = query.where(Acknowledgment.id.not_in(tried))
        # PostgreSQL: a row another sender is claiming is skipped, not waited for (SQLite has one writer anyway)
        row = session.exec(query.order_by(Acknowledgment.id).limit(1).with_for_update(skip_locked=True)).first()
        if row is None:
            return None
        claimed = session.exec(
            update(Acknowledgment)
            .where(Acknowledgment.id == row.id, Acknowledgment.status == "pending")
            .values(status="sending", lease_until=now + lease, attempts=Acknowledgment.attempts + 1)
        )
        session.commit()
        if not claimed.rowcount:  # another worker took it
            return None
        session.refresh(row)
        session.expunge(row)
        return row


def _finish(engine: Engine, row_id: int | None, **values: object) -> None:
    with Session(engine) as session:
        session.exec(update(Acknowledgment).where(Acknowledgment.id == row_id).values(**values))
        session.commit()


def _sent_last_hour(engine: Engine, now: datetime) -> int:
    with Session(engine) as session:
        return session.exec(
            select(func.count())
            .select_from(Acknowledgment)
            .where(Acknowledgment.status == "sent", Acknowledgment.sent_at >= now - timedelta(hours=1))
        ).one()


def send_pending(
    engine: Engine,
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utcnow,
    connect: Callable[[Settings], smtplib.SMTP] = _connect,
) -> SendReport:
    """Send every due acknowledgment; retries temporary failures later, never sends a row twice."""
    report = SendReport(uncertain=_expire_leases(engine, clock()))
    if report.uncertain:
        log.warning(
            "acknowledgments uncertain: %d left being sent by a worker that stopped — they may have been "
            "delivered: check the recipient's mail before resending (%s)", report.uncertain, OUTBOX.format("uncertain")
        )  # fmt: skip
    if not _due(engine, clock()):
        return report  # nothing to send: the server is not even asked
    if _capped(engine, settings, clock(), report):
        return report
    tried: set[int] = set()
    trouble: str | None = None
    unconfirmed: list[str] = []
    client: smtplib.SMTP | None = None
    try:
        client = connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        trouble = _reason(exc)
    try:
        while trouble is None and not _capped(engine, settings, clock(), report):
            row = _claim(engine, clock(), timedelta(seconds=settings.ack_lease_seconds), tried)
            if row is None:
                break
            tried.add(row.id or 0)
            try:
                if client is None:  # the server closed the last connection (421): a fresh one
                    client = connect(settings)
            except (OSError, smtplib.SMTPException) as exc:
                trouble = _reason(exc)
                _defer(engine, row, settings, trouble, report, clock(), answered=False)
                break
            try:
                _transmit(
                    client, settings.ack_envelope_from.strip("<>") or "", row.to_address, (row.raw or "").encode()
                )
            except Unconfirmed as exc:
                trouble = f"no answer after the message was handed over ({exc})"
                _finish(engine, row.id, status="uncertain", lease_until=None, last_error=(
                    f"the SMTP server was handed the message but did not answer ({exc}); it may have been "
                    "delivered: check the recipient's mail before resending")[:2000])  # fmt: skip
                report.uncertain += 1
                unconfirmed.append(row.reference or f"#{row.id}")
                log.info("acknowledgment uncertain", extra={"reference": row.reference, "answer": str(exc)[:200]})
                client = _drop(client)
            except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as exc:
                client = _answered(engine, row, settings, exc, report, clock(), client)
            except (OSError, smtplib.SMTPException) as exc:  # before the message was handed over
                trouble = _reason(exc)
                _defer(engine, row, settings, trouble, report, clock(), answered=False)
                client = _drop(client)
            else:
                _finish(engine, row.id, status="sent", sent_at=clock(), lease_until=None, last_error=None)
                report.sent += 1
                log.info("acknowledgment sent", extra={"reference": row.reference, "to": row.to_address})
    finally:
        if client is not None:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()
    if trouble is not None:
        _not_sent(engine, settings, trouble, report, clock(), tried, unconfirmed)
    _log_answers(report, settings, gave_up_said=trouble is not None)
    return report


def _capped(engine: Engine, settings: Settings, now: datetime, report: SendReport) -> bool:
    if _sent_last_hour(engine, now) < settings.ack_hourly_cap:
        return False
    if not report.capped:
        log.warning("hourly acknowledgment cap reached; the rest waits", extra={"cap": settings.ack_hourly_cap})
    report.capped = True
    return True


def _drop(client: smtplib.SMTP | None) -> smtplib.SMTP | None:
    """Close a connection that is suspect (it failed, or the server closed it)."""
    if client is not None:
        client.close()
    return None


def _answered(
    engine: Engine,
    row: Acknowledgment,
    settings: Settings,
    exc: smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused,
    report: SendReport,
    now: datetime,
    client: smtplib.SMTP,
) -> smtplib.SMTP | None:
    """The server refused this row (4xx: later; 5xx: failed); the connection goes on unless it said 421."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, answer = next(iter(exc.recipients.values()))
        reason = _reason(smtplib.SMTPResponseException(code, answer))
    else:
        code, reason = exc.smtp_code, _reason(exc)
    if 500 <= code < 600:
        _finish(engine, row.id, status="failed", last_error=reason[:2000], lease_until=None)
        report.failed += 1
        report.refused_answers.append(reason)
        log.info("acknowledgment failed", extra={"reference": row.reference, "answer": reason[:200]})
    else:
        _defer(engine, row, settings, reason, report, now, answered=True)
    if code == 421:  # the server is closing the connection
        return _drop(client)
    try:
        client.rset()
    except (OSError, smtplib.SMTPException):
        return _drop(client)
    return client


def _defer(
    engine: Engine,
    row: Acknowledgment,
    settings: Settings,
    reason: str,
    report: SendReport,
    now: datetime,
    *,
    answered: bool,
) -> None:
    """A temporary failure of the row in hand: ``pending`` again with backoff, or ``failed`` when out of attempts."""
    if row.attempts >= settings.ack_max_attempts:
        given_up = f"gave up after {row.attempts} attempts: {reason}"
        _finish(engine, row.id, status="failed", last_error=given_up[:2000], lease_until=None)
        report.failed += 1
        report.gave_up.append(given_up)
        log.info("acknowledgment failed", extra={"reference": row.reference, "answer": given_up[:200]})
        return
    delay = _delay(settings, row.attempts)
    _finish(engine, row.id, status="pending", last_error=reason[:2000], lease_until=None,
            next_attempt_at=now + timedelta(seconds=delay))  # fmt: skip
    report.retried += 1
    if answered:
        report.deferred_answers.append(reason)
    log.info("acknowledgment deferred", extra={"reference": row.reference, "answer": reason[:200], "delay": delay})


def _defer_due(
    engine: Engine, settings: Settings, reason: str, now: datetime, tried: set[int], report: SendReport
) -> None:
    """Every other due row, not tried because the server could not be reached: one attempt each, backoff
    (``failed`` when out of attempts). A row another worker claimed meanwhile is left alone."""
    with Session(engine) as session:
        query = select(Acknowledgment).where(Acknowledgment.status == "pending", Acknowledgment.next_attempt_at <= now)
        if tried:
            query = query.where(Acknowledgment.id.not_in(tried))
        for row in session.exec(query.order_by(Acknowledgment.id)).all():
            attempts = row.attempts + 1
            guard = update(Acknowledgment).where(
                Acknowledgment.id == row.id, Acknowledgment.status == "pending", Acknowledgment.attempts == row.attempts
            )
            given_up = f"gave up after {attempts} attempts: {reason}"
            if attempts >= settings.ack_max_attempts:
                values: dict[str, object] = {"status": "failed", "last_error": given_up[:2000]}
            else:
                values = {
                    "last_error": reason[:2000],
                    "next_attempt_at": now + timedelta(seconds=_delay(settings, attempts)),
                }
            if not session.exec(guard.values(attempts=attempts, **values)).rowcount:
                continue
            if values.get("status") == "failed":
                report.failed += 1
                report.gave_up.append(given_up)
            else:
                report.retried += 1
            log.debug("acknowledgment deferred", extra={"reference": row.reference, "status": values.get("status")})
        session.commit()


def _not_sent(
    engine: Engine,
    settings: Settings,
    trouble: str,
    report: SendReport,
    now: datetime,
    tried: set[int],
    unconfirmed: list[str],
) -> None:
    """The server could not be reached or stopped answering: the rest waits, and one line says so."""
    _defer_due(engine, settings, trouble, now, tried, report)
    with Session(engine) as session:
        waiting, soonest = session.exec(
            select(func.count(), func.min(Acknowledgment.next_attempt_at)).where(Acknowledgment.status == "pending")
        ).one()
    server = f"{settings.smtp_host}:{settings.effective_smtp_port}"
    what = f"the SMTP server {server}: {trouble}"
    if unconfirmed:
        what += f"; {', '.join(unconfirmed)} marked uncertain (it may have been delivered: check before resending)"
    what += f"; {waiting} waiting"
    if report.gave_up:
        what += f"; {len(report.gave_up)} out of attempts marked failed (see {OUTBOX.format('failed')})"
    when = f" (next at {soonest:%Y-%m-%d %H:%M:%S} UTC)" if soonest and waiting else ""
    todo = (f"they are retried with backoff{when}, at most INTAKE_ACK_MAX_ATTEMPTS={settings.ack_max_attempts} "
            "times; check the relay and INTAKE_SMTP_HOST/PORT/SECURITY/USER/TIMEOUT_SECONDS if it lasts")  # fmt: skip
    log.error("acknowledgments not sent: %s", Fault("smtp", what, todo).line())


def _log_answers(report: SendReport, settings: Settings, *, gave_up_said: bool) -> None:
    """One line for the rows the server deferred, one for those it refused (or that ran out of attempts,
    unless the line of an unreachable server said so)."""
    if report.deferred_answers:
        log.warning(
            "acknowledgments deferred: %d answered %s (last) — retried with backoff, at most "
            "INTAKE_ACK_MAX_ATTEMPTS=%d times", len(report.deferred_answers), report.deferred_answers[-1],
            settings.ack_max_attempts,
        )  # fmt: skip
    failed = report.refused_answers + ([] if gave_up_said else report.gave_up)
    if failed:
        log.error(
            "acknowledgments failed: %d: %s (last) — not retried: see %s, correct the address or the relay and "
            "resend by hand", len(failed), failed[-1], OUTBOX.format("failed"),
        )  # fmt: skip
