"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, recording every delivery, scriptable replies."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Delivery:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


@dataclass
class RecordingHandler:
    """Accepts (250) or answers the scripted codes in ``replies`` first, in order.

    ``delay``: seconds between recording the message and answering the end of DATA (a relay that queued the
    mail but answers late); ``ehlo_delay``: seconds before the answer to EHLO (a server that accepts the
    connection but answers slowly). Both wait without holding up other connections."""

    replies: list[str] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    delay: float = 0.0
    ehlo_delay: float = 0.0
    on_delivery: Callable[[Delivery], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(self, server, session, envelope, hostname, responses) -> list[str]:
        if self.ehlo_delay:
            await asyncio.sleep(self.ehlo_delay)
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            reply = self.replies.pop(0) if self.replies else None
            if reply is None:
                delivery = Delivery(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
                self.deliveries.append(delivery)
        if reply is None and self.on_delivery:
            self.on_delivery(delivery)
        if self.delay:  # queued already: a client that stops waiting has still delivered it
            await asyncio.sleep(self.delay)
        return reply or "250 2.0.0 OK queued"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """Start/stop a recording aiosmtpd controller on a fixed loopback port (restartable on that port).

    ``ssl_context`` makes it speak TLS from the first byte (what ``INTAKE_SMTP_SECURITY=ssl`` expects);
    ``smtp_parameters`` go to aiosmtpd's SMTP (``tls_context`` for STARTTLS, ``authenticator``, …)."""

    def __init__(
        self,
        handler: RecordingHandler | None = None,
        port: int | None = None,
        *,
        ssl_context: ssl.SSLContext | None = None,
        **smtp_parameters: Any,
    ) -> None:
        self.handler = handler or RecordingHandler()
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.ssl_context = ssl_context
        self.smtp_parameters = smtp_parameters
        self._controller: Controller | None = None

    def start(self) -> SmtpServer:
        if self._controller is None:
            self._controller = Controller(
                self.handler,
                hostname=self.host,
                port=self.port,
                enable_SMTPUTF8=True,
                ssl_context=self.ssl_context,
                **self.smtp_parameters,
            )
            self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
