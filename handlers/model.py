"""The learned layer of triage: features of a message and a linear model that turns them into probabilities.

Pure: a :class:`TriageModel` is a value (a vocabulary, a weight matrix, a temperature) read from bytes by
:func:`model_from_bytes` and written by :func:`model_to_bytes` — JSON with the arrays as base64 little-endian
float32, never pickle, so loading a model file runs no code. Features are character n-grams of the sender's own
text and of the subject: they work for all six scripts without a tokenizer. The rules' phrase scores are not
features: they were written against the older labelled mail, so a model trained there learns to trust them more
than they deserve on new writers' mail (leave-one-writer-out macro-F1 0.87 with them, 0.93 without); their
opinion is instead blended into the probabilities afterwards (:meth:`TriageModel.blend`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

FORMAT = "frontier-intake/triage-model"
FORMAT_VERSION = 2  # 2: addresses and links are one symbol each; the rules' opinion blended in
TEXT_CHARS = 2500  # the request is near the top; footers and long attachments only add noise
ATTACHMENT_CHARS = 1500
NGRAM_SIZES = (1, 2, 3, 4, 5)  # overlapping character n-grams
BODY_SCALE, SUBJECT_SCALE = 1.5, 1.05  # length of each source's feature vector (chosen by leave-one-writer-out)
SUBJECT = "\x01"  # prefix of subject n-grams
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d")
# an address or a link is one symbol: their letters say who and where, not what kind of mail (and every
# address of the labelled mail ends in ".example", which would teach the model a word no real mail has)
_ADDRESS = re.compile(r"[\w.+'-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"']{1,300}", re.I)


class ModelError(ValueError):
    """A model file that cannot be read; ``str()`` says what is wrong with it."""


def _grams(text: str) -> set[str]:
    """Every distinct 1- to 5-character sequence of the text, lower-cased, spaces collapsed, digits as 0.

    The shorter ones are the prefixes of the distinct 5-grams (plus the last few characters' own): one pass of
    slicing instead of five."""
    text = text.lower()
    if "@" in text:
        text = _ADDRESS.sub(" \x03 ", text)
    if "http" in text or "www." in text:
        text = _LINK.sub(" \x02 ", text)
    text = _DIGITS.sub("0", _SPACES.sub(" ", text))
    longest = NGRAM_SIZES[-1]
    end = len(text)
    found = {text[i : i + longest] for i in range(end - longest + 1)}
    for n in NGRAM_SIZES[:-1]:
        found.update({gram[:n] for gram in found if len(gram) == longest})
        found.update(text[i : i + n] for i in range(max(0, end - longest + 1), end - n + 1))
    return found


class Features(Mapping[str, float]):
    """One message's feature values: every n-gram of a source has that source's value (read-only mapping).

    Kept as two sets and two numbers rather than a dict of thousands of entries: the model looks them up with
    one set intersection each (:meth:`TriageModel.lookup`)."""

    __slots__ = ("body", "body_value", "subject", "subject_value")

    def __init__(self, body: set[str], subject: set[str], body_value: float, subject_value: float) -> None:
        self.body, self.subject = body, subject
        self.body_value, self.subject_value = body_value, subject_value

    def __getitem__(self, name: str) -> float:
        if name in self.body:
            return self.body_value
        if name in self.subject:
            return self.subject_value
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        yield from self.body
        yield from self.subject

    def __len__(self) -> int:
        return len(self.body) + len(self.subject)

    def __contains__(self, name: object) -> bool:
        return name in self.body or name in self.subject


def features(subject: str, text: str, attachment: str) -> Features:
    """The feature values of one message: the n-grams of its own text (with the start of its attachments) and
    of its subject, each present n-gram 1, each source's vector scaled to a fixed length."""
    body = _grams(f" {text[:TEXT_CHARS]} {attachment[:ATTACHMENT_CHARS]} ")
    heading = {SUBJECT + g for g in _grams(f" {subject[:300]} ")}
    return Features(
        body,
        heading,
        BODY_SCALE / math.sqrt(len(body)) if body else 0.0,
        SUBJECT_SCALE / math.sqrt(len(heading)) if heading else 0.0,
    )


@dataclass(frozen=True, eq=False)
class TriageModel:
    """A trained model: ``weights[vocabulary[feature]]`` is that feature's weight for each category."""

    categories: tuple[str, ...]
    vocabulary: dict[str, int]
    weights: np.ndarray  # (features, categories) float32
    bias: np.ndarray  # (categories,) float32
    temperature: float = 1.0
    threshold: float = 0.8  # below it a decision waits for a person (chosen by bench/model_selection.py)
    spam_block: float = 0.25  # at or above this spam probability nothing is acknowledged
    sure_alone: float = 0.95  # below it, an acknowledged kind the rules do not see waits for a person
    rules_weight: float = 0.0  # how much of the final probability is the rules' opinion (see :meth:`blend`)
    info: dict[str, Any] = field(default_factory=dict)  # trained_at, examples, corrections, figures, data hash

    @property
    def version(self) -> str:
        """A short name for this model: its number and the start of its content hash."""
        return str(self.info.get("version", "unversioned"))

    def lookup(self, values: Mapping[str, float]) -> Lookup:
        """The message's features that the model knows, their rows and values (in row order: the same on any run)."""
        vocabulary = self.vocabulary
        if isinstance(values, Features):  # in C: most n-grams of a message are unknown
            body, heading = values.body & vocabulary.keys(), values.subject & vocabulary.keys()
            known = [*body, *heading]
            amounts = np.empty(len(known), dtype=np.float64)
            amounts[: len(body)], amounts[len(body) :] = values.body_value, values.subject_value
        else:
            known = list(values.keys() & vocabulary.keys())
            amounts = np.fromiter(map(values.__getitem__, known), dtype=np.float64, count=len(known))
        rows = np.fromiter(map(vocabulary.__getitem__, known), dtype=np.int64, count=len(known))
        order = np.argsort(rows, kind="stable")
        return Lookup(known, order, rows[order], amounts[order])

    def probabilities(self, values: Mapping[str, float], found: Lookup | None = None) -> dict[str, float]:
        """Calibrated probability of each category for one message's feature values (``found``: their lookup)."""
        found = found if found is not None else self.lookup(values)
        logits = self.bias.astype(np.float64)
        if found.known:
            logits = logits + found.amounts @ self.weights[found.rows].astype(np.float64)
        logits = logits / self.temperature
        logits -= logits.max()
        exp = np.exp(logits)
        probs = exp / exp.sum()
        return {c: float(p) for c, p in zip(self.categories, probs, strict=True)}

    def blend(self, probabilities: dict[str, float], rule_category: str, rule_confidence: float) -> dict[str, float]:
        """The model's probabilities with the rules' opinion mixed in: the rules give their category their
        confidence and share the rest evenly; ``rules_weight`` of the result is theirs. Two opinions that
        disagree leave neither sure, so the message waits for a person."""
        weight = self.rules_weight
        if not weight or rule_category not in probabilities:
            return probabilities
        rest = (1.0 - rule_confidence) / max(1, len(probabilities) - 1)
        return {
            c: (1.0 - weight) * p + weight * (rule_confidence if c == rule_category else rest)
            for c, p in probabilities.items()
        }


@dataclass(frozen=True)
class Lookup:
    """A message's known features: vocabulary rows and values in row order (their names only when asked)."""

    known: list[str]
    order: np.ndarray
    rows: np.ndarray
    amounts: np.ndarray

    @property
    def names(self) -> tuple[str, ...]:
        """The features' names, in the order of ``rows``."""
        return tuple(self.known[i] for i in self.order)


def _array(values: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(values, dtype="<f4").tobytes()).decode("ascii")


def model_to_bytes(model: TriageModel) -> bytes:
    """The model file's bytes: the same model gives the same bytes (keys sorted, floats as stored)."""
    names = sorted(model.vocabulary, key=model.vocabulary.__getitem__)
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "categories": list(model.categories),
        "temperature": round(model.temperature, 6),
        "threshold": model.threshold,
        "spam_block": model.spam_block,
        "sure_alone": model.sure_alone,
        "rules_weight": model.rules_weight,
        "info": model.info,
        "features": names,
        "weights": _array(model.weights),
        "bias": _array(model.bias),
    }
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode()


def content_hash(data: bytes) -> str:
    """The first 12 hex digits of the SHA-256 of a model file."""
    return hashlib.sha256(data).hexdigest()[:12]


def model_from_bytes(data: bytes) -> TriageModel:
    """Read a model file; a file that is not one (or is damaged) raises :class:`ModelError`."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"not a model file (not JSON: {exc})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ModelError("not a frontier-intake triage model file")
    if document.get("format_version") != FORMAT_VERSION:
        raise ModelError(f"model format {document.get('format_version')!r}; this version reads {FORMAT_VERSION}")
    try:
        categories = tuple(str(c) for c in document["categories"])
        names = [str(n) for n in document["features"]]
        weights = np.frombuffer(base64.b64decode(document["weights"]), dtype="<f4")
        bias = np.frombuffer(base64.b64decode(document["bias"]), dtype="<f4")
        weights = weights.reshape(len(names), len(categories))
        if bias.shape != (len(categories),):
            raise ValueError("bias does not match the categories")
        model = TriageModel(
            categories=categories,
            vocabulary={name: i for i, name in enumerate(names)},
            weights=weights,
            bias=bias,
            temperature=float(document["temperature"]),
            threshold=float(document["threshold"]),
            spam_block=float(document["spam_block"]),
            sure_alone=float(document.get("sure_alone", TriageModel.sure_alone)),
            rules_weight=float(document.get("rules_weight", 0.0)),
            info=dict(document.get("info") or {}),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"damaged model file: {exc}") from None
    if not np.isfinite(model.weights).all() or not model.temperature > 0:
        raise ModelError("damaged model file: weights or temperature out of range")
    return model


_CJK = re.compile(r"[\u3040-\u9fff\uac00-\ud7af]")


def _readable(name: str) -> bool:
    """A feature worth showing staff: three characters or more (two in Chinese or Japanese)."""
    text = name.removeprefix(SUBJECT).strip()
    return len(text) >= 3 or (len(text) == 2 and bool(_CJK.search(text)))


def top_features(
    model: TriageModel, values: Mapping[str, float], category: str, n: int = 4, found: Lookup | None = None
) -> list[str]:
    """The readable features that pushed most towards ``category`` (for the decision's signals)."""
    found = found if found is not None else model.lookup(values)
    if not found.known:
        return []
    column = model.categories.index(category)
    pushes = found.amounts * model.weights[found.rows, column].astype(np.float64)
    shown: list[str] = []
    for i in np.argsort(-pushes, kind="stable"):
        if pushes[i] <= 0 or len(shown) == n:
            break
        name = found.known[found.order[i]]
        if _readable(name):
            shown.append(name.replace(SUBJECT, "subject: ").strip())
    return shown
