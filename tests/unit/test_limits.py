"""Limits on a whole message: found on the raw bytes, named for the operator; only the header is read past them."""

from __future__ import annotations

import pytest

from config.knowledge import DEFAULT_MODEL, load_knowledge
from config.settings import load_settings
from parsers.limits import MessageLimits, header_block, over_limit
from service.archive import Archive
from service.pipeline import process_one

HEAD = b"From: A Sender <a@sender.example>\r\nTo: frontier.tech@wipo.int\r\nSubject: Nomination\r\n"


def _multipart(parts: int, depth: int = 1) -> bytes:
    opening = b"".join(b'Content-Type: multipart/mixed; boundary="d%d"\r\n\r\n--d%d\r\n' % (n, n) for n in range(depth))
    body = b"".join(b"Content-Type: text/plain\r\n\r\nPart %d\r\n--d%d\r\n" % (n, depth - 1) for n in range(parts))
    return HEAD + opening + body + b"Content-Type: text/plain\r\n\r\nlast\r\n--d%d--\r\n" % (depth - 1)


def test_ordinary_mail_keeps_to_every_limit() -> None:
    assert over_limit(HEAD + b"\r\nDear colleagues, our nomination.\r\n-- \r\nA signature\r\n", MessageLimits()) is None
    assert over_limit(_multipart(20, depth=3), MessageLimits()) is None


@pytest.mark.parametrize(
    ("raw", "limits", "named"),
    [
        (HEAD + b"\r\n" + b"x" * 5000, MessageLimits(max_bytes=4096), "over INTAKE_MAX_MESSAGE_BYTES (4,096)"),
        (HEAD + b"X-Many: 1\r\n" * 50 + b"\r\nbody", MessageLimits(max_header_fields=20), "INTAKE_MAX_HEADER_FIELDS"),
        (HEAD + b"X-Long: " + b"y" * 5000 + b"\r\n\r\nbody", MessageLimits(max_header_bytes=1024), "HEADER_BYTES"),
        (_multipart(60), MessageLimits(max_mime_parts=50), "62 MIME boundary lines, over INTAKE_MAX_MIME_PARTS"),
        (_multipart(2, depth=30), MessageLimits(max_multiparts=20), "30 nested multiparts, over INTAKE_MAX_MULTIPARTS"),
    ],
)
def test_each_limit_is_found_and_named(raw: bytes, limits: MessageLimits, named: str) -> None:
    found = over_limit(raw, limits)
    assert found is not None and named in found


def test_the_header_block_ends_at_the_first_blank_line_and_is_bounded() -> None:
    assert header_block(HEAD + b"\r\nbody\r\n\r\nmore") == HEAD.rstrip(b"\r\n") + b"\r\n\r\n"
    assert header_block(b"Subject: x\n\nbody") == b"Subject: x\r\n\r\n"
    assert len(header_block(b"X-Long: " + b"y" * 10_000, limit=1024)) == 1024 + 4


def test_a_message_over_a_limit_is_archived_whole_and_waits_for_a_person(tmp_path) -> None:
    knowledge = load_knowledge(load_settings(data_dir=tmp_path).config, DEFAULT_MODEL)
    raw = _multipart(60)
    archive = Archive(tmp_path / "archive")
    done = process_one(raw, None, archive, knowledge, limits=MessageLimits(max_mime_parts=50))
    assert archive.get(done.sha256) == raw  # nothing lost: the whole message is kept
    assert done.status == "over_limit" and "INTAKE_MAX_MIME_PARTS" in (done.error or "")
    assert done.parsed is not None and done.parsed.subject == "Nomination" and done.parsed.attachments == []
    assert done.decision is not None and done.decision.needs_triage and not done.decision.acknowledge
    assert any("only the header was read" in s for s in done.decision.signals)
    within = process_one(raw, None, archive, knowledge)  # the same message under the default limits: read whole
    assert within.status is None and within.error is None


def _with_text_attachment(size: int) -> bytes:
    body = ("Delegation list " * (size // 16 + 1))[:size].encode()
    return (
        HEAD
        + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee the list.'
        b'\r\n--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="list.txt"\r\n\r\n'
        + body
        + b"\r\n--b--\r\n"
    )


def test_the_attachment_limits_are_the_settings(tmp_path) -> None:
    settings = load_settings(data_dir=tmp_path, max_attachment_chars=1000, max_attachment_bytes=8192)
    knowledge = load_knowledge(settings.config, DEFAULT_MODEL)
    limits = settings.message_limits
    assert (limits.attachments.max_chars, limits.attachments.max_bytes) == (1000, 8192)
    [long] = process_one(_with_text_attachment(5000), None, None, knowledge, limits=limits).parsed.attachments
    assert len(long.text) <= 1000 and "truncated at 1000 characters" in (long.text_note or "")
    [big] = process_one(_with_text_attachment(9000), None, None, knowledge, limits=limits).parsed.attachments
    assert big.text == "" and "8 KB limit" in (big.text_note or "") and big.size > 8192  # kept, not read
    [read] = process_one(_with_text_attachment(9000), None, None, knowledge).parsed.attachments
    assert len(read.text) > 8000  # the defaults read it whole
