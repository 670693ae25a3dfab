"""Property: decoding never raises and always gives text a database takes, whatever the bytes and the label."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.charsets import decode_bytes
from parsers.headers import decode_value
from tests.fuzz import strategies as mail
from tests.fuzz.invariants import check_storable

pytestmark = pytest.mark.fuzz

DATA = st.one_of(st.binary(max_size=300), mail.seven_bit_soup, mail.body_bytes().map(lambda pair: pair[0]))


@given(DATA, st.one_of(st.none(), st.sampled_from(mail.LABELS), st.text(max_size=12)))
def test_decode_bytes_gives_storable_text(data: bytes, label: str | None) -> None:
    decoded = decode_bytes(data, label)
    check_storable([decoded.text, decoded.note], "decoded")


@given(mail.header_values(), st.one_of(st.none(), st.sampled_from(mail.LABELS)))
def test_decode_value_gives_storable_text(value: bytes, fallback: str | None) -> None:
    text = decode_value(value.decode("ascii", "surrogateescape"), fallback)  # as compat32 hands header values over
    check_storable(text, "header")
    assert "\x00" not in text
