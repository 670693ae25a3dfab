"""The fields' form: built from the category's contract, read back into fields the contract checks."""

from handlers.registry import validate_fields
from service.web.field_form import BLANK_ROWS, field_form, fields_from_form, form_problems

NOMINATION = {
    "country_or_org": "Egypt",
    "attendance": "in_person",
    "delegates": [
        {"title": "السيدة", "name": "منى عبد الرحمن", "email": "mona@mission-eg.example"},
        {"title": None, "name": "Karim", "email": None},
    ],
}


def _posted(form) -> dict[str, str]:
    """What a browser posts for the form as shown, unchanged."""
    posted = {f"field.{i.key}": i.value for i in form.inputs}
    for row, delegate in enumerate(form.delegates or []):
        posted |= {f"delegate.{row}.{k}": v for k, v in delegate.items()}
    return posted


def test_a_nomination_round_trips_through_its_form() -> None:
    form = field_form("nomination", NOMINATION)
    assert form is not None and [i.key for i in form.inputs] == ["country_or_org", "attendance"]
    assert dict((i.key, i.options) for i in form.inputs)["attendance"] == ("in_person", "remote", "mixed")
    assert len(form.delegates) == 2 + BLANK_ROWS and form.delegates[1] == {"title": "", "name": "Karim", "email": ""}
    assert validate_fields("nomination", fields_from_form("nomination", _posted(form))) == NOMINATION


def test_rows_are_added_in_empty_rows_and_removed_by_emptying_them() -> None:
    posted = _posted(field_form("nomination", NOMINATION))
    posted |= {"delegate.0.name": " ", "delegate.0.title": "", "delegate.0.email": ""}  # first one removed
    posted |= {"delegate.3.name": "Ana Pérez", "delegate.3.title": "Sra."}  # one added in the last empty row
    posted["field.country_or_org"] = "  Arab Republic of Egypt "
    fields = validate_fields("nomination", fields_from_form("nomination", posted))
    assert [d["name"] for d in fields["delegates"]] == ["Karim", "Ana Pérez"]
    assert fields["country_or_org"] == "Arab Republic of Egypt"


def test_choices_and_categories_without_a_form() -> None:
    speaker = field_form("speaker_request", {"format": "statement", "topic": "deepfakes"})
    assert speaker.delegates is None
    assert {i.key: (i.value, i.options) for i in speaker.inputs}["format"] == (
        "statement",
        ("presentation", "statement"),
    )
    measure = {i.key: i for i in field_form("clearinghouse_update", {}).inputs}["measure_type"]
    assert "strategy" in measure.options and measure.value == ""
    assert field_form("question", {"anything": 1}) is None and fields_from_form("question", {"x": "y"}) == {}
    assert fields_from_form("nomination", {"delegate.9999.name": "x", "field.other": "y"}) == {
        "country_or_org": "",
        "attendance": "",
        "delegates": [],
    }  # inputs the form never showed are ignored


def test_problems_count_delegates_like_the_form_rows() -> None:
    assert form_problems("delegates.1.email: not an e-mail address") == "delegate 2 email: not an e-mail address"
    assert form_problems("url: must be an http:// or https:// address") == "url: must be an http:// or https:// address"
