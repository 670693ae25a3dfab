"""The learned layer: a model file is data (read safely, rejected clearly), training is reproducible, and triage
passes the model's decision through its rules for acknowledgments."""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from config.knowledge import DEFAULT_MODEL, load_knowledge
from handlers.learning import Example, fit, predict
from handlers.model import ModelError, TriageModel, features, model_from_bytes, model_to_bytes
from handlers.registry import CATEGORIES as ALL_CATEGORIES
from handlers.triage import read_message, triage
from parsers.message import parse_message

REPO = Path(__file__).resolve().parents[2]
KNOWLEDGE = load_knowledge(REPO / "config" / "events.toml")
CATEGORIES = ("question", "nomination", "other")


def _examples() -> list[Example]:
    texts = {
        "question": ["Is there interpretation into Arabic?", "Quel est le lien Zoom ?", "¿Hay un enlace de Zoom?"],
        "nomination": ["We nominate Ms. Ana Ruiz, ana@x.example", "Nous désignons M. Paul Abé", "Designamos a la Sra."],
        "other": ["Please unsubscribe me", "Room booking for Monday", "Invitation to our colloquium"],
    }
    return [Example(features("", text, ""), category) for category, group in texts.items() for text in group]


def test_the_shipped_model_reads_back_to_the_same_bytes() -> None:
    data = DEFAULT_MODEL.read_bytes()
    model = model_from_bytes(data)
    assert model_to_bytes(model) == data
    assert model.version == model.info["version"] and len(model.vocabulary) == model.weights.shape[0]


def test_training_twice_on_the_same_examples_gives_the_same_bytes() -> None:
    first = model_to_bytes(fit(_examples(), CATEGORIES))
    assert model_to_bytes(fit(_examples(), CATEGORIES)) == first
    other = [replace(e, category="other") if e.category == "question" else e for e in _examples()]
    assert model_to_bytes(fit(other, CATEGORIES)) != first


def test_a_trained_model_learns_its_examples() -> None:
    model = fit(_examples(), CATEGORIES)
    assert [predict(model, e) for e in _examples()] == [e.category for e in _examples()]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (pickle.dumps({"format": "frontier-intake/triage-model"}), "not JSON"),
        (b'{"format": "something else"}', "not a frontier-intake triage model"),
        (b'{"format": "frontier-intake/triage-model", "format_version": 99}', "format 99"),
        (b'{"format": "frontier-intake/triage-model", "format_version": 2, "categories": ["a"]}', "damaged"),
    ],
)
def test_a_file_that_is_not_a_model_is_refused_with_the_reason(data: bytes, problem: str) -> None:
    with pytest.raises(ModelError, match=problem):
        model_from_bytes(data)


def test_weights_that_do_not_fit_the_vocabulary_are_refused() -> None:
    model = fit(_examples(), CATEGORIES)
    broken = replace(model, weights=np.zeros((3, 3), dtype="<f4"))
    with pytest.raises(ModelError, match="damaged"):
        model_from_bytes(model_to_bytes(broken))


def test_a_damaged_model_file_names_the_file(tmp_path) -> None:
    from config.knowledge import load_model

    path = tmp_path / "model.json"
    path.write_bytes(b"\x80\x04junk")
    with pytest.raises(ModelError, match=str(path)):
        load_model(path)
    assert load_model(tmp_path / "missing.json") is None


def _mail(subject: str, body: str, headers: str = "") -> bytes:
    return (
        f"From: Ana Ruiz <ana@mission.example>\r\nTo: frontier.tech@wipo.int\r\nSubject: {subject}\r\n{headers}"
        f"Date: Wed, 1 Oct 2025 10:00:00 +0200\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


def test_the_decision_names_the_model_and_keeps_the_rules_opinion() -> None:
    decision = triage(parse_message(_mail("Interpretation", "Will there be interpretation into Arabic?")), KNOWLEDGE)
    assert decision.model_version == KNOWLEDGE.model.version  # type: ignore[union-attr]
    assert any(s.startswith(f"model {decision.model_version}:") and "rules said" in s for s in decision.signals)
    rules = triage(parse_message(_mail("Interpretation", "Will there be interpretation?")), KNOWLEDGE, rules_only=True)
    assert rules.model_version is None


def test_structure_decides_before_the_model() -> None:
    raw = _mail("Automatic reply: Nomination", "I am out of the office.", "Auto-Submitted: auto-replied\r\n")
    decision = triage(parse_message(raw), KNOWLEDGE)
    assert decision.category == "auto_reply" and decision.model_version is None and not decision.acknowledge
    assert "decided by structure" in decision.signals


def test_below_the_threshold_nothing_is_acknowledged() -> None:
    model = KNOWLEDGE.model
    assert model is not None
    unsure = replace(KNOWLEDGE, model=replace(model, threshold=1.01))  # no decision is sure enough
    decision = triage(parse_message(_mail("Interpretation", "Will there be interpretation?")), unsure)
    assert decision.needs_triage and not decision.acknowledge
    assert any("waits for a person" in s for s in decision.signals)


def _code_word_model(category: str, sure_alone: float) -> TriageModel:
    """A model that reads one code word, "zqx", as ``category`` with a probability of about 1."""
    weights = np.zeros((1, len(ALL_CATEGORIES)), dtype="<f4")
    weights[0, ALL_CATEGORIES.index(category)] = 500.0
    bias = np.zeros(len(ALL_CATEGORIES), dtype="<f4")
    return TriageModel(tuple(ALL_CATEGORIES), {"zqx": 0}, weights, bias, threshold=0.5, sure_alone=sure_alone)


def test_an_acknowledged_kind_the_rules_do_not_see_waits_unless_the_model_is_very_sure() -> None:
    raw = _mail("Room booking", "zqx Please book room B for the staff lunch on Tuesday.")
    assert read_message(parse_message(raw), KNOWLEDGE).rule_category == "other"
    wary = triage(parse_message(raw), replace(KNOWLEDGE, model=_code_word_model("question", sure_alone=1.01)))
    assert wary.category == "question" and wary.needs_triage and not wary.acknowledge
    assert any("the rules see no question" in s for s in wary.signals)
    sure = triage(parse_message(raw), replace(KNOWLEDGE, model=_code_word_model("question", sure_alone=0.99)))
    assert sure.category == "question" and not sure.needs_triage and sure.acknowledge
    asked = _mail("Interpretation", "zqx Will there be interpretation into Arabic at the session?")
    assert read_message(parse_message(asked), KNOWLEDGE).rule_category == "question"
    agreed = triage(parse_message(asked), replace(KNOWLEDGE, model=_code_word_model("question", sure_alone=1.01)))
    assert not agreed.needs_triage and agreed.acknowledge  # both keys: no wait


def test_spam_like_mail_is_never_acknowledged_whatever_the_category() -> None:
    model = KNOWLEDGE.model
    assert model is not None
    wary = replace(KNOWLEDGE, model=replace(model, spam_block=0.0))  # every message counts as spam-like
    decision = triage(parse_message(_mail("Interpretation", "Will there be interpretation?")), wary)
    assert decision.category != "spam" and not decision.acknowledge
    assert any(s.startswith("spam-like") for s in decision.signals)


def test_the_rules_opinion_is_blended_in_and_disagreement_leaves_neither_sure() -> None:
    model = replace(_code_word_model("question", sure_alone=0.99), rules_weight=0.4)
    sure = dict.fromkeys(ALL_CATEGORIES, 0.0) | {"question": 1.0}
    agreed = model.blend(sure, "question", 0.9)
    assert agreed["question"] == pytest.approx(0.96) and sum(agreed.values()) == pytest.approx(1.0)
    disagreed = model.blend(sure, "other", 0.9)
    assert max(disagreed.values()) < 0.8  # below the threshold: a person decides
    assert replace(model, rules_weight=0.0).blend(sure, "other", 0.9) == sure
    assert model_from_bytes(model_to_bytes(model)).rules_weight == 0.4


def test_addresses_and_links_are_one_symbol_whatever_their_letters() -> None:
    one = features("", "Please register ana.ruiz@mission.example and see https://gov.example/ai", "")
    other = features("", "Please register li.wei@ministry.test and see https://www.other.test/x?y=1", "")
    assert one.keys() == other.keys()
