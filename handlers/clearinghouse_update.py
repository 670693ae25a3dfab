"""Clearinghouse updates: a national or regional AI measure (strategy, law, regulation, guideline, procedure)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import field_validator

from handlers.field_rules import Choice, FieldsBase, Url
from handlers.fields import MEASURES, extract_measure, extract_url
from handlers.kind import FieldInput, Kind

MEASURE_TYPES = (*(kind for kind, _ in MEASURES), "other")


class ClearinghouseFields(FieldsBase):
    """Fields of a clearinghouse update."""

    measure_type: Annotated[str | None, Choice] = None
    url: Url = None

    @field_validator("measure_type")
    @classmethod
    def _known_measure(cls, value: str | None) -> str | None:
        if value is not None and value not in MEASURE_TYPES:
            raise ValueError(f"must be one of {', '.join(MEASURE_TYPES)}")
        return value


def extract(found: FieldInput) -> dict[str, Any]:
    """The kind of measure and the link to it."""
    return {"measure_type": extract_measure(found.text), "url": extract_url(found.text)}


KIND = Kind("clearinghouse_update", "submission", code="CH", contract=ClearinghouseFields, extract=extract)
