"""Staff corrections of fields: the extractors' contract, checked, with every problem named by its path."""

from __future__ import annotations

import pytest

from config.knowledge import load_knowledge
from handlers.clearinghouse_update import MEASURE_TYPES
from handlers.registry import FieldsError, validate_fields
from handlers.triage import triage
from parsers.message import parse_message
from service.pipeline import attachment_text
from tests.conftest import REPO


def test_a_correction_is_cleaned() -> None:
    fields = {"country_or_org": "  Chile ", "delegates": [{"name": " Ana  Pérez ", "title": "", "email": None}]}
    assert validate_fields("nomination", fields) == {
        "country_or_org": "Chile",
        "delegates": [{"name": "Ana Pérez", "title": None, "email": None}],
        "attendance": None,
    }


@pytest.mark.parametrize(
    ("category", "fields", "problem"),
    [
        ("nomination", {"contry_or_org": "Chile"}, "contry_or_org: Extra inputs are not permitted"),
        ("nomination", {"delegates": [{"name": " "}]}, "delegates.0.name: must not be empty"),
        ("nomination", {"delegates": [{"name": "A", "email": "a@b"}]}, "delegates.0.email: not an e-mail address"),
        ("nomination", {"attendance": "maybe"}, "attendance:"),
        ("nomination", {"delegates": "Ana"}, "delegates: Input should be a valid list"),
        ("speaker_request", {"format": "song"}, "format:"),
        ("clearinghouse_update", {"url": "javascript:alert(1)"}, "url: must be an http:// or https:// address"),
        ("clearinghouse_update", {"measure_type": "poem"}, "measure_type: must be one of"),
        ("question", ["not", "an", "object"], "fields must be a JSON object"),
    ],
)
def test_wrong_fields_are_named(category: str, fields: object, problem: str) -> None:
    with pytest.raises(FieldsError) as caught:
        validate_fields(category, fields)
    assert problem in str(caught.value)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(FieldsError) as caught:
        validate_fields("nomination", {"delegates": [{"name": "", "email": "x"}], "attendance": "?"})
    assert str(caught.value).count(";") == 2


def test_what_the_extractors_produce_always_fits_the_contract() -> None:
    knowledge = load_knowledge(REPO / "config" / "events.toml")
    checked = 0
    for path in sorted((REPO / "tests" / "triage").rglob("*.eml")):
        parsed = parse_message(path.read_bytes())
        decision = triage(parsed, knowledge, attachment_text(parsed))
        if decision.category in ("nomination", "speaker_request", "clearinghouse_update"):
            assert validate_fields(decision.category, decision.fields) == decision.fields, path.name
            checked += 1
    assert checked > 140 and "other" in MEASURE_TYPES
