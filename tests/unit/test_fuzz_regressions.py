"""Inputs the fuzzers found (tests/fuzz/regressions/), replayed on every run: the parser boundary holds for each."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.knowledge import load_knowledge
from handlers.knowledge import Knowledge
from parsers.attachments import extract_text
from tests.fuzz.invariants import check_processed, check_storable, parse_or_reject

REGRESSIONS = Path(__file__).resolve().parents[1] / "fuzz" / "regressions"
MESSAGES = sorted((REGRESSIONS / "message").glob("*"))
ATTACHMENTS = sorted((REGRESSIONS / "attachment").glob("*"))
OFFICE_TYPES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge(Path(__file__).resolve().parents[2] / "config" / "events.toml")


def test_there_are_regressions_to_replay() -> None:
    assert MESSAGES, REGRESSIONS


@pytest.mark.parametrize("path", [*MESSAGES, *ATTACHMENTS], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_found_input_holds_the_invariants(path: Path, knowledge: Knowledge) -> None:
    data = path.read_bytes()
    if path.parent.name == "message":
        parse_or_reject(data)
        check_processed(data, knowledge)
        return
    for content_type in OFFICE_TYPES:
        text, note = extract_text(data, content_type, path.name)
        check_storable([text, note], "attachment text")
