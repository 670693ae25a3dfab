"""Checks one writer's folder of the labelled corpus: labels well formed, files present and parseable, coverage.

Usage: python tests/triage/corpus/check.py tests/triage/corpus/<split>/<writer> [minimum per category × language]
"""

from __future__ import annotations

import email
import email.policy
import json
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

CATEGORIES = (
    "speaker_request",
    "clearinghouse_update",
    "nomination",
    "question",
    "auto_reply",
    "bounce",
    "spam",
    "other",
)
LANGUAGES = ("en", "fr", "es", "ru", "ar", "zh")
STATUSES = ("on_time", "late", "not_applicable")
ACKNOWLEDGED = ("speaker_request", "clearinghouse_update", "nomination", "question")
FIELDS = {
    "speaker_request": {"country_or_org", "speaker_name", "format", "topic"},
    "nomination": {"country_or_org", "delegates", "attendance"},
    "clearinghouse_update": {"country_or_org", "measure_type", "url"},
}
CHOICES = {
    "format": (None, "presentation", "statement"),
    "attendance": (None, "in_person", "remote", "mixed"),
    "measure_type": ("examination_procedure", "strategy", "regulation", "guideline", "law", "other"),
}


def check(folder: Path, minimum: int = 2) -> list[str]:
    problems: list[str] = []
    labels = folder / "labels.jsonl"
    cells: Counter[tuple[str, str]] = Counter()
    seen: set[str] = set()
    for number, line in enumerate(labels.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"labels.jsonl:{number}"
        try:
            label = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: not JSON ({exc})")
            continue
        name = label.get("file", "")
        if name in seen:
            problems.append(f"{where}: {name} labelled twice")
        seen.add(name)
        category, language = label.get("category"), label.get("language")
        if category not in CATEGORIES:
            problems.append(f"{where}: category {category!r}")
        if language not in LANGUAGES:
            problems.append(f"{where}: language {language!r}")
        if label.get("deadline_status") not in STATUSES:
            problems.append(f"{where}: deadline_status {label.get('deadline_status')!r}")
        if (
            category not in ("speaker_request", "clearinghouse_update", "nomination")
            and label.get("deadline_status") != "not_applicable"
        ):
            problems.append(f"{where}: {category} has no deadline: not_applicable")
        if label.get("should_acknowledge") is not (category in ACKNOWLEDGED):
            problems.append(f"{where}: should_acknowledge must be {category in ACKNOWLEDGED} for {category}")
        try:
            received = datetime.fromisoformat(label.get("received", ""))
            if received.tzinfo is None:
                problems.append(f"{where}: received needs a UTC offset")
        except ValueError:
            problems.append(f"{where}: received {label.get('received')!r} is not ISO 8601")
        fields = label.get("fields", {})
        expected = FIELDS.get(category, set())
        if set(fields) - expected:
            problems.append(f"{where}: unexpected fields {sorted(set(fields) - expected)} for {category}")
        for key, allowed in CHOICES.items():
            if key in fields and fields[key] not in allowed:
                problems.append(f"{where}: {key} {fields[key]!r} not one of {allowed}")
        for delegate in fields.get("delegates", []) or []:
            if set(delegate) - {"name", "title", "email"} or not delegate.get("name"):
                problems.append(f"{where}: delegate {delegate!r} needs name (title, email optional)")
        path = folder / name
        if not path.is_file():
            problems.append(f"{where}: {name} missing")
            continue
        raw = path.read_bytes()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        if not message.get("From") or "Subject" not in message:
            problems.append(f"{name}: needs From and Subject headers")
        cells[(category, language)] += 1
    for path in folder.glob("*.eml"):
        if path.name not in seen:
            problems.append(f"{path.name}: not labelled")
    print(f"{len(seen)} messages; per language: {dict(Counter(lang for _, lang in cells.elements()))}")
    thin = [f"{c}/{lang}:{cells[(c, lang)]}" for c in CATEGORIES for lang in LANGUAGES if cells[(c, lang)] < minimum]
    if thin:
        problems.append(f"fewer than {minimum} messages in: " + ", ".join(thin))
    return problems


if __name__ == "__main__":
    found = check(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    print("\n".join(found) or "OK")
    sys.exit(1 if found else 0)
