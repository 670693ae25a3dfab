"""Pure helpers of the message page: the sender's date, the HTML frame's document, the acknowledgment's text."""

from email.message import EmailMessage

import pytest

from service.web.display import ack_text, frame_doc, senders_date


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("2025-10-07T13:51:29+03:00", "2025-10-07 13:51 UTC+03:00"),
        ("2025-10-07T13:51:29-07:00", "2025-10-07 13:51 UTC-07:00"),
        ("2025-10-07T13:51:29+05:30", "2025-10-07 13:51 UTC+05:30"),
        ("2025-10-07T13:51:29+00:00", "2025-10-07 13:51 UTC"),
        ("2025-10-07T13:51:29", "2025-10-07 13:51"),  # no zone given: none invented
        (None, "—"),
        ("not a date", "not a date"),
    ],
)
def test_the_senders_date_keeps_their_own_offset(stored: str | None, shown: str) -> None:
    assert senders_date(stored) == shown


def test_the_html_frame_reads_right_to_left_for_arabic_only() -> None:
    assert '<html dir="rtl">' in frame_doc("<p>نص</p>", "ar") and "<p>نص</p>" in frame_doc("<p>نص</p>", "ar")
    assert '<html dir="auto">' in frame_doc("<p>text</p>", "en") and '<html dir="auto">' in frame_doc("", None)


def test_the_acknowledgment_shows_the_text_the_sender_reads() -> None:
    ack = EmailMessage()
    ack["Subject"] = "Re: nomination"
    ack.set_content("Nous accusons réception — référence FT12-NM-0042.")
    ack.add_alternative("<p>Nous accusons réception</p>", subtype="html")
    assert ack_text(ack.as_string()).strip() == "Nous accusons réception — référence FT12-NM-0042."
    assert ack_text(None) == "" and ack_text("") == ""
