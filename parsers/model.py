"""Typed values the parsers produce: what a raw message turns into, with no I/O attached."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class Address(BaseModel):
    """One mailbox from an address header: display name (decoded) and address."""

    model_config = ConfigDict(frozen=True)

    name: str = ""
    address: str = ""


class Attachment(BaseModel):
    """A file carried by the message; ``payload`` holds the decoded bytes and is never serialised."""

    filename: str
    safe_filename: str
    content_type: str
    size: int
    sha256: str
    content_id: str | None = None
    inline: bool = False
    text: str = Field("", description="Text of a PDF, DOCX, text or HTML attachment (bounded).", repr=False)
    text_note: str | None = Field(None, description="Why no or partial text was read (limits, encryption…).")
    payload: bytes = Field(default=b"", exclude=True, repr=False)


class ParsedMessage(BaseModel):
    """Everything later stages need from one message, decoded to Unicode."""

    message_id: str | None = None
    sender: Address | None = None
    reply_to: list[Address] = Field(default_factory=list)
    to: list[Address] = Field(default_factory=list)
    cc: list[Address] = Field(default_factory=list)
    subject: str = ""
    date: datetime | None = Field(None, description="The sender's Date header, with the sender's offset.")
    received_at: datetime | None = Field(None, description="Arrival at our server (UTC).")
    text: str = Field("", description="The plain-text body, or the HTML body converted to text.")
    html: str | None = Field(None, description="The HTML body as received; sanitise before display.")
    forwarded: list[str] = Field(default_factory=list, description="Text of attached (forwarded) messages.")
    delivery_status: str | None = Field(None, description="message/delivery-status blocks of a DSN.")
    content_type: str = "text/plain"
    headers: dict[str, list[str]] = Field(default_factory=dict, description="Lower-cased names of interest.")
    attachments: list[Attachment] = Field(default_factory=list)
    defects: list[str] = Field(default_factory=list)
