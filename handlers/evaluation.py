"""Scoring triage against labels: per-category precision/recall/F1, language, fields, deadlines, robots."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from handlers.learning import scores_of
from handlers.registry import CATEGORIES, ROBOTS
from handlers.triage import Triage


class Label(BaseModel):
    """One line of a labels file."""

    file: str
    category: str
    language: str
    received: str
    deadline_status: str
    should_acknowledge: bool
    fields: dict[str, Any] = {}


def _norm(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).casefold()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[\s.,;:'’\"«»“”()-]+", " ", text).strip()


def _tokens(value: Any) -> set[str]:
    text = _norm(value)
    if re.search(r"[\u4e00-\u9fff]", text):
        return {c for c in text if not c.isspace()}
    return set(text.split())


def field_matches(name: str, expected: Any, got: Any) -> bool:
    """Whether an extracted field is right: exact after normalisation; topics by word overlap."""
    if name == "topic":
        if not expected:
            return not got
        want, have = _tokens(expected), _tokens(got)
        return bool(want) and len(want & have) / len(want) >= 0.5
    if name == "delegates":
        want = {_norm(d.get("email")) for d in expected or []}
        have = {_norm(d.get("email")) for d in got or []}
        return want == have
    if name == "url":
        return _norm(expected).rstrip("/") == _norm(got).rstrip("/")
    return _norm(expected) == _norm(got)


@dataclass
class Report:
    """Everything ``evaluate`` prints."""

    total: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    language_right: int = 0
    deadline_right: int = 0
    deadline_right_when_category_right: int = 0
    fields_checked: Counter[str] = field(default_factory=Counter)
    fields_right: Counter[str] = field(default_factory=Counter)
    robot_acks: list[str] = field(default_factory=list)
    other_acks: list[str] = field(default_factory=list)
    labelled: Counter[str] = field(default_factory=Counter)
    field_mistakes: list[str] = field(default_factory=list)
    deadline_mistakes: list[str] = field(default_factory=list)
    ack_right: int = 0
    needs_triage: int = 0
    mistakes: list[str] = field(default_factory=list)

    def add(self, label: Label, got: Triage) -> None:
        """Score one message."""
        self.total += 1
        self.confusion[(label.category, got.category)] += 1
        self.language_right += label.language == got.language
        self.deadline_right += label.deadline_status == got.deadline_status
        if label.deadline_status != got.deadline_status:
            self.deadline_mistakes.append(f"{label.file}: deadline {label.deadline_status} → {got.deadline_status}")
        self.ack_right += label.should_acknowledge == got.acknowledge
        self.needs_triage += got.needs_triage
        self.labelled[label.category] += 1
        if got.acknowledge and label.category in ROBOTS:
            self.robot_acks.append(label.file)
        if got.acknowledge and label.category == "other":
            self.other_acks.append(label.file)
        if label.category != got.category:
            self.mistakes.append(f"{label.file}: {label.category} → {got.category} ({got.confidence:.2f})")
        if label.category == got.category:
            self.deadline_right_when_category_right += label.deadline_status == got.deadline_status
            for name, expected in label.fields.items():
                self.fields_checked[name] += 1
                right = field_matches(name, expected, got.fields.get(name))
                self.fields_right[name] += right
                if not right:
                    self.field_mistakes.append(f"{label.file}: {name} {expected!r} → {got.fields.get(name)!r}")

    def per_category(self) -> dict[str, tuple[float, float, float, int]]:
        """``{category: (precision, recall, f1, support)}``."""
        return scores_of(self.confusion, CATEGORIES).rows

    def macro_f1(self) -> float:
        """Mean F1 over the categories present in the labels."""
        return scores_of(self.confusion, CATEGORIES).macro_f1

    @property
    def right(self) -> int:
        """Messages whose category is right."""
        return sum(n for (label, got), n in self.confusion.items() if label == got)

    def field_accuracy(self) -> float:
        """Share of labelled fields extracted right (on correctly classified messages)."""
        checked = sum(self.fields_checked.values())
        return sum(self.fields_right.values()) / checked if checked else 0.0
