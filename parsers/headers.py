"""Header values to text: RFC 2047 encoded words, and raw 8-bit bytes that old clients still send."""

from __future__ import annotations

import re
from email.header import decode_header
from email.utils import getaddresses

from parsers.charsets import decode_bytes
from parsers.model import Address

_FOLD = re.compile(r"\r?\n[ \t]*")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _raw_to_str(value: str, fallback_charset: str | None) -> str:
    """A compat32 header value keeps 8-bit bytes as surrogates: turn them back into text."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        data = value.encode("ascii", "surrogateescape")
        return decode_bytes(data, fallback_charset or "utf-8").text
    return value


def decode_value(value: object, fallback_charset: str | None = None) -> str:
    """Unfold, decode encoded words and raw 8-bit bytes; strip control characters. Never raises."""
    if value is None:
        return ""
    text = _raw_to_str(str(value), fallback_charset)
    text = _FOLD.sub(" ", text)
    if "=?" in text:
        try:
            chunks = decode_header(text)
        except Exception:  # malformed encoded word: keep the text as it came
            chunks = [(text, None)]
        out: list[str] = []
        for chunk, charset in chunks:
            if isinstance(chunk, bytes):
                out.append(
                    decode_bytes(chunk, charset).text
                    if charset
                    else _raw_to_str(chunk.decode("ascii", "surrogateescape"), fallback_charset)
                )
            else:
                out.append(chunk)
        text = "".join(out)
    return _CONTROL.sub("", text).strip()


def parse_addresses(values: list[str], fallback_charset: str | None = None) -> list[Address]:
    """Address headers (possibly repeated) to decoded :class:`Address` values, skipping empty ones."""
    raw = [_FOLD.sub(" ", _raw_to_str(str(v), fallback_charset)) for v in values]
    try:
        pairs = getaddresses(raw)
    except Exception:
        return []
    result: list[Address] = []
    for name, address in pairs:
        address = _CONTROL.sub("", address).strip()
        if not address and not name:
            continue
        result.append(Address(name=decode_value(name, fallback_charset), address=address.lower()))
    return [a for a in result if a.address]
