"""The field types that the kinds' contracts are built of (each kind's contract is in its own module).

Strings are stripped, blanks become ``None``, e-mail addresses and links are checked, so the exports and the
dashboard never get a value the event team cannot use; :func:`handlers.registry.validate_fields` applies them.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
)

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
Name = Annotated[str, StringConstraints(max_length=200), BeforeValidator(_required)]
Title = Annotated[Annotated[str, StringConstraints(max_length=60)] | None, BeforeValidator(_blank_to_none)]


class FieldsBase(BaseModel):
    """What every submission's fields have: the country or organisation, and nothing unknown."""

    model_config = ConfigDict(extra="forbid")

    country_or_org: Text = None
