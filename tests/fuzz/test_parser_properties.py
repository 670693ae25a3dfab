"""Property: the parser boundary holds for any bytes — parse_message returns a ParsedMessage or raises
MessageParseError, and process_one always returns a Processed (with triage that never fails)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.knowledge import Knowledge
from tests.fuzz import strategies as mail
from tests.fuzz.conftest import scaled
from tests.fuzz.invariants import check_processed, parse_or_reject

pytestmark = pytest.mark.fuzz


@given(mail.messages())
def test_generated_mime_trees_parse_or_are_rejected(raw: bytes) -> None:
    parse_or_reject(raw)


@given(mail.header_lines().map(b"\r\n".join))
def test_hostile_header_blocks_parse_or_are_rejected(head: bytes) -> None:
    parse_or_reject(head + b"\r\n\r\nbody\r\n")
    parse_or_reject(head)  # no body, not even the blank line


@given(mail.mutated())
def test_damaged_real_mail_parses_or_is_rejected(raw: bytes) -> None:
    parse_or_reject(raw)


@given(st.binary(max_size=4000))
def test_random_bytes_parse_or_are_rejected(raw: bytes) -> None:
    parse_or_reject(raw)


@scaled(0.5)
@given(mail.any_bytes())
def test_process_one_never_raises_and_triage_never_fails(knowledge: Knowledge, raw: bytes) -> None:
    check_processed(raw, knowledge)
