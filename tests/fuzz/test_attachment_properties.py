"""Property: the attachment readers never raise and stay within their limits, whatever the payload and label."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.attachments import DEFAULT_LIMITS, extract_text
from tests.fuzz import strategies as mail
from tests.fuzz.conftest import scaled
from tests.fuzz.invariants import check_storable

pytestmark = pytest.mark.fuzz

LABELS = st.sampled_from((*mail.ATTACHMENT_TYPES, "text/plain; charset=utf-16", "text/html; charset=gb2312"))
NAMES = st.one_of(st.sampled_from(("a.pdf", "a.docx", "a.xlsx", "a.csv", "a.htm", "a", "")), st.text(max_size=20))


@scaled(0.5)
@given(mail.attachment_payloads(), LABELS, NAMES)
def test_extract_text_never_raises(payload: bytes, content_type: str, filename: str) -> None:
    text, note = extract_text(payload, content_type, filename)
    assert isinstance(text, str) and (note is None or isinstance(note, str))
    assert len(text) <= DEFAULT_LIMITS.max_chars
    check_storable([text, note], "attachment text")
