"""Triage: the labelled set's acceptance figures, plus table tests of the pure pieces."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from config.knowledge import load_knowledge, load_session_words
from handlers.events import Event, build_calendar, deadline_status, match_event, other_session, sessions_named
from handlers.language import detect_language
from handlers.text import split_own_text
from handlers.triage import triage
from parsers.message import parse_message
from service.pipeline import attachment_text
from service.triage_jobs import evaluate

REPO = Path(__file__).resolve().parents[2]
KNOWLEDGE = load_knowledge(REPO / "config" / "events.toml")
EVENTS = KNOWLEDGE.events
LABELLED = REPO / "tests" / "triage" / "labelled"


def test_labelled_set_meets_the_acceptance_figures() -> None:
    report = evaluate(LABELLED, LABELLED / "labels.jsonl", KNOWLEDGE)
    assert report.total >= 200
    assert report.macro_f1() >= 0.95, report.mistakes
    assert report.language_right / report.total >= 0.97
    assert report.deadline_right == report.total
    assert report.robot_acks == []


@pytest.mark.parametrize(
    ("arrived", "expected"),
    [
        ("2025-10-10T21:59:59+00:00", "on_time"),  # 23:59:59 in Geneva (CEST)
        ("2025-10-10T22:00:00+00:00", "late"),  # midnight in Geneva
        ("2025-10-10T23:30:00+02:00", "on_time"),
        ("2025-10-11T00:00:01+02:00", "late"),
        ("2025-10-10T18:30:00-04:00", "late"),  # 18:30 in New York is 00:30 on 11 October in Geneva
    ],
)
def test_deadline_is_the_end_of_the_day_in_geneva(arrived: str, expected: str) -> None:
    event = EVENTS[0]
    assert deadline_status("nomination", datetime.fromisoformat(arrived), event) == expected
    assert deadline_status("question", datetime.fromisoformat(arrived), event) == "not_applicable"


def test_lying_date_header_does_not_move_the_deadline() -> None:
    raw = (
        b"From: a@mission.example\r\nDate: Thu, 09 Oct 2025 10:00:00 +0000\r\nSubject: Delegation\r\n\r\n"
        b"We have the honour to nominate Ms. Ana Rojas (ana.rojas@mission.example) for the 12th session.\r\n"
    )
    parsed = parse_message(raw, internaldate=datetime(2025, 10, 12, 8, 0, tzinfo=UTC))
    decision = triage(parsed, KNOWLEDGE)
    assert decision.category == "nomination" and decision.deadline_status == "late"
    assert decision.fields["delegates"] == [{"name": "Ana Rojas", "title": "Ms.", "email": "ana.rojas@mission.example"}]


def test_next_years_session_is_a_config_change() -> None:
    nxt = Event(
        id="ft13",
        name="13th session",
        session=13,
        circular="C. 9999",
        starts="2026-10-27",
        ends="2026-10-28",
        open_from="2026-09-01",
        deadlines={"speaker_request": "2026-10-09"},
    )
    calendar = build_calendar([*EVENTS, nxt], load_session_words(), [])
    event, signals = match_event("Re: circular C. 9999", datetime(2026, 9, 5, tzinfo=UTC), calendar)
    assert event is nxt and "C. 9999" in signals[0]
    assert deadline_status("speaker_request", datetime(2026, 10, 9, 21, 0, tzinfo=UTC), event) == "on_time"


def test_quoted_circular_does_not_decide() -> None:
    text = (
        "Thank you, well received.\n\nOn Mon, 6 Oct 2025, Secretariat wrote:\n"
        "> Member states are invited to nominate delegates, request to speak and send clearinghouse updates.\n"
    )
    parts = split_own_text(text)
    assert parts.own == "Thank you, well received." and "nominate" in parts.quoted


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("تتشرف البعثة الدائمة بإبلاغكم بأسماء أعضاء الوفد", "ar"),
        ("我团谨提名以下代表出席会议", "zh"),
        ("Постоянное представительство имеет честь сообщить состав делегации", "ru"),
        ("We would like to request the floor in the information session.", "en"),
        ("La Mission permanente a l'honneur de communiquer la composition de sa délégation.", "fr"),
        ("La Misión Permanente tiene el honor de comunicar la composición de su delegación.", "es"),
        ("12345 !!!", "und"),
    ],
)
def test_language_of_the_senders_text(text: str, language: str) -> None:
    assert detect_language(text, KNOWLEDGE.language)[0] == language


def test_auto_reply_by_header_is_noise_and_never_acknowledged() -> None:
    raw = (
        b"From: d@mission.example\r\nAuto-Submitted: auto-replied\r\nSubject: Automatic reply: Nomination\r\n\r\n"
        b"I am out of the office. We nominate nobody.\r\n"
    )
    decision = triage(parse_message(raw), KNOWLEDGE)
    assert decision.category == "auto_reply" and not decision.acknowledge
    assert any("Auto-Submitted" in s for s in decision.signals)


SAMPLE_KINDS = {
    "nomination": "nomination",
    "speaker": "speaker_request",
    "clearinghouse": "clearinghouse_update",
    "question": "question",
    "autoreply": "auto_reply",
    "ticket": "auto_reply",
    "bounce": "bounce",
    "phishing": "spam",
    "newsletter": "spam",
    "thanks": "other",
    "misdirected": "other",
}


@pytest.mark.parametrize(
    "sample", sorted((REPO / "config" / "samples" / "mailbox" / "cur").glob("*.eml")), ids=lambda p: p.name[:3]
)
def test_the_demo_mailbox_is_triaged_as_its_file_names_say(sample: Path) -> None:
    """The mailbox a newcomer's first command shows: each file names what it is (``027-deadline-ontime-en-speaker``
    is a speaker request), so a wrong category there is the first thing anyone would see."""
    words = sample.stem.split("-")
    kind = words[-1] if words[1] == "deadline" else words[1]
    assert kind in SAMPLE_KINDS, f"{sample.name}: name a new sample after its category"
    parsed = parse_message(sample.read_bytes())
    assert triage(parsed, KNOWLEDGE, attachment_text(parsed)).category == SAMPLE_KINDS[kind]


@pytest.mark.parametrize(
    ("text", "sessions"),
    [
        ("We wish to speak at the 13th session of the Conversation.", [13]),
        ("lors de la treizième session du Dialogue", [13]),
        ("en la 13.ª sesión de la Conversación", [13]),
        ("на тринадцатой сессии Диалога", [13]),
        ("في الدورة الثالثة عشرة لمحادثة الويبو", [13]),
        ("للدورة الثانية عشرة", [12]),
        ("出席第十三届会议", [13]),
        ("第13届对话会", [13]),
        ("the twelfth session", [12]),
        ("the deadline of 10 October for the information-exchange session", []),
        ("on the 13th of October we held a session", []),
        ("twelfth and thirteenth of the month", []),
        ("Вопрос по сессии 28 октября", []),  # a date after the word for session, not the 28th session
        ("la session du 28 octobre", []),
        ("la sesión 28 de octubre", []),
        ("the session 28-29 October", []),
        ("会议 28日 上午", []),
        ("на сессии 13 в 2026 году", [13]),
    ],
)
def test_the_session_a_text_names(text: str, sessions: list[int]) -> None:
    assert list(sessions_named(text, KNOWLEDGE.calendar)) == sessions


def test_a_later_session_or_year_is_not_for_the_configured_events() -> None:
    calendar = KNOWLEDGE.calendar  # the 12th session, in 2025
    assert other_session("a speaker for the 13th session", calendar) == "later"
    assert other_session("not this year's twelfth session but the next one in 2026", calendar) == "later"
    assert other_session("as at the 11th session", calendar) == "earlier"
    assert other_session("as at the 11th session, we ask to speak at the 12th session", calendar) is None
    assert other_session("our strategy adopted in 2024", calendar) is None


def test_mail_before_the_call_opens_belongs_to_the_next_event() -> None:
    calendar = load_knowledge(REPO / "config" / "events.toml", model_file=None).calendar
    first = min(calendar.events, key=lambda e: e.opens_at())
    before = first.opens_at().replace(day=1)
    event, signals = match_event("may I present at the conversation in october?", before, calendar)
    assert event is first and "next to open" in signals[0]
    assert deadline_status("speaker_request", before, event) == "on_time"


def test_auto_generated_mail_is_read_for_its_words_and_never_answered() -> None:
    raw = (
        b"From: DocTrack <no-reply@doctrack.example>\r\nTo: frontier.tech@wipo.int\r\n"
        b"Subject: Outgoing correspondence 0412\r\nAuto-Submitted: auto-generated\r\n"
        b"Date: Wed, 01 Oct 2025 09:00:00 +0200\r\nMessage-ID: <d1@doctrack.example>\r\n\r\n"
        b"For the clearinghouse of the WIPO Conversation on Frontier Technologies (circular C. 9284): the national "
        b"artificial intelligence strategy approved on 2 September 2025 is at https://gov.example/ai-strategy.\r\n"
    )
    knowledge = load_knowledge(REPO / "config" / "events.toml", model_file=None)
    decision = triage(parse_message(raw), knowledge)
    assert decision.category == "clearinghouse_update" and not decision.acknowledge
    assert any("RFC 3834" in s for s in decision.signals)
