"""The IMAP source: new UIDs fetched with BODY.PEEK[] as batches for the pipeline, then the post-action.

State per (account, folder) is the UIDVALIDITY and the highest UID stored; it moves in the same
transaction as the messages (see :mod:`service.pipeline`). When UIDVALIDITY changes the folder is read
again from UID 1 and content addressing (SHA-256 of the raw bytes) keeps it free of duplicates.
"""

from __future__ import annotations

import ast
import contextlib
import logging
import re
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from imapclient import IMAPClient, SocketTimeout
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError
from sqlalchemy import Engine
from sqlmodel import Session

from config.settings import PostAction, Security, Settings
from service import metrics, repository
from service.archive import Archive
from service.db import storage_error
from service.errors import IntakeError, MailboxError, MissingFolderError
from service.pipeline import Batch, Location, RawMail

log = logging.getLogger("intake.imap")
BYTES_REPR = re.compile(r"b'[^'\\]*(?:\\.[^'\\]*)*'|b\"[^\"\\]*(?:\\.[^\"\\]*)*\"", re.S)


@dataclass(frozen=True)
class ImapTarget:
    """Connection facts taken from the settings."""

    host: str
    port: int
    security: Security
    user: str
    password: str | None
    oauth2_token: str | None
    folder: str
    timeout: float

    @property
    def account(self) -> str:
        """Stable name of the account in the mailbox-state table."""
        return f"{self.user}@{self.host}:{self.port}"

    @classmethod
    def from_settings(cls, settings: Settings) -> ImapTarget:
        """Build the target from validated settings (requires ``imap_host``)."""
        assert settings.imap_host and settings.imap_user
        return cls(
            host=settings.imap_host,
            port=settings.effective_imap_port,
            security=settings.imap_security,
            user=settings.imap_user,
            password=settings.imap_password.get_secret_value() if settings.imap_password else None,
            oauth2_token=settings.imap_oauth2_token.get_secret_value() if settings.imap_oauth2_token else None,
            folder=settings.imap_folder,
            timeout=settings.imap_timeout_seconds,
        )


def connect(target: ImapTarget) -> IMAPClient:
    """Open, secure and log in; the caller owns the client (use it as a context manager)."""
    context = ssl.create_default_context()
    timeout = SocketTimeout(connect=15, read=target.timeout)
    client = IMAPClient(
        target.host,
        port=target.port,
        ssl=target.security is Security.SSL,
        ssl_context=context,
        timeout=timeout,
    )
    try:
        client._imap.debug = 0  # imaplib formats every response for a debug log otherwise (80 % of FETCH CPU)
        client.normalise_times = False  # aware INTERNALDATE values
        if target.security is Security.STARTTLS:
            client.starttls(ssl_context=context)
        if target.oauth2_token:
            client.oauth2_login(target.user, target.oauth2_token)
        else:
            client.login(target.user, target.password or "")
    except BaseException:
        close_quietly(client)
        raise
    return client


def select(client: IMAPClient, target: ImapTarget, *, readonly: bool) -> dict:
    """SELECT the target's folder. One the server does not have is a :class:`MissingFolderError` — not a
    connection failure, so not retried; any other failure is raised as it came."""
    try:
        return client.select_folder(target.folder, readonly=readonly)
    except IMAPClientAbortError:
        raise
    except IMAPClientError as exc:
        if "NONEXISTENT" in str(exc) or not client.folder_exists(target.folder):  # RFC 5530's code, else LIST
            raise MissingFolderError(f"IMAP folder {target.folder!r} does not exist on {target.account}") from exc
        raise


def close_quietly(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:
        with contextlib.suppress(Exception):
            client.shutdown()


PIECE_BYTES = 8 * 1024 * 1024  # a large message is fetched this much at a time


def _pieces(client: IMAPClient, uid: int) -> Iterator[bytes]:
    """The message ``uid``, fetched in pieces of :data:`PIECE_BYTES` (a partial ``BODY.PEEK[]<start.length>``)."""
    start = 0
    while True:
        data = client.fetch([uid], [f"BODY.PEEK[]<{start}.{PIECE_BYTES}>"]).get(uid, {})
        piece = next((v for k, v in data.items() if k.startswith(b"BODY[]")), None) or b""
        if piece:
            yield bytes(piece)
        if len(piece) < PIECE_BYTES:
            return
        start += len(piece)


def _chunks(items: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


class ImapSource:
    """One folder of one IMAP account, read as batches of new mail for :meth:`Pipeline.run`.

    Entering connects, selects the folder, reads the stored position (starting over when UIDVALIDITY
    changed) and finishes post-actions an interrupted pass left undone; iterating fetches the new UIDs a
    batch at a time; :meth:`stored` applies the post-action to a committed batch; leaving logs out.
    """

    name = "imap"

    def __init__(self, settings: Settings, engine: Engine, archive: Archive | None = None) -> None:
        self.settings = settings
        self.archive = archive or Archive(settings.archive_dir)
        self.target = ImapTarget.from_settings(settings)
        self.engine = engine
        self._client: IMAPClient | None = None
        self._uids: list[int] = []
        self._uidvalidity = 0

    def __enter__(self) -> ImapSource:
        s, t = self.settings, self.target
        client = connect(t)
        try:
            info = select(client, t, readonly=s.imap_post_action is PostAction.NONE)
            self._uidvalidity = int(info[b"UIDVALIDITY"])
            last_uid = self._position(self._uidvalidity)
            self._reconcile_post_action(client, self._uidvalidity, last_uid)
            self._uids = sorted(u for u in client.search(["UID", f"{last_uid + 1}:*"]) if u > last_uid)
        except BaseException:
            close_quietly(client)
            raise
        self._client = client
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._client is not None:
            close_quietly(self._client)
            self._client = None

    def __iter__(self) -> Iterator[Batch]:
        t, client = self.target, self._client
        assert client is not None, "use the source as a context manager"
        for chunk in _chunks(self._uids, self.settings.imap_batch_size):
            location = Location(t.account, t.folder, self._uidvalidity, last_uid=max(chunk))
            yield Batch(self._fetch(client, chunk), location, total=len(self._uids))

    def stored(self, batch: Batch) -> None:
        """The post-action on a committed batch (none, flag or move)."""
        assert self._client is not None
        self._post_action(self._client, [m.uid for m in batch.mails if m.uid is not None])

    def _position(self, uidvalidity: int) -> int:
        t = self.target
        try:
            with Session(self.engine) as session:
                state = repository.mailbox_state(session=session, account=t.account, folder=t.folder)
                if state is None or state.uidvalidity == uidvalidity:
                    return state.last_uid if state else 0
                old = repository.reset_mailbox(
                    session=session, account=t.account, folder=t.folder, uidvalidity=uidvalidity
                )
                session.commit()
        except Exception as exc:
            raise storage_error(exc, self.engine) from exc
        log.warning("UIDVALIDITY changed; reading the folder again", extra={"old": old, "new": uidvalidity})
        return 0

    def _fetch(self, client: IMAPClient, batch: list[int]) -> list[RawMail]:
        limit = self.settings.max_message_bytes
        sizes = client.fetch(batch, ["RFC822.SIZE"])
        small = [u for u in batch if u in sizes and int(sizes[u].get(b"RFC822.SIZE", 0)) <= limit]
        large = [u for u in batch if u in sizes and u not in small]
        mails: list[RawMail] = []
        if small:
            data = client.fetch(small, ["BODY.PEEK[]", "INTERNALDATE", "FLAGS"])
            for uid in small:
                item = data.get(uid)
                if item is None or b"BODY[]" not in item:
                    continue  # expunged between SEARCH and FETCH
                mails.append(self._raw_mail(uid, item[b"BODY[]"], item.get(b"INTERNALDATE")))
        if large:  # streamed whole to the archive a piece at a time; only the header is read, flagged
            data = client.fetch(large, ["BODY.PEEK[HEADER]", "INTERNALDATE", "RFC822.SIZE"])
            for uid in large:
                item = data.get(uid) or {}
                header = item.get(b"BODY[HEADER]") or b""
                size = int(item.get(b"RFC822.SIZE", 0))
                mail = self._raw_mail(uid, header, item.get(b"INTERNALDATE"))
                digest, stored = self.archive.put_stream(_pieces(client, uid))
                hint = f"too_large (message of {stored:,} bytes, over INTAKE_MAX_MESSAGE_BYTES ({limit:,}))"
                log.warning("message over the size limit: stored whole, only its header read",
                            extra={"uid": uid, "bytes": size})  # fmt: skip
                mails.append(
                    RawMail(mail.raw, mail.origin, mail.internaldate, uid, status_hint=hint, archived=(digest, stored))
                )
        return sorted(mails, key=lambda m: m.uid or 0)

    def _raw_mail(self, uid: int, raw: bytes, internaldate: datetime | None) -> RawMail:
        t = self.target
        if internaldate is not None and internaldate.tzinfo is not None:  # imapclient's FixedOffset won't pickle
            internaldate = internaldate.replace(tzinfo=timezone(internaldate.utcoffset() or timedelta(0)))
        return RawMail(
            raw=bytes(raw),
            origin=f"imap://{t.account}/{t.folder};UID={uid}",
            internaldate=internaldate,
            uid=uid,
        )

    def _post_action(self, client: IMAPClient, uids: list[int]) -> None:
        s = self.settings
        if not uids or s.imap_post_action is PostAction.NONE:
            return
        if s.imap_post_action is PostAction.FLAG:
            client.add_flags(uids, [s.imap_post_flag.encode()], silent=True)
            return
        if client.has_capability("MOVE"):
            client.move(uids, s.imap_move_folder)
        else:
            client.copy(uids, s.imap_move_folder)
            client.add_flags(uids, [rb"\Deleted"], silent=True)
            client.uid_expunge(uids)

    def _reconcile_post_action(self, client: IMAPClient, uidvalidity: int, last_uid: int) -> None:
        """Finish post-actions a crash left undone: stored messages still waiting in the folder."""
        s, t = self.settings, self.target
        if s.imap_post_action is PostAction.NONE or last_uid == 0:
            return
        criteria: list = ["UID", f"1:{last_uid}"]
        if s.imap_post_action is PostAction.FLAG:
            criteria += ["UNKEYWORD", s.imap_post_flag]
        pending = [u for u in client.search(criteria) if u <= last_uid]
        if not pending:
            return
        with Session(self.engine) as session:
            stored = repository.known_uids(
                session=session, account=t.account, folder=t.folder, uidvalidity=uidvalidity, uids=pending
            )
        if stored:
            log.info("finishing post-actions left by an interrupted pass", extra={"count": len(stored)})
            self._post_action(client, sorted(stored))


def reconnecting(run: Callable[[], object], *, settings: Settings, stop: threading.Event | None = None) -> None:
    """Call ``run`` (a pass over an :class:`ImapSource`) and, when the connection fails, again after a pause.

    Exponential backoff (0.5 s, 1 s, 2 s …, at most 30 s), ``INTAKE_IMAP_CONNECT_ATTEMPTS`` in all; each
    attempt resumes from the committed position. A refused login, a missing folder and storage errors are not
    retried.
    """
    target = ImapTarget.from_settings(settings)
    attempts = settings.imap_connect_attempts
    for attempt in range(1, attempts + 1):
        try:
            run()
            return
        except LoginError as exc:
            metrics.IMAP_ERRORS.labels("login").inc()
            raise MailboxError(f"IMAP login to {target.account} refused: {reason(exc)}") from exc
        except MissingFolderError:
            metrics.IMAP_ERRORS.labels("folder").inc()
            raise
        except IntakeError:
            raise
        except (OSError, IMAPClientError) as exc:
            metrics.IMAP_ERRORS.labels("connection").inc()
            if attempt == attempts or (stop is not None and stop.is_set()):
                raise MailboxError(
                    f"IMAP {target.host}:{target.port} failed after {attempt} attempt(s): {reason(exc)}"
                ) from exc
            delay = min(30.0, 0.5 * 2 ** (attempt - 1))
            log.warning(
                "IMAP connection failed; retrying",
                extra={"attempt": attempt, "delay": delay, "error": reason(exc)},
            )
            if stop is not None:
                stop.wait(delay)
            else:
                time.sleep(delay)


def reason(exc: BaseException) -> str:
    """The first line of an exception's message (its type when it has none), at most 300 characters; a server's
    answer carried as bytes, or as their ``repr`` (imapclient's ``LoginError``), is read as text, not ``b'…'``."""
    only = exc.args[0] if len(exc.args) == 1 else None
    if isinstance(only, str) and BYTES_REPR.fullmatch(only):
        with contextlib.suppress(ValueError, SyntaxError):
            only = ast.literal_eval(only)
    text = (only.decode("utf-8", "replace") if isinstance(only, bytes) else str(exc)).strip() or type(exc).__name__
    return text.splitlines()[0][:300]
