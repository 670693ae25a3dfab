"""Push: wait on IMAP IDLE for new mail and poll at once, so a message is stored and answered within seconds.

The watcher keeps its own connection (no other command may be sent while idling), and only while this worker
holds the mailbox's lease. It re-issues IDLE every ``INTAKE_IMAP_IDLE_RENEW_SECONDS`` (servers drop an IDLE
after 30 minutes, RFC 2177) and reconnects with a growing pause when the connection fails. The periodic poll
stays as the safety net: mail that arrives while the watcher reconnects is found by the next poll.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from config.settings import Settings
from service import metrics
from service.errors import MissingFolderError
from service.mailbox import ImapTarget, close_quietly, connect, reason, select

log = logging.getLogger("intake.idle")
NEW_MAIL = (b"EXISTS", b"RECENT")
CHECK_SECONDS = 1.0  # how often an idling watcher looks at the stop event and the lease


def new_mail(responses: list[tuple]) -> bool:
    """Whether IDLE responses announce mail (``EXISTS`` / ``RECENT``; ``EXPUNGE`` and flag changes do not)."""
    return any(len(r) >= 2 and r[1] in NEW_MAIL for r in responses)


class IdleWatch:
    """The ``idle`` job of ``frontier-intake run``: calls ``on_mail(stop)`` when the folder gets new mail.

    ``leading()`` says whether this worker holds the mailbox's lease; the watcher idles only then. The job runs
    until ``stop`` is set; on a server without IDLE it says so once and leaves the polling to the poll job.
    """

    def __init__(
        self,
        settings: Settings,
        on_mail: Callable[[threading.Event], None],
        leading: Callable[[], bool],
    ) -> None:
        self.settings, self.on_mail, self.leading = settings, on_mail, leading
        self.target = ImapTarget.from_settings(settings)
        self.unsupported = False
        self.woken = 0  # times new mail woke the watcher (for status and tests)

    def __call__(self, stop: threading.Event) -> None:
        pause = 1.0
        while not stop.is_set() and not self.unsupported:
            if not self.leading():
                stop.wait(CHECK_SECONDS)
                continue
            try:
                self._watch(stop)
                pause = 1.0
            except LoginError as exc:
                metrics.IMAP_ERRORS.labels("idle_login").inc()
                pause = min(1800.0, max(60.0, pause * 2))  # as the poll backs off: a setting must change
                log.error("IDLE: IMAP login refused (%s); next attempt in %.0f s", reason(exc), pause)
                stop.wait(pause)
            except MissingFolderError as exc:  # the poll job says what to do; IDLE waits as it does, quietly
                metrics.IMAP_ERRORS.labels("idle_folder").inc()
                pause = min(1800.0, max(60.0, pause * 2))
                log.warning("IDLE: %s; next attempt in %.0f s", exc, pause)
                stop.wait(pause)
            except (OSError, IMAPClientError) as exc:
                metrics.IMAP_ERRORS.labels("idle_connection").inc()
                log.warning("IDLE connection failed (%s); reconnecting in %.0f s", reason(exc), pause)
                stop.wait(pause)
                pause = min(60.0, pause * 2)
            except Exception as exc:  # a poll that failed: the poll job logs its own errors; keep watching
                log.error("IDLE: %s: %s", type(exc).__name__, reason(exc))
                stop.wait(pause)
                pause = min(60.0, pause * 2)

    def _watch(self, stop: threading.Event) -> None:
        """One connection: idle, wake the poller on new mail, idle again, until stop or the lease is gone."""
        client = connect(self.target)
        try:
            if not client.has_capability("IDLE"):
                log.warning("the IMAP server does not offer IDLE; new mail is found by the poll every %d s",
                            self.settings.poll_seconds)  # fmt: skip
                self.unsupported = True
                return
            select(client, self.target, readonly=True)
            log.info("waiting for new mail (IMAP IDLE)", extra={"folder": self.target.folder})
            while not stop.is_set() and self.leading():
                self._idle_once(client, stop)
        finally:
            close_quietly(client)

    def _idle_once(self, client: IMAPClient, stop: threading.Event) -> None:
        """One IDLE command, until the renewal time, the stop event or the lease's loss. The polls run while it
        idles (they use their own connections), so no mail can arrive unseen between two IDLE commands: what
        came before this one is found by the poll made once it is in place, the rest is announced by it."""
        renew = self.settings.imap_idle_renew_seconds
        client.idle()
        started = time.monotonic()
        try:
            self.on_mail(stop)  # what arrived while no IDLE was in place
            while not stop.is_set() and time.monotonic() - started < renew and self.leading():
                if new_mail(client.idle_check(timeout=CHECK_SECONDS)):
                    self.woken += 1
                    metrics.IDLE_WAKEUPS.inc()
                    self.on_mail(stop)
        finally:
            client.idle_done()
