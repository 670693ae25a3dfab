"""Storing a batch when the database's driver refuses a value of one message (not a database failure): that one
is stored raw and flagged, the others as parsed; when even that cannot be stored, the batch fails cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from config.settings import DEFAULT_EVENTS_FILE
from parsers.message import parse_message
from service.archive import Archive, sha256_hex
from service.db import make_engine, upgrade
from service.errors import StorageError
from service.models import MailboxState, Message
from service.parse_pool import ParsePool, Parsing
from service.pipeline import Batch, Location, Pending, Pipeline, Processed, RawMail
from tests.conftest import fresh_database_url
from tests.support.messages import make_message


def _pipeline(tmp_path: Path, url: str | None = None) -> Pipeline:
    """A pipeline on the suite's database (``TEST_DATABASE``), or on ``url``."""
    engine = make_engine(url or fresh_database_url(tmp_path))
    upgrade(engine)
    pool = ParsePool(events_file=DEFAULT_EVENTS_FILE, model_file=None, workers=1)
    return Pipeline(engine, Archive(tmp_path / "archive"), events=[], parsers=pool)


def _pending(mails: list[RawMail], processed: list[Processed]) -> Pending:
    digests = [sha256_hex(m.raw) for m in mails]
    location = Location("user@imap.example:143", "INBOX", uidvalidity=7, last_uid=len(mails))
    return Pending(
        Batch(mails, location, total=len(mails)),
        "imap",
        digests,
        dict(zip(digests, mails, strict=True)),
        Parsing(done=processed),
    )


def _mail(n: int, origin: str | None = None) -> tuple[RawMail, Processed]:
    raw = make_message(n)
    parsed = parse_message(raw)
    if n == 2:  # what a parser bug on hostile input could hand over: text no driver can encode
        parsed = parsed.model_copy(update={"subject": "Nomination \ud800"})
    return RawMail(raw, origin or f"imap://user/INBOX;UID={n}", uid=n), Processed(sha256_hex(raw), parsed=parsed)


def test_a_message_the_driver_refuses_is_stored_raw_and_flagged_and_the_rest_as_parsed(tmp_path: Path) -> None:
    pipeline = _pipeline(tmp_path)
    mails, processed = zip(*(_mail(n) for n in (1, 2, 3)), strict=True)
    result = pipeline.store(_pending(list(mails), list(processed)))
    assert len(result.stored_ids) == 3 and result.parse_errors == 1
    with Session(pipeline.engine) as session:
        rows = {m.origin.rsplit("=", 1)[1]: m for m in session.exec(select(Message))}
        state = session.exec(select(MailboxState)).one()
    assert rows["1"].status == rows["3"].status == "parsed" and rows["1"].subject == "Nomination 1"
    assert rows["2"].status == "parse_error" and rows["2"].subject == "" and not rows["2"].acknowledge
    assert rows["2"].error.startswith("stored raw: the parsed message cannot be stored (UnicodeEncodeError")
    assert state.last_uid == 3  # the mailbox moves on: the same message cannot stop every later pass


def test_a_batch_that_cannot_be_stored_even_raw_fails_cleanly_and_stores_nothing(tmp_path: Path) -> None:
    pipeline = _pipeline(tmp_path)
    good, bad = _mail(1), _mail(2, origin="imap://user/INBOX;UID=\udc80")  # the raw row itself is refused
    with pytest.raises(StorageError, match=r"cannot store a batch of 2 message\(s\): 'utf-8' codec"):
        pipeline.store(_pending([good[0], bad[0]], [good[1], bad[1]]))
    with Session(pipeline.engine) as session:
        assert session.exec(select(Message)).all() == []
        assert session.exec(select(MailboxState)).all() == []  # not marked seen: fetched again next pass


def test_a_locked_database_fails_the_batch_at_once_with_the_drivers_reason(tmp_path: Path) -> None:
    pipeline = _pipeline(tmp_path, f"sqlite:///{tmp_path / 'intake.db'}")  # SQLite's own write lock
    pipeline.engine = make_engine(f"sqlite:///{tmp_path / 'intake.db'}", busy_seconds=0.1)
    mail, processed = _mail(1)
    with make_engine(f"sqlite:///{tmp_path / 'intake.db'}").connect() as other:
        other.exec_driver_sql("BEGIN EXCLUSIVE")
        with pytest.raises(StorageError, match=r"^database locked: another process held .*intake\.db longer than"):
            pipeline.store(_pending([mail], [processed]))
    with Session(pipeline.engine) as session:
        assert session.exec(select(Message)).all() == []
