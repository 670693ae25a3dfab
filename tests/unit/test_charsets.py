"""Body text decoding across legacy and mislabelled charsets (table of byte literals)."""

import pytest

from parsers.charsets import codec_for, decode_bytes

RU = "Уважаемые коллеги, направляем список делегатов"
ZH = "中华人民共和国常驻代表团 镕"
AR = "البعثة الدائمة للمملكة"
FR = "Mission permanente — « France » ; délégués"


@pytest.mark.parametrize(
    ("data", "label", "expected"),
    [
        (RU.encode("koi8-r"), "koi8-r", RU),
        (RU.encode("cp1251"), "windows-1251", RU),
        (RU.encode("cp1251"), "koi8-r", RU),  # mislabelled: cp1251 bytes sent as koi8-r
        (RU.encode("koi8-r"), "windows-1251", RU),  # and the other way round
        (RU.encode("cp1251"), None, RU),  # no label at all
        (ZH.encode("gb18030"), "gb2312", ZH),  # GBK-only character under a gb2312 label
        (ZH.encode("gb18030"), "gb18030", ZH),
        ("臺灣 代表".encode("big5"), "big5", "臺灣 代表"),
        (AR.encode("cp1256"), "windows-1256", AR),
        (FR.encode("cp1252"), "iso-8859-1", FR),  # cp1252 punctuation under a latin-1 label
        ("Misión".encode(), "iso-8859-1", "Misión"),  # UTF-8 bytes under a latin-1 label
        ("Misión".encode("latin-1"), "iso-8859-1", "Misión"),
        ("日本語の本文".encode("iso2022_jp"), "iso-2022-jp", "日本語の本文"),
        ("Привет".encode("utf-7"), "utf-7", "Привет"),
        ("Ελληνικά".encode("iso-8859-7"), "iso-8859-7", "Ελληνικά"),
        (b"plain ascii", "x-unknown-charset", "plain ascii"),
    ],
)
def test_decode_bytes(data: bytes, label: str | None, expected: str) -> None:
    assert decode_bytes(data, label).text == expected


def test_undecodable_bytes_never_raise_and_are_noted() -> None:
    result = decode_bytes(b"\xff\xfe\x00abc\x81", "utf-8")
    assert isinstance(result.text, str)
    assert result.note


def test_aliases_map_to_supersets() -> None:
    assert codec_for("GB2312") == "gb18030"
    assert codec_for('"iso-8859-1"') == "cp1252"
    assert codec_for("no-such-charset") is None


@pytest.mark.parametrize(
    "label", ["base64", "rot13", "zlib", "hex", "quopri", "idna", "punycode", "undefined", "ut\x00f-8"]
)
def test_a_codec_that_is_not_a_charset_is_an_unknown_label(label: str) -> None:
    """Found by tests/fuzz: ``=?base64?B?…?=`` made bytes.decode raise LookupError (idna UnicodeError, a NUL in the
    label ValueError)."""
    assert codec_for(label) is None
    data = "Solicitud para intervenir en la sesión".encode()
    assert decode_bytes(data, label).text == "Solicitud para intervenir en la sesión"
    assert isinstance(decode_bytes(b"\xff\xfe\x00abc\x81", label).text, str)


def test_utf7_that_decodes_to_lone_surrogates_gives_storable_text() -> None:
    """Found by tests/fuzz (atheris): UTF-7 spells UTF-16 code units, so ``+2YHYsdmK2YI-`` gave four unpaired
    surrogates, and storing the message raised UnicodeEncodeError out of the import."""
    result = decode_bytes(b"Dear +2YHYsdmK2YI- colleagues", "utf-7")
    assert result.text == "Dear \ufffd\ufffd\ufffd\ufffd colleagues"
    assert result.note == "labelled utf-7: unpaired surrogates replaced"
    assert decode_bytes(b"+2D3eAA-", "utf-7").text == "\U0001f600"  # a pair is one character, as it should be
