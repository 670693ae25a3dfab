"""Sends the outbox over SMTP: one row at a time, claimed, sent, marked — at most once.

A row is claimed (``pending`` → ``sending``, with a lease) and committed *before* the SMTP transaction,
and marked ``sent`` right after the server's final 250. The one window that cannot be closed is a crash
between that 250 and the commit of ``sent``: the row is then found still ``sending`` with its lease
expired. It is **not** sent again (that could be a duplicate); it is marked ``uncertain`` for staff, who
can see the reference and resend by hand. Everything else — a crash before the SMTP DATA, a 4xx, a
dropped connection — leaves the row ``pending`` for a retry with exponential backoff; a 5xx marks it
``failed`` with the server's answer.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, update
from sqlmodel import Session, select

from config.settings import Security, Settings
from service.models import Acknowledgment, utcnow

log = logging.getLogger("intake.mailer")


@dataclass
class SendReport:
    """What one run of the sender did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    uncertain: int = 0
    capped: bool = False


def _connect(settings: Settings) -> smtplib.SMTP:
    host, port = settings.smtp_host or "", settings.effective_smtp_port
    context = ssl.create_default_context()
    if settings.smtp_security is Security.SSL:
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=settings.smtp_timeout_seconds, context=context)
    else:
        client = smtplib.SMTP(host, port, timeout=settings.smtp_timeout_seconds)
        if settings.smtp_security is Security.STARTTLS:
            client.starttls(context=context)
    if settings.smtp_user and settings.smtp_password:
        client.login(settings.smtp_user, settings.smtp_password.get_secret_value())
    return client


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


def _finish(engine: Engine, row_id: int, **values: object) -> None:
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
    client: smtplib.SMTP | None = None
    tried: set[int] = set()
    try:
        while True:
            now = clock()
            if _sent_last_hour(engine, now) >= settings.ack_hourly_cap:
                log.warning("hourly acknowledgment cap reached; the rest waits", extra={"cap": settings.ack_hourly_cap})
                report.capped = True
                break
            row = _claim(engine, now, timedelta(seconds=settings.ack_lease_seconds), tried)
            if row is None:
                break
            tried.add(row.id or 0)
            try:
                if client is None:
                    client = connect(settings)
                refused = client.sendmail(
                    settings.ack_envelope_from.strip("<>") or "", [row.to_address], (row.raw or "").encode("utf-8")
                )
                if refused:
                    raise smtplib.SMTPRecipientsRefused(refused)
            except smtplib.SMTPRecipientsRefused as exc:
                code, answer = next(iter(exc.recipients.values()))
                client = _after_error(engine, row, settings, code, answer, report, client)
            except smtplib.SMTPResponseException as exc:
                client = _after_error(engine, row, settings, exc.smtp_code, exc.smtp_error, report, client)
            except (OSError, smtplib.SMTPException) as exc:
                client = _after_error(engine, row, settings, None, str(exc).encode(), report, client)
                break  # the server is unreachable: the others wait for the next run
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
    return report


def _after_error(
    engine: Engine,
    row: Acknowledgment,
    settings: Settings,
    code: int | None,
    answer: bytes | str,
    report: SendReport,
    client: smtplib.SMTP | None,
) -> smtplib.SMTP | None:
    text = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)
    reason = f"{code} {text}".strip() if code else text or "connection failed"
    permanent = code is not None and 500 <= code < 600
    if permanent or row.attempts >= settings.ack_max_attempts:
        _finish(engine, row.id, status="failed", last_error=reason[:2000], lease_until=None)
        report.failed += 1
        log.error("acknowledgment failed", extra={"reference": row.reference, "answer": reason[:200]})
    else:
        delay = min(3600.0, settings.ack_retry_seconds * 2 ** (row.attempts - 1))
        _finish(
            engine,
            row.id,
            status="pending",
            last_error=reason[:2000],
            lease_until=None,
            next_attempt_at=utcnow() + timedelta(seconds=delay),
        )
        report.retried += 1
        log.warning(
            "acknowledgment deferred", extra={"reference": row.reference, "answer": reason[:200], "delay": delay}
        )
    if code is None and client is not None:  # the connection is suspect: start a fresh one next time
        client.close()
        return None
    return client
