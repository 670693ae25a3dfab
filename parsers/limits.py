"""Limits on a whole message, checked on the raw bytes before parsing: size, header fields, MIME parts, multiparts.

A message over a limit is still stored whole in the archive; only its header block is parsed, and it waits
for a person with the limit named. The checks are byte scans (no parse), so a hostile message costs its
length in C-speed searches, not a parser's recursion or copies. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parsers.attachments import DEFAULT_LIMITS, Limits

MIB = 1024 * 1024
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_FIELD_START = re.compile(rb"^[^ \t\r\n]", re.MULTILINE)
_DELIMITER = re.compile(rb"^--[^\r\n]", re.MULTILINE)  # a boundary line opens (or closes) a part
_MULTIPART = re.compile(rb"^content-type:[ \t]*(?:\r?\n[ \t]+)?multipart/", re.MULTILINE | re.IGNORECASE)


@dataclass(frozen=True)
class MessageLimits:
    """What one message may hold before only its header is read (each named by its setting)."""

    max_bytes: int = 50 * MIB  # INTAKE_MAX_MESSAGE_BYTES
    max_header_bytes: int = 1 * MIB  # INTAKE_MAX_HEADER_BYTES: the header block
    max_header_fields: int = 1_000  # INTAKE_MAX_HEADER_FIELDS
    max_mime_parts: int = 1_000  # INTAKE_MAX_MIME_PARTS: boundary lines, an upper bound of the parts
    max_multiparts: int = 100  # INTAKE_MAX_MULTIPARTS: multipart containers, an upper bound of the nesting depth
    attachments: Limits = field(default=DEFAULT_LIMITS)  # per attachment read for text (INTAKE_MAX_ATTACHMENT_…)


def header_block(raw: bytes, limit: int = 1 * MIB) -> bytes:
    """The header fields of ``raw`` up to its first blank line (at most ``limit`` bytes), ending in one."""
    found = _BLANK_LINE.search(raw, 0, limit + 4)
    head = raw[: found.start()] if found else raw[:limit]
    return head.rstrip(b"\r\n") + b"\r\n\r\n"


def over_limit(raw: bytes, limits: MessageLimits) -> str | None:
    """The first limit ``raw`` goes over, said for staff and the operator; None when it keeps to all."""
    if len(raw) > limits.max_bytes:
        return f"message of {len(raw):,} bytes, over INTAKE_MAX_MESSAGE_BYTES ({limits.max_bytes:,})"
    end = _BLANK_LINE.search(raw, 0, limits.max_header_bytes + 4)
    if end is None and len(raw) > limits.max_header_bytes:
        return f"header block over INTAKE_MAX_HEADER_BYTES ({limits.max_header_bytes:,} bytes)"
    head = raw[: end.start()] if end else raw
    fields = len(_FIELD_START.findall(head))
    if fields > limits.max_header_fields:
        return f"{fields:,} header fields, over INTAKE_MAX_HEADER_FIELDS ({limits.max_header_fields:,})"
    parts = len(_DELIMITER.findall(raw))
    if parts > limits.max_mime_parts:
        return f"{parts:,} MIME boundary lines, over INTAKE_MAX_MIME_PARTS ({limits.max_mime_parts:,})"
    multiparts = len(_MULTIPART.findall(raw))
    if multiparts > limits.max_multiparts:
        return f"{multiparts:,} nested multiparts, over INTAKE_MAX_MULTIPARTS ({limits.max_multiparts:,})"
    return None


DEFAULT_MESSAGE_LIMITS = MessageLimits()
