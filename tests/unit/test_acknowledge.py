"""Acknowledgments, pure: who may be answered, and what the reply looks like in six languages."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest

from config.ack_templates import template_environment
from config.events import load_events
from handlers.acknowledge import LANGUAGES, recipient_of, reference_for, render_ack, reply_refused
from handlers.triage import triage
from parsers.message import parse_message
from service.outbox import TEMPLATES
from tests.unit.test_triage import EVENTS, KNOWLEDGE, REPO

GENUINE = (
    b"From: Ana Rojas <ana.rojas@mission-chile.example>\r\nTo: frontier.tech@wipo.int\r\n"
    b"Subject: Nomination\r\nMessage-ID: <n1@mission-chile.example>\r\n"
    b"References: <a@x.example> <b@x.example>\r\nDate: Thu, 09 Oct 2025 10:00:00 +0200\r\n\r\n"
    b"The Permanent Mission of Chile has the honour to nominate Ms. Ana Rojas (ana.rojas@mission-chile.example)"
    b" as delegate to the 12th session, who will attend in person.\r\n"
)
ARRIVED = datetime(2025, 10, 9, 8, 5, tzinfo=UTC)


def _render(parsed, decision, reference: str = "FT12-NM-0001", message_id: str = "<ack.1@wipo.int>"):
    return render_ack(
        env=template_environment(TEMPLATES),
        parsed=parsed,
        decision=decision,
        event=EVENTS[0],
        reference=reference,
        from_address="frontier.tech@wipo.int",
        from_name="WIPO",
        message_id=message_id,
        now=ARRIVED,
    )


def _decide(raw: bytes):
    parsed = parse_message(raw, internaldate=ARRIVED)
    return parsed, triage(parsed, KNOWLEDGE)


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        (b"Auto-Submitted: auto-replied\r\n", "Auto-Submitted"),
        (b"Precedence: bulk\r\n", "Precedence"),
        (b"List-Id: <announce.example>\r\n", "list-id"),
        (b"List-Unsubscribe: <mailto:u@x.example>\r\n", "list-unsubscribe"),
        (b"Return-Path: <>\r\n", "empty Return-Path"),
        (b"X-Auto-Response-Suppress: OOF, AutoReply\r\n", "X-Auto-Response-Suppress"),
        (b"X-Autoreply: yes\r\n", "x-autoreply"),
        (b"X-Loop: frontier\r\n", "x-loop"),
        (b"X-Frontier-Intake-Loop: other@instance.example\r\n", "x-frontier-intake-loop"),
        (b"Authentication-Results: mx.wipo.example; spf=pass; dmarc=fail header.from=x\r\n", "dmarc=fail"),
    ],
)
def test_robot_markers_refuse_the_reply(extra: bytes, reason: str) -> None:
    parsed, decision = _decide(extra + GENUINE)
    decision = decision.model_copy(update={"acknowledge": True})  # whatever triage said, the headers decide
    refused = reply_refused(parsed, decision, own_address="frontier.tech@wipo.int")
    assert refused is not None and reason.lower() in refused.lower()


@pytest.mark.parametrize(
    "sender",
    [
        b"MAILER-DAEMON@mx.example",
        b"postmaster@mx.example",
        b"no-reply@service.example",
        b"noreply@service.example",
        b"frontier.tech@wipo.int",
        b"list-bounces@lists.example",
    ],
)
def test_robot_and_own_senders_are_refused(sender: bytes) -> None:
    parsed, decision = _decide(GENUINE.replace(b"ana.rojas@mission-chile.example>", sender + b">", 1))
    decision = decision.model_copy(update={"acknowledge": True})
    assert reply_refused(parsed, decision, own_address="frontier.tech@wipo.int") is not None


def test_genuine_nomination_is_answered_in_thread() -> None:
    parsed, decision = _decide(GENUINE)
    assert decision.category == "nomination" and decision.acknowledge
    assert reply_refused(parsed, decision, own_address="frontier.tech@wipo.int") is None
    ack = render_ack(
        env=template_environment(TEMPLATES),
        parsed=parsed,
        decision=decision,
        event=EVENTS[0],
        reference=reference_for(EVENTS[0], "nomination", 42),
        from_address="frontier.tech@wipo.int",
        from_name="WIPO Frontier Technologies",
        message_id="<ack.1@wipo.int>",
        now=datetime(2025, 10, 9, 8, 6, tzinfo=UTC),
    )
    assert ack["In-Reply-To"] == "<n1@mission-chile.example>"
    assert ack["References"] == "<a@x.example> <b@x.example> <n1@mission-chile.example>"
    assert ack["To"] == "ana.rojas@mission-chile.example" and ack["Subject"] == "Re: Nomination"
    assert (ack["Auto-Submitted"], ack["X-Auto-Response-Suppress"], ack["Precedence"]) == (
        "auto-replied",
        "All",
        "bulk",
    )
    text = ack.get_body(("plain",)).get_content()
    assert "FT12-NM-0042" in text and "ana.rojas@mission-chile.example" in text


def test_reply_to_is_preferred_and_injection_is_impossible() -> None:
    hostile = GENUINE.replace(
        b"Subject: Nomination\r\n",
        b"Subject: =?utf-8?q?Nomination=0D=0ABcc:_victim@evil.example?=\r\n"
        b"Reply-To: secretariat@mission-chile.example\r\n",
    ).replace(b"Ana Rojas <", b"=?utf-8?q?Ana=0D=0ABcc:_x@evil.example?= <")
    parsed, decision = _decide(hostile)
    assert recipient_of(parsed) == "secretariat@mission-chile.example"
    ack = render_ack(
        env=template_environment(TEMPLATES),
        parsed=parsed,
        decision=decision,
        event=EVENTS[0],
        reference="FT12-NM-0001",
        from_address="frontier.tech@wipo.int",
        from_name="WIPO",
        message_id="<ack.2@wipo.int>",
        now=ARRIVED,
    )
    wire = ack.as_bytes()
    reparsed = message_from_bytes(wire, policy=policy.default)
    assert reparsed["Bcc"] is None and b"\r\nBcc:" not in wire
    assert reparsed["To"] == "secretariat@mission-chile.example"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_renders_text_and_html(language: str) -> None:
    parsed, decision = _decide(GENUINE)
    decision = decision.model_copy(update={"language": language, "deadline_status": "late"})
    ack = render_ack(
        env=template_environment(TEMPLATES),
        parsed=parsed,
        decision=decision,
        event=EVENTS[0],
        reference="FT12-NM-0007",
        from_address="frontier.tech@wipo.int",
        from_name="WIPO",
        message_id="<ack.3@wipo.int>",
        now=ARRIVED,
    )
    assert ack["Content-Language"] == language
    text = ack.get_body(("plain",)).get_content()
    html = ack.get_body(("html",)).get_content()
    assert "FT12-NM-0007" in text and "FT12-NM-0007" in html and "None" not in text
    assert ('dir="rtl"' in html) == (language == "ar")
    assert "2025" in text  # the arrival date, localised


def test_sender_name_cannot_run_script_in_the_html_part() -> None:
    parsed, decision = _decide(GENUINE.replace(b"Ana Rojas <", b'"<script>alert(1)</script>" <'))
    ack = render_ack(
        env=template_environment(TEMPLATES),
        parsed=parsed,
        decision=decision,
        event=EVENTS[0],
        reference="FT12-NM-0008",
        from_address="frontier.tech@wipo.int",
        from_name="WIPO",
        message_id="<ack.4@wipo.int>",
        now=ARRIVED,
    )
    assert "<script>" not in ack.get_body(("html",)).get_content()


def test_events_file_names_the_event_in_six_languages() -> None:
    event = load_events(REPO / "config" / "events.toml")[0]
    assert set(event.names) == set(LANGUAGES)
