"""Training and scoring the learned layer: labelled examples (feature values and a category) in, a model out.

Pure and deterministic: the same examples in the same order give the same model, byte for byte (a fixed
vocabulary order, a deterministic solver, weights rounded before they are stored). The shell gathers the
examples (labelled files, staff corrections) and writes the file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from handlers.model import TriageModel
from handlers.noise import Verdict

MIN_DOCUMENTS = 2  # an n-gram seen in one message only is that message's, not the category's
MAX_FEATURES = 60000
REGULARISATION = 16.0  # scikit-learn's C: chosen by leave-one-writer-out on the train split
RULES_WEIGHT = 0.4  # the rules' share of the blended probability: bench/model_selection.py 0.956 (0) → 0.962
TEMPERATURES = tuple(round(0.1 + 0.05 * i, 2) for i in range(59))  # 0.1 … 3.0


@dataclass(frozen=True)
class Example:
    """One labelled message as the model sees it."""

    features: Mapping[str, float]
    category: str
    structural: Verdict | None = None  # decided by structure: scored, never learned from
    weight: float = 1.0
    source: str = ""  # where it came from: a labelled file, or "correction #id"
    rule_category: str = "other"  # what the rules alone said (for comparison, and as the second opinion)
    rule_confidence: float = 0.0


@dataclass
class Scores:
    """Per-category precision, recall, F1 and support of predictions against labels."""

    rows: dict[str, tuple[float, float, float, int]] = field(default_factory=dict)
    accuracy: float = 0.0
    total: int = 0

    @property
    def macro_f1(self) -> float:
        """Mean F1 over the categories the labels have."""
        present = [f1 for (_, _, f1, n) in self.rows.values() if n]
        return sum(present) / len(present) if present else 0.0


def scores_of(pairs: Counter[tuple[str, str]], categories: Sequence[str]) -> Scores:
    """Precision/recall/F1 per category and accuracy from counts of (label, prediction) pairs."""
    total = sum(pairs.values())
    result = Scores(total=total)
    for c in categories:
        tp = pairs[(c, c)]
        predicted = sum(n for (_, p), n in pairs.items() if p == c)
        actual = sum(n for (t, _), n in pairs.items() if t == c)
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result.rows[c] = (precision, recall, f1, actual)
    result.accuracy = sum(n for (t, p), n in pairs.items() if t == p) / total if total else 0.0
    return result


def score(labels: Sequence[str], predictions: Sequence[str], categories: Sequence[str]) -> Scores:
    """Precision/recall/F1 per category, accuracy."""
    return scores_of(Counter(zip(labels, predictions, strict=True)), categories)


def predict(model: TriageModel | None, example: Example) -> str:
    """The category triage would give: structure first, then the model (or the rules' own choice)."""
    if example.structural is not None:
        return example.structural.category
    if model is None:
        return example.rule_category
    probabilities = model.blend(model.probabilities(example.features), example.rule_category, example.rule_confidence)
    return max(probabilities, key=probabilities.__getitem__)


def vocabulary(examples: Sequence[Example]) -> dict[str, int]:
    """Features seen in at least :data:`MIN_DOCUMENTS` examples, at most :data:`MAX_FEATURES` (the most frequent)."""
    counts: Counter[str] = Counter()
    for example in examples:
        counts.update(example.features.keys())
    kept = [(n, name) for name, n in counts.items() if n >= MIN_DOCUMENTS]
    kept.sort(key=lambda item: (-item[0], item[1]))
    names = sorted(name for _, name in kept[:MAX_FEATURES])
    return {name: i for i, name in enumerate(names)}


def _matrix(examples: Sequence[Example], columns: dict[str, int]):
    from scipy.sparse import csr_matrix

    rows, cols, values = [], [], []
    for i, example in enumerate(examples):
        for name, value in example.features.items():
            j = columns.get(name)
            if j is not None:
                rows.append(i)
                cols.append(j)
                values.append(value)
    return csr_matrix((values, (rows, cols)), shape=(len(examples), len(columns)), dtype=np.float64)


def _temperature(model: TriageModel, held_out: Sequence[Example]) -> float:
    """The temperature that minimises the negative log-likelihood on ``held_out`` (1.0 without one)."""
    learnable = [e for e in held_out if e.structural is None and e.category in model.categories]
    if not learnable:
        return 1.0
    best, best_loss = 1.0, float("inf")
    logits = []
    for example in learnable:
        probabilities = model.probabilities(example.features)  # at temperature 1
        logits.append(np.log(np.maximum([probabilities[c] for c in model.categories], 1e-12)))
    stacked = np.asarray(logits)
    truth = np.asarray([model.categories.index(e.category) for e in learnable])
    for t in TEMPERATURES:
        scaled = stacked / t
        scaled -= scaled.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(scaled).sum(axis=1))
        loss = float(np.mean(log_norm - scaled[np.arange(len(truth)), truth]))
        if loss < best_loss - 1e-9:
            best, best_loss = t, loss
    return best


def fit(
    examples: Sequence[Example],
    categories: Sequence[str],
    *,
    held_out: Sequence[Example] = (),
    info: dict | None = None,
    regularisation: float = REGULARISATION,
    rules_weight: float = RULES_WEIGHT,
) -> TriageModel:
    """A model trained on ``examples`` (those decided by structure left out), calibrated on ``held_out``."""
    from sklearn.linear_model import LogisticRegression

    learnable = [e for e in examples if e.structural is None and e.category in categories]
    present = sorted({e.category for e in learnable}, key=list(categories).index)
    if len(present) < 2:
        raise ValueError("training needs examples of at least two categories")
    columns = vocabulary(learnable)
    matrix = _matrix(learnable, columns)
    labels = np.asarray([present.index(e.category) for e in learnable])
    weights = np.asarray([e.weight for e in learnable])
    # balanced classes: a category with few examples weighs as much as a common one
    per_class = Counter(e.category for e in learnable)
    weights = weights * np.asarray([len(learnable) / (len(present) * per_class[e.category]) for e in learnable])
    classifier = LogisticRegression(C=regularisation, max_iter=3000, tol=1e-6, solver="lbfgs")
    classifier.fit(matrix, labels, sample_weight=weights)
    coefficients = np.zeros((len(columns), len(categories)), dtype=np.float64)
    bias = np.full(len(categories), -30.0)  # a category never seen in training is never chosen
    coef, intercept = classifier.coef_, classifier.intercept_
    if len(present) == 2:  # scikit-learn keeps one row for two classes: as a softmax, half each way
        coef, intercept = np.vstack([-coef[0] / 2, coef[0] / 2]), np.array([-intercept[0] / 2, intercept[0] / 2])
    for k, category in enumerate(present):
        coefficients[:, list(categories).index(category)] = coef[k]
        bias[list(categories).index(category)] = intercept[k]
    model = TriageModel(
        categories=tuple(categories),
        vocabulary=columns,
        weights=np.round(coefficients, 4).astype("<f4"),
        bias=np.round(bias, 4).astype("<f4"),
        rules_weight=rules_weight,
        info=dict(info or {}),
    )
    return replace(model, temperature=_temperature(model, held_out))
