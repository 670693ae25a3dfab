"""The organisation of senders in no table: signatures, "on behalf of" phrases, sentence subjects, senders."""

from __future__ import annotations

import pytest

from handlers.organisations import find_organisation


@pytest.mark.parametrize(
    ("text", "sender", "expected"),
    [
        ("We would like to present.\n\nCdlt,\nJulien Marchetti\nBrevetix SAS\n", "Julien Marchetti", "Brevetix SAS"),
        (
            "Glad to speak.\n\nBest regards,\n\nDr. Lena Hartmann\nExecutive Director\n"
            "Frontier Tech Policy Network (FTPN)\nRue de Lausanne 000, 1202 Geneva",
            "Dr. Lena Hartmann",
            "Frontier Tech Policy Network",
        ),
        ("our CTO would love to speak.\n\nDana\ncofounder, Lumenfold\n", "Dana Whitcombe", "Lumenfold"),
        (
            "Hola. Desde la Cámara de Startups Tecnológicas de Córdoba queremos hacer una declaración.",
            "Martín Oyarzún",
            "Cámara de Startups Tecnológicas de Córdoba",
        ),
        (
            "Hi,\n\nIndependent Inventors Guild would like to send one person to the session.\n\nDeclan",
            "Declan Rooney",
            "Independent Inventors Guild",
        ),
        ("hola, somos una startup, queremos participar.\n\nsaludos", "Quetzal Analytics", "Quetzal Analytics"),
    ],
)
def test_the_organisation_is_found(text: str, sender: str, expected: str) -> None:
    assert find_organisation(text, sender) == expected


@pytest.mark.parametrize(
    ("text", "sender"),
    [
        ("Could you tell me the room of the session?\n\nThanks,\nAnna Berg", "Anna Berg"),
        ("Dear WIPO,\n\nI would like to attend.\n\nRegards,\nTom\n+41 22 000 00 00", "Tom Brennan"),
        ("Kind regards,\nThe Secretariat of the WIPO Conversation on Frontier Technologies", "Secretariat"),
    ],
)
def test_a_person_or_wipo_is_no_organisation(text: str, sender: str) -> None:
    assert find_organisation(text, sender) is None
