"""The real poller against a real Dovecot: exactly once, new mail, UIDVALIDITY resets, post-actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlmodel import Session, func, select

from service import mailbox
from service.errors import MailboxError
from service.models import AuditEvent, Message, MessageLocation
from service.worker import build_pipeline, poll_pass
from tests.conftest import sample_messages
from tests.support.messages import make_message

pytestmark = pytest.mark.integration
GENEVA_SUMMER = timezone(timedelta(hours=2))


def _count(engine, model=Message) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_every_message_stored_once_then_nothing_then_new_mail(dovecot, imap_settings) -> None:
    samples = sample_messages()
    assert len(samples) >= 30
    base = datetime(2025, 10, 10, 23, 0, tzinfo=GENEVA_SUMMER)
    dovecot.append_many([(raw, base + timedelta(minutes=i)) for i, raw in enumerate(samples)])
    settings = imap_settings(imap_batch_size=7)
    with build_pipeline(settings) as ingestor:
        first = poll_pass(settings, ingestor)
        assert len(first.stored_ids) == len(samples) and first.already_stored == 0
        assert _count(ingestor.engine) == len(samples) == _count(ingestor.engine, MessageLocation)
        with Session(ingestor.engine) as s:
            arrivals = sorted(m.received_at for m in s.exec(select(Message)))
        assert arrivals[0] == base.astimezone(UTC) and arrivals[-1] == (base + timedelta(minutes=len(samples) - 1))

        second = poll_pass(settings, ingestor)
        assert second.stored_ids == [] and second.already_stored == 0  # nothing even fetched again

        dovecot.append(make_message(9001), internaldate=base + timedelta(hours=2))
        dovecot.append(make_message(9002), internaldate=base + timedelta(hours=3))
        third = poll_pass(settings, ingestor)
        assert len(third.stored_ids) == 2
        assert _count(ingestor.engine) == len(samples) + 2

    with dovecot.client() as c:  # BODY.PEEK: nothing was marked as read
        c.select_folder("INBOX", readonly=True)
        flags = c.get_flags(c.search("ALL"))
    assert not any(b"\\Seen" in f for f in flags.values())


def test_uidvalidity_reset_creates_no_duplicates(dovecot, imap_settings) -> None:
    dovecot.create_folder("Submissions")
    raws = [make_message(i) for i in range(12)]
    dovecot.append_many([(r, None) for r in raws], folder="Submissions")
    settings = imap_settings(imap_folder="Submissions")
    with build_pipeline(settings) as ingestor:
        assert len(poll_pass(settings, ingestor).stored_ids) == 12
        old = dovecot.uidvalidity("Submissions")

        dovecot.delete_folder("Submissions")
        dovecot.create_folder("Submissions")
        dovecot.append_many([(r, None) for r in [*raws, make_message(99)]], folder="Submissions")
        assert dovecot.uidvalidity("Submissions") != old

        again = poll_pass(settings, ingestor)
        assert len(again.stored_ids) == 1 and again.already_stored == 12
        assert _count(ingestor.engine) == 13
        with Session(ingestor.engine) as s:
            events = s.exec(select(AuditEvent).where(AuditEvent.action == "uidvalidity_changed")).all()
            assert len(events) == 1 and events[0].detail["old"] == old
            # the new UIDs are recorded against the new UIDVALIDITY, pointing at the old rows
            assert _count(ingestor.engine, MessageLocation) == 12 + 13


def test_reused_message_id_is_stored_and_linked(dovecot, imap_settings) -> None:
    a = make_message(1, message_id="<same@mission.example>", body="First version.")
    b = make_message(2, message_id="<same@mission.example>", body="Corrected list of delegates.")
    dovecot.append_many([(a, None), (b, None), (a, None)])  # the third is byte-identical to the first
    settings = imap_settings()
    with build_pipeline(settings) as ingestor:
        result = poll_pass(settings, ingestor)
        assert len(result.stored_ids) == 2 and result.already_stored == 1
        with Session(ingestor.engine) as s:
            first, second = s.exec(select(Message).order_by(Message.id)).all()
        assert first.duplicate_of_id is None and second.duplicate_of_id == first.id


@pytest.mark.parametrize("action", ["move", "flag"])
def test_post_action_after_storing(dovecot, imap_settings, action: str) -> None:
    dovecot.create_folder("Processed")
    dovecot.append_many([(make_message(i), None) for i in range(5)])
    settings = imap_settings(imap_post_action=action)
    with build_pipeline(settings) as ingestor:
        assert len(poll_pass(settings, ingestor).stored_ids) == 5
    if action == "move":
        assert dovecot.count("INBOX") == 0 and dovecot.count("Processed") == 5
    else:
        with dovecot.client() as c:
            c.select_folder("INBOX", readonly=True)
            assert len(c.search(["KEYWORD", "$FrontierIntake"])) == 5


def test_unfinished_move_is_completed_on_the_next_pass(dovecot, imap_settings) -> None:
    """A crash between the commit and the MOVE leaves stored mail in INBOX; the next pass moves it."""
    dovecot.create_folder("Processed")
    dovecot.append_many([(make_message(i), None) for i in range(4)])
    with build_pipeline(imap_settings()) as ingestor:  # first pass without post-action = the "crash"
        poll_pass(imap_settings(), ingestor)
    settings = imap_settings(imap_post_action="move")
    with build_pipeline(settings) as ingestor:
        assert poll_pass(settings, ingestor).stored_ids == []
    assert dovecot.count("INBOX") == 0 and dovecot.count("Processed") == 4


def test_oversized_message_is_streamed_whole_to_the_archive_and_only_its_header_read(
    dovecot, imap_settings, monkeypatch
) -> None:
    monkeypatch.setattr(mailbox, "PIECE_BYTES", 4096)  # several partial FETCHes for one message
    dovecot.append(make_message(1, size_pad=20_000))
    dovecot.append(make_message(2))
    with dovecot.client() as client:
        client.select_folder("INBOX", readonly=True)
        first = min(client.search("ALL"))
        whole = client.fetch([first], ["BODY.PEEK[]"])[first][b"BODY[]"]
    settings = imap_settings(max_message_bytes=4096)
    with build_pipeline(settings) as ingestor:
        assert len(poll_pass(settings, ingestor).stored_ids) == 2
        with Session(ingestor.engine) as s:
            big, small = s.exec(select(Message).order_by(Message.id)).all()
        stored = ingestor.archive.get(big.sha256)
    assert big.status == "too_large" and "over INTAKE_MAX_MESSAGE_BYTES (4,096)" in (big.error or "")
    assert stored == whole and big.size == len(whole) > 20_000  # nothing lost: the whole message, streamed
    assert big.subject == "Nomination 1" and big.needs_triage and not big.acknowledge
    assert small.status == "parsed"


def test_unreachable_server_is_a_one_line_mailbox_error(make_settings) -> None:
    settings = make_settings(
        imap_host="127.0.0.1",
        imap_port=1,
        imap_user="u",
        imap_password="pw-123",
        imap_security="none",
        imap_connect_attempts=2,
    )
    with build_pipeline(settings) as ingestor, pytest.raises(MailboxError) as info:
        poll_pass(settings, ingestor)
    assert "after 2 attempt(s)" in str(info.value) and "\n" not in str(info.value)


def test_wrong_password_is_not_retried(dovecot, imap_settings) -> None:
    settings = imap_settings(imap_password="wrong-password", imap_connect_attempts=5)
    with build_pipeline(settings) as ingestor, pytest.raises(MailboxError, match=r"login .* refused"):
        poll_pass(settings, ingestor)
