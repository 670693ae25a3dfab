"""A submission's fields as an HTML form and back: one input per field of its category's contract
(:mod:`handlers.field_rules`), a choice list where the contract has one, a row per delegate plus empty rows to
add more. Pure functions; what comes back is checked by :func:`handlers.field_rules.validate_fields`.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from handlers.clearinghouse_update import MEASURE_TYPES
from handlers.registry import CONTRACTS

DELEGATE_KEYS = ("title", "name", "email")
BLANK_ROWS = 2
LABELS = {
    "country_or_org": "country or organisation",
    "speaker_name": "speaker",
    "measure_type": "kind of measure",
    "url": "link to the measure",
}
_DELEGATE_INPUT = re.compile(r"delegate\.(\d{1,3})\.(title|name|email)")


@dataclass(frozen=True)
class Input:
    """One field of the form: a text box, or a choice list when ``options`` is set."""

    key: str
    label: str
    value: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldForm:
    """The form of one category; ``delegates`` is None for a category that lists none."""

    inputs: list[Input]
    delegates: list[dict[str, str]] | None


def _choices(annotation: Any) -> tuple[str, ...]:
    """The values of a ``Literal`` inside an optional or annotated type; () when there is none."""
    if typing.get_origin(annotation) is Literal:
        return tuple(str(v) for v in typing.get_args(annotation))
    return tuple(c for arg in typing.get_args(annotation) for c in _choices(arg))


def field_form(category: str | None, fields: Mapping[str, Any]) -> FieldForm | None:
    """The form for ``fields`` of a message in ``category``; None when the category has no contract."""
    contract = CONTRACTS.get(category or "")
    if contract is None:
        return None
    inputs = []
    for key, info in contract.model_fields.items():
        if key == "delegates":
            continue
        options = MEASURE_TYPES if key == "measure_type" else _choices(info.annotation)
        value = fields.get(key)
        inputs.append(Input(key, LABELS.get(key, key.replace("_", " ")), "" if value is None else str(value), options))
    delegates = None
    if "delegates" in contract.model_fields:
        listed = [d for d in fields.get("delegates") or [] if isinstance(d, Mapping)]
        delegates = [{k: str(d.get(k) or "") for k in DELEGATE_KEYS} for d in listed]
        delegates += [dict.fromkeys(DELEGATE_KEYS, "") for _ in range(BLANK_ROWS)]
    return FieldForm(inputs, delegates)


def fields_from_form(category: str | None, form: Mapping[str, str]) -> dict[str, Any]:
    """The fields a submitted form describes (not yet checked); a delegate row left empty is dropped."""
    contract = CONTRACTS.get(category or "")
    if contract is None:
        return {}
    data: dict[str, Any] = {key: form.get(f"field.{key}", "") for key in contract.model_fields if key != "delegates"}
    if "delegates" in contract.model_fields:
        rows: dict[int, dict[str, str]] = {}
        for name, value in form.items():
            match = _DELEGATE_INPUT.fullmatch(name)
            if match:
                rows.setdefault(int(match[1]), dict.fromkeys(DELEGATE_KEYS, ""))[match[2]] = str(value)
        data["delegates"] = [rows[i] for i in sorted(rows) if any(v.strip() for v in rows[i].values())]
    return data


def form_problems(message: str) -> str:
    """A field error as the form shows it: delegates counted from 1, like its rows."""
    return re.sub(r"\bdelegates\.(\d+)\.", lambda m: f"delegate {int(m[1]) + 1} ", message)
