"""parse_message over hand-made messages: headers, bodies, attachments, dates, failures."""

import base64
from datetime import UTC, datetime, timedelta, timezone

import pytest

from parsers.message import MessageParseError, parse_message


def test_headers_addresses_and_rfc2047() -> None:
    raw = (
        b"From: =?utf-8?b?0JjQstCw0L0g0J/QtdGC0YDQvtCy?= <Ivan.Petrov@Mission-RU.example>\r\n"
        b"Reply-To: secretariat@mission-ru.example\r\n"
        b'To: frontier.tech@wipo.int, "Other, Person" <other@example.org>\r\n'
        b"Cc: cc@example.org\r\n"
        b"Subject: =?koi8-r?b?" + base64.b64encode("Заявка на выступление".encode("koi8-r")) + b"?=\r\n"
        b"Date: Fri, 10 Oct 2025 23:30:00 +0200\r\n"
        b"Message-ID: <abc@mission-ru.example>\r\n"
        b"Auto-Submitted: no\r\n"
        b"List-Id: <x.example>\r\n"
        b"\r\nbody\r\n"
    )
    p = parse_message(raw)
    assert p.sender is not None
    assert (p.sender.name, p.sender.address) == ("Иван Петров", "ivan.petrov@mission-ru.example")
    assert [a.address for a in p.reply_to] == ["secretariat@mission-ru.example"]
    assert [a.address for a in p.to] == ["frontier.tech@wipo.int", "other@example.org"]
    assert p.to[1].name == "Other, Person"
    assert p.subject == "Заявка на выступление"
    assert p.message_id == "<abc@mission-ru.example>"
    assert p.date == datetime(2025, 10, 10, 23, 30, tzinfo=timezone(timedelta(hours=2)))
    assert p.headers["auto-submitted"] == ["no"]
    assert p.headers["list-id"] == ["<x.example>"]
    assert p.text.strip() == "body"


def test_raw_8bit_subject_is_recovered() -> None:
    raw = (
        b"From: a@example.org\r\nSubject: " + "Делегация".encode("cp1251") + b"\r\n"
        b"Content-Type: text/plain; charset=windows-1251\r\n\r\n" + "Текст письма".encode("cp1251")
    )
    p = parse_message(raw)
    assert p.subject == "Делегация"
    assert p.text == "Текст письма"


def test_received_at_prefers_internaldate_then_received_then_date() -> None:
    base = (
        b"Received: from a by mx.example; Sat, 11 Oct 2025 00:05:00 +0200\r\n"
        b"Received: from b by relay.example; Fri, 10 Oct 2025 21:00:00 +0000\r\n"
        b"Date: Fri, 10 Oct 2025 20:00:00 +0000\r\nFrom: x@example.org\r\n\r\nhi\r\n"
    )
    assert parse_message(base).received_at == datetime(2025, 10, 10, 22, 5, tzinfo=UTC)
    internal = datetime(2025, 10, 10, 23, 59, tzinfo=timezone(timedelta(hours=2)))
    assert parse_message(base, internaldate=internal).received_at == datetime(2025, 10, 10, 21, 59, tzinfo=UTC)
    no_received = b"Date: Fri, 10 Oct 2025 20:00:00 +0300\r\nFrom: x@example.org\r\n\r\nhi\r\n"
    assert parse_message(no_received).received_at == datetime(2025, 10, 10, 17, 0, tzinfo=UTC)


def test_html_only_body_becomes_text_and_html_is_kept() -> None:
    raw = (
        b"From: x@example.org\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<html><head><style>p{color:red}</style><script>alert(1)</script></head>"
        b"<body><p>Dear colleagues,</p><p>We nominate <b>Ms. Ana</b>.</p></body></html>"
    )
    p = parse_message(raw)
    assert p.text == "Dear colleagues,\n\nWe nominate Ms. Ana."
    assert p.html is not None and "<script>" in p.html  # kept as received; sanitised only for display


def test_attachment_rfc2231_name_and_bytes() -> None:
    pdf = b"%PDF-1.4 tiny"
    raw = (
        b"From: x@example.org\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee attached.\r\n"
        b"--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        b"Content-Disposition: attachment; filename*=UTF-8''%D0%9D%D0%BE%D1%82%D0%B0.pdf\r\n\r\n"
        + base64.b64encode(pdf)
        + b"\r\n--b--\r\n"
    )
    p = parse_message(raw)
    assert p.text.strip() == "See attached."
    [a] = p.attachments
    assert (a.filename, a.content_type, a.size, a.payload) == ("Нота.pdf", "application/pdf", len(pdf), pdf)
    assert "payload" not in a.model_dump()


def test_hostile_attachment_name_cannot_escape() -> None:
    raw = (
        b"From: x@example.org\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
        b"Content-Type: application/octet-stream\r\n"
        b'Content-Disposition: attachment; filename="../../etc/passwd"\r\n\r\nxx\r\n--b--\r\n'
    )
    [a] = parse_message(raw).attachments
    assert "/" not in a.safe_filename and ".." not in a.safe_filename


def test_forwarded_message_and_dsn_are_kept_apart() -> None:
    raw = (
        b"From: MAILER-DAEMON@mx.example\r\nReturn-Path: <>\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\r\n\r\n'
        b"--r\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n"
        b"--r\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; nobody@example.org\r\n"
        b"Action: failed\r\nStatus: 5.1.1\r\n"
        b"--r\r\nContent-Type: message/rfc822\r\n\r\n"
        b"From: frontier.tech@wipo.int\r\nSubject: Original\r\n\r\nOriginal body\r\n--r--\r\n"
    )
    p = parse_message(raw)
    assert p.content_type == "multipart/report; report-type=delivery-status"
    assert p.text.strip() == "Delivery failed."
    assert p.delivery_status is not None and "Status: 5.1.1" in p.delivery_status
    assert len(p.forwarded) == 1 and "Original body" in p.forwarded[0]
    assert p.headers["return-path"] == ["<>"]


@pytest.mark.parametrize("raw", [b"", b"\r\n", b"   "])
def test_empty_input_is_a_parse_error(raw: bytes) -> None:
    with pytest.raises(MessageParseError, match="empty"):
        parse_message(raw)


def test_deep_nesting_is_a_parse_error_not_a_crash() -> None:
    depth = 3000
    head = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i) for i in range(depth))
    raw = b"From: x@example.org\r\n" + head + b"Content-Type: text/plain\r\n\r\nx\r\n"
    try:
        parse_message(raw)
    except MessageParseError as exc:
        assert "Recursion" in str(exc)


def test_encoded_word_labelled_with_a_codec_that_is_no_charset() -> None:
    """Found by tests/fuzz (hypothesis): LookupError out of parse_message, so the message became a parse error."""
    raw = b"From: =?base64?B?U29saWNpdHVkIHBhcmEgaW50ZXJ2ZW5pciBlbiBsYSBzZXNpw7Nu?= <x@example.org>\r\n\r\nbody\r\n"
    p = parse_message(raw)
    assert p.sender is not None
    assert (p.sender.name, p.sender.address) == ("Solicitud para intervenir en la sesión", "x@example.org")


def test_charset_label_with_a_nul_byte() -> None:
    """Found by tests/fuzz (atheris): codecs.lookup raised ValueError (embedded null character) out of parse_message."""
    raw = (
        b"From: a@example.org\r\nContent-Type: text/plain; charset=ut\x00f-8\r\nContent-Transfer-Encoding: 8bit\r\n"
        b"\r\nEstimados colegas: Gr\xc3\xa1cias\r\n"
    )
    assert parse_message(raw).text.strip() == "Estimados colegas: Grácias"
    # hypothesis found the same in an encoded word's label
    raw = b"From: a@example.org\r\nSubject: =?utf8\x00?B?Tm9taW5hdGlvbg==?=\r\n\r\nbody\r\n"
    assert parse_message(raw).subject == "Nomination"


def test_utf7_body_with_lone_surrogates_is_storable() -> None:
    """Found by tests/fuzz (atheris): the body's text held lone surrogates, which SQLite and PostgreSQL refuse."""
    raw = b"From: a@example.org\r\nContent-Type: text/html; charset=utf-7\r\n\r\n<p>+2YHYsdmK2YI-</p>\r\n"
    p = parse_message(raw)
    assert p.text == "\ufffd" * 4 and p.html is not None
    p.model_dump_json().encode("utf-8")  # what the repository writes
    assert "charset: text/html: labelled utf-7: unpaired surrogates replaced" in p.defects
