"""Speaker requests: a written request to speak at the information-exchange session (a presentation or a statement)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from handlers.field_rules import Choice, FieldsBase, Text
from handlers.fields import extract_format, extract_speaker, extract_topic
from handlers.kind import FieldInput, Kind


class SpeakerFields(FieldsBase):
    """Fields of a speaker request."""

    speaker_name: Text = None
    format: Annotated[Literal["presentation", "statement"] | None, Choice] = None
    topic: Text = None


def extract(found: FieldInput) -> dict[str, Any]:
    """Who speaks, in which format, on what."""
    return {
        "speaker_name": extract_speaker(found.text, found.sender_name),
        "format": extract_format(found.text),
        "topic": extract_topic(found.text),
    }


KIND = Kind("speaker_request", "submission", code="SR", contract=SpeakerFields, extract=extract)
