"""What staff may write into a submission's fields: the same contract the extractors fill, checked.

A correction is a JSON object; :func:`validate_fields` returns it cleaned (strings stripped, blanks as
``None``) or raises :class:`FieldsError` naming each wrong field by its path (``delegates.1.email``), so the
exports and the dashboard never get a value the event team cannot use. Pure functions over values.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from handlers.fields import MEASURES

_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;.]+$")
_URL = re.compile(r"^https?://[^\s<>\"]+$", re.I)


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        value = " ".join(value.split())
        return value or None
    return value


def _email(value: str | None) -> str | None:
    if value is not None and not _EMAIL.match(value):
        raise ValueError("not an e-mail address")
    return value


def _url(value: str | None) -> str | None:
    if value is not None and not _URL.match(value):
        raise ValueError("must be an http:// or https:// address")
    return value


def _required(value: Any) -> Any:
    value = _blank_to_none(value)
    if value is None:
        raise ValueError("must not be empty")
    return value


Text = Annotated[Annotated[str, StringConstraints(max_length=500)] | None, BeforeValidator(_blank_to_none)]
Email = Annotated[Text, AfterValidator(_email)]
Url = Annotated[Text, AfterValidator(_url)]
Choice = BeforeValidator(_blank_to_none)
MEASURE_TYPES = (*(kind for kind, _ in MEASURES), "other")


class _Fields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    country_or_org: Text = None


class Delegate(BaseModel):
    """One nominated delegate."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(max_length=200), BeforeValidator(_required)]
    title: Annotated[Annotated[str, StringConstraints(max_length=60)] | None, BeforeValidator(_blank_to_none)] = None
    email: Email = None


class NominationFields(_Fields):
    """Fields of a nomination of delegates."""

    delegates: list[Delegate] = Field(default_factory=list, max_length=100)
    attendance: Annotated[Literal["in_person", "remote", "mixed"] | None, Choice] = None


class SpeakerFields(_Fields):
    """Fields of a speaker request."""

    speaker_name: Text = None
    format: Annotated[Literal["presentation", "statement"] | None, Choice] = None
    topic: Text = None


class ClearinghouseFields(_Fields):
    """Fields of a clearinghouse update."""

    measure_type: Annotated[str | None, Choice] = None
    url: Url = None

    @field_validator("measure_type")
    @classmethod
    def _known_measure(cls, value: str | None) -> str | None:
        if value is not None and value not in MEASURE_TYPES:
            raise ValueError(f"must be one of {', '.join(MEASURE_TYPES)}")
        return value


CONTRACTS: dict[str, type[BaseModel]] = {
    "nomination": NominationFields,
    "speaker_request": SpeakerFields,
    "clearinghouse_update": ClearinghouseFields,
}


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
