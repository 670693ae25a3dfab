"""A stored message read back: its raw mail from the archive, parsed again as it was on arrival."""

from __future__ import annotations

from parsers.message import parse_message
from parsers.model import ParsedMessage
from service.archive import Archive
from service.models import Message


def read_parsed(archive: Archive, message: Message) -> ParsedMessage:
    """``message``'s raw mail from ``archive``, parsed; the arrival time stored for it stands as the internaldate,
    so the parse gives the same ``received_at`` whatever the source (IMAP, Maildir, an import).

    Raises what reading and parsing raise: ``StorageError`` or ``OSError`` from the archive,
    ``MessageParseError`` from the parser."""
    return parse_message(archive.get(message.sha256), internaldate=message.received_at)
