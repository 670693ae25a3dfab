"""docs/security.md cannot drift: every test it names exists, and every claim in its lists names one."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "security.md"
REFERENCE = re.compile(r"`(tests/[\w./-]+\.py)::(\w+)`")
UNCLAIMED = ("Threat model", "Known gaps")  # sections that describe, not claim


def _claims() -> list[tuple[str, str]]:
    """(section, text) of every list item outside the descriptive sections, continuation lines joined."""
    items: list[tuple[str, str]] = []
    section = ""
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        elif re.match(r"^(- |\d+\. )", line):
            items.append((section, line))
        elif line.startswith("  ") and line.strip() and items:  # a claim's continuation line
            items[-1] = (items[-1][0], items[-1][1] + " " + line.strip())
    return [(s, text) for s, text in items if not s.startswith(UNCLAIMED)]


def test_every_test_the_security_review_names_exists() -> None:
    references = REFERENCE.findall(DOC.read_text(encoding="utf-8"))
    assert len(set(references)) >= 40
    missing = []
    for path, name in sorted(set(references)):
        source = REPO / path
        if not source.is_file() or not re.search(rf"^\s*def {re.escape(name)}\(", source.read_text(), re.MULTILINE):
            missing.append(f"{path}::{name}")
    assert missing == [], missing


def test_every_claim_of_the_security_review_names_its_test() -> None:
    claims = _claims()
    assert len(claims) >= 40
    unproven = [f"{section}: {text[:80]}" for section, text in claims if not REFERENCE.search(text)]
    assert unproven == [], unproven


def test_the_review_keeps_its_sections() -> None:
    headings = re.findall(r"^## (.+)$", DOC.read_text(encoding="utf-8"), re.MULTILINE)
    for needed in ("Threat model", "The mail servers", "Secrets", "Hostile senders", "Staff", "SQL", "pip-audit",
                   "Known gaps", "Weaknesses found"):  # fmt: skip
        assert any(needed in heading for heading in headings), needed
