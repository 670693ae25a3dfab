"""What must hold at the parser boundary whatever the bytes, shared by the hypothesis tests and the atheris target.

Each check raises ``AssertionError`` naming what broke; atheris reports that as a crash, hypothesis shrinks it.
"""

from __future__ import annotations

import json
import math
from typing import Any

from handlers.knowledge import Knowledge
from handlers.language import LANGUAGES
from handlers.registry import CATEGORIES
from handlers.triage import Triage, triage
from parsers.message import MessageParseError, parse_message
from parsers.model import ParsedMessage
from service.pipeline import Processed, attachment_text, process_one

DECISION_LANGUAGES = frozenset((*LANGUAGES, "und"))
DEADLINE_STATUSES = frozenset(("on_time", "late", "not_applicable"))


def _strings(value: Any, path: str = "") -> list[tuple[str, str]]:
    """Every string inside ``value`` (keys too), with where it sits."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in (*_strings(k, path), *_strings(v, f"{path}.{k}"))]
    if isinstance(value, list | tuple):
        return [item for i, v in enumerate(value) for item in _strings(v, f"{path}[{i}]")]
    return []


def check_storable(value: Any, what: str) -> None:
    """Every string can be written as UTF-8 (what SQLite and PostgreSQL are given): no lone surrogates."""
    for path, text in _strings(value):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise AssertionError(f"{what}{path} cannot be stored: {exc} in {text[:80]!r}") from None


def check_parsed(parsed: ParsedMessage) -> None:
    """A ParsedMessage that the repository can store and the web can show."""
    assert isinstance(parsed, ParsedMessage), type(parsed)
    dumped = parsed.model_dump(mode="json")
    json.dumps(dumped)
    check_storable(dumped, "parsed")
    for attachment in parsed.attachments:
        assert attachment.size >= 0 and len(attachment.sha256) == 64, attachment
        assert "/" not in attachment.safe_filename, attachment.safe_filename


def parse_or_reject(raw: bytes) -> ParsedMessage | None:
    """``parse_message`` returns a ParsedMessage or raises MessageParseError — nothing else gets out."""
    try:
        parsed = parse_message(raw)
    except MessageParseError as exc:
        assert str(exc), "a MessageParseError says why"
        return None
    check_parsed(parsed)
    return parsed


def check_decision(decision: Triage) -> None:
    """A valid decision: a registry category, 0 ≤ confidence ≤ 1, one of the six languages or und, JSON fields."""
    assert isinstance(decision, Triage), type(decision)
    assert decision.category in CATEGORIES, decision.category
    assert isinstance(decision.confidence, float) and math.isfinite(decision.confidence), decision.confidence
    assert 0.0 <= decision.confidence <= 1.0, decision.confidence
    assert decision.language in DECISION_LANGUAGES, decision.language
    assert decision.deadline_status in DEADLINE_STATUSES, decision.deadline_status
    assert isinstance(decision.fields, dict), type(decision.fields)
    dumped = decision.model_dump(mode="json")
    assert json.loads(json.dumps(dumped, allow_nan=False)) == dumped
    check_storable(dumped, "decision")


def triage_checked(parsed: ParsedMessage, knowledge: Knowledge) -> Triage:
    """``triage`` over a parsed message, its decision checked."""
    decision = triage(parsed, knowledge, attachment_text(parsed))
    check_decision(decision)
    return decision


def check_processed(raw: bytes, knowledge: Knowledge) -> Processed:
    """``process_one`` returns a Processed for any bytes; a parse error is the parser's own MessageParseError and
    triage never fails. When it does, the stage is run again by itself so the real exception surfaces."""
    processed = process_one(raw, None, None, knowledge)
    assert isinstance(processed, Processed), type(processed)
    if processed.error is None:
        assert processed.parsed is not None and processed.decision is not None and processed.search is not None
        check_parsed(processed.parsed)
        check_decision(processed.decision)
        return processed
    if processed.stage == "parse" and not processed.error.startswith("Traceback"):
        return processed  # MessageParseError: the raw bytes are kept with the reason
    parsed = parse_or_reject(raw)  # raises the parser's exception, if that was it
    if parsed is not None:
        triage_checked(parsed, knowledge)  # raises triage's exception
    raise AssertionError(f"process_one failed at {processed.stage} but not when run again:\n{processed.error}")
