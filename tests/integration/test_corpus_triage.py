"""Triage over the shared corpus of real third-party mail: no crash, and every real DSN is a bounce."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from config.knowledge import load_knowledge
from handlers.triage import triage
from parsers.message import MessageParseError, parse_message
from service.pipeline import attachment_text
from tests.conftest import REPO

pytestmark = pytest.mark.integration


def test_every_corpus_message_triages_and_real_dsns_are_bounces(corpus: Path) -> None:
    knowledge = load_knowledge(REPO / "config" / "events.toml")
    files = sorted(f for d in corpus.iterdir() if d.is_dir() for f in d.rglob("*") if f.is_file())
    categories: Counter[str] = Counter()
    dsn_not_bounce: list[str] = []
    dsns = 0
    for path in files:
        try:
            parsed = parse_message(path.read_bytes())
        except MessageParseError:
            continue
        decision = triage(parsed, knowledge, attachment_text(parsed))
        categories[decision.category] += 1
        if "report-type=delivery-status" in parsed.content_type.lower():
            dsns += 1
            if decision.category != "bounce":
                dsn_not_bounce.append(f"{Path(path).relative_to(corpus)}: {decision.category}")
    assert dsns > 100
    assert dsn_not_bounce == []
    assert sum(categories.values()) > 1000
