"""The kinds of mail, in order: the one list that triage, evaluation, exports, the UI and the outbox read.

A new category is a module with its :class:`~handlers.kind.Kind` (and its phrase file
``config/phrases/<name>.toml``), listed here once.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from handlers import clearinghouse_update, noise, nomination, other, question, speaker_request
from handlers.kind import FieldInput, Kind

KINDS: tuple[Kind, ...] = (
    speaker_request.KIND,
    clearinghouse_update.KIND,
    nomination.KIND,
    question.KIND,
    *noise.KINDS,
    other.KIND,
)
# phrase groups that are evidence for a decision, not kinds of their own (config/phrases/<name>.toml)
SIGNALS = ("invitation", "misdirected", "other_meeting", "not_for_us")

BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
CATEGORIES = tuple(BY_NAME)
SUBMISSIONS = tuple(k.name for k in KINDS if k.group == "submission")
ACKNOWLEDGED = tuple(k.name for k in KINDS if k.acknowledged)
ROBOTS = tuple(k.name for k in KINDS if k.group == "robot")
CODES = {k.name: k.code for k in KINDS if k.code}
CONTRACTS = {k.name: k.contract for k in KINDS if k.contract}


def extract_fields(category: str, found: FieldInput, country: str | None) -> dict[str, Any]:
    """The contract fields of ``category`` (empty for kinds without fields), the country first."""
    kind = BY_NAME.get(category)
    if kind is None or kind.extract is None:
        return {}
    return {"country_or_org": country, **kind.extract(found)}


class FieldsError(ValueError):
    """The fields do not fit the category's contract; the message lists every problem by path."""


def validate_fields(category: str | None, data: Any) -> dict[str, Any]:
    """``data`` checked against the contract of ``category`` and cleaned; other categories take any object."""
    if not isinstance(data, dict):
        raise FieldsError("fields must be a JSON object")
    contract = CONTRACTS.get(category or "")
    if contract is None:
        return data
    try:
        return contract.model_validate(data).model_dump(mode="json")
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            path = ".".join(str(p) for p in error["loc"]) or "fields"
            message = error["msg"].removeprefix("Value error, ")
            problems.append(message if message.startswith(path) else f"{path}: {message}")
        raise FieldsError("; ".join(problems)) from None
