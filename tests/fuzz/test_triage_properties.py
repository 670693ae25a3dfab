"""Property: triage returns a valid decision for any parsed message — a registry category, a confidence in
[0, 1], one of the six languages or und, fields as a JSON object."""

from __future__ import annotations

import pytest
from hypothesis import given

from handlers.knowledge import Knowledge
from parsers.model import ParsedMessage
from tests.fuzz import strategies as mail
from tests.fuzz.conftest import scaled
from tests.fuzz.invariants import parse_or_reject, triage_checked

pytestmark = pytest.mark.fuzz


@given(mail.parsed_messages())
def test_triage_decides_any_parsed_message(knowledge: Knowledge, parsed: ParsedMessage) -> None:
    triage_checked(parsed, knowledge)


@scaled(0.5)
@given(mail.messages())
def test_triage_decides_whatever_the_parser_makes_of_hostile_mail(knowledge: Knowledge, raw: bytes) -> None:
    parsed = parse_or_reject(raw)
    if parsed is not None:
        triage_checked(parsed, knowledge)
