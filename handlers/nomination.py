"""Nominations: the names, titles and e-mail addresses of the delegates who will attend."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from handlers.field_rules import Choice, Email, FieldsBase, Name, Title
from handlers.fields import extract_attendance, extract_delegates
from handlers.kind import FieldInput, Kind


class Delegate(BaseModel):
    """One nominated delegate."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    title: Title = None
    email: Email = None


class NominationFields(FieldsBase):
    """Fields of a nomination of delegates."""

    delegates: list[Delegate] = Field(default_factory=list, max_length=100)
    attendance: Annotated[Literal["in_person", "remote", "mixed"] | None, Choice] = None


def extract(found: FieldInput) -> dict[str, Any]:
    """The delegates listed (from lists and tables) and how they attend."""
    return {
        "delegates": extract_delegates(found.text, found.sender_address),
        "attendance": extract_attendance(found.text),
    }


KIND = Kind("nomination", "submission", code="NM", contract=NominationFields, extract=extract)
