"""Training the triage model from files and from the team's corrections; promoting it only when no worse.

The labelled folders are named in ``config/training.toml`` (train and dev splits, by writer); the mailbox's own
corrections come from the database (``correction`` rows: every staff reclassification or field edit) with the raw
mail from the archive. One in :data:`HOLD_OUT_EVERY` corrected messages is held out with the dev split: the
no-worse check compares the candidate with the current model on that held-out set.
"""

from __future__ import annotations

import hashlib
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select

from handlers.knowledge import Knowledge
from handlers.learning import Example, Scores, fit, predict, score
from handlers.model import TriageModel, content_hash, model_from_bytes, model_to_bytes
from handlers.registry import CATEGORIES
from handlers.triage import read_message
from parsers.message import MessageParseError, parse_message
from service import model_store, repository
from service.archive import Archive
from service.errors import StorageError
from service.models import Correction, Message, ModelTraining, utcnow
from service.pipeline import attachment_text
from service.stored import read_parsed
from service.triage_jobs import labelled_files

REPO = Path(__file__).resolve().parent.parent
TRAINING_FILE = REPO / "config" / "training.toml"
HOLD_OUT_EVERY = 5  # message ids divisible by this are held out for the no-worse check
CORRECTION_WEIGHT = 3.0  # the mailbox's own corrected mail counts more than the shipped examples
TOLERANCE = 0.0  # "no worse": the candidate's held-out macro-F1 at least the current one's


@dataclass(frozen=True)
class Splits:
    """The labelled folders of each split (``config/training.toml``)."""

    train: tuple[Path, ...]
    dev: tuple[Path, ...]


def load_splits(path: Path = TRAINING_FILE) -> Splits:
    """The train and dev folders, relative to the repository."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Splits(
        train=tuple(REPO / p for p in data["train"]),
        dev=tuple(REPO / p for p in data["dev"]),
    )


def _example(raw: bytes, received: datetime | None, knowledge: Knowledge, category: str, **extra) -> Example:
    parsed = parse_message(raw, internaldate=received)
    reading = read_message(parsed, knowledge, attachment_text(parsed))
    return Example(
        features=reading.features,
        category=category,
        structural=reading.structural,
        rule_category=reading.rule_category,
        rule_confidence=reading.rule_confidence,
        **extra,
    )


def labelled_examples(folders: tuple[Path, ...], knowledge: Knowledge) -> list[Example]:
    """The examples of labelled folders, in a fixed order (sorted paths)."""
    examples = []
    for folder in folders:
        for path, label in labelled_files(folder):
            received = datetime.fromisoformat(label.received)
            source = str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)
            try:
                examples.append(_example(path.read_bytes(), received, knowledge, label.category, source=source))
            except MessageParseError:
                continue
    return examples


def correction_examples(engine: Engine, archive: Archive, knowledge: Knowledge) -> tuple[list[Example], list[Example]]:
    """The corrected messages as examples (their category now is the label): (for training, held out)."""
    train: list[Example] = []
    held_out: list[Example] = []
    with Session(engine) as session:
        ids = sorted(set(session.exec(select(Correction.message_id))))
        for message_id in ids:
            message = session.get(Message, message_id)
            if message is None or message.category not in CATEGORIES:
                continue
            try:
                parsed = read_parsed(archive, message)
            except (MessageParseError, StorageError, OSError):
                continue
            reading = read_message(parsed, knowledge, attachment_text(parsed))
            example = Example(
                features=reading.features,
                category=message.category,
                structural=reading.structural,
                rule_category=reading.rule_category,
                rule_confidence=reading.rule_confidence,
                weight=CORRECTION_WEIGHT,
                source=f"correction #{message_id}",
            )
            (held_out if message_id % HOLD_OUT_EVERY == 0 else train).append(example)
    return train, held_out


@dataclass
class TrainingResult:
    """What ``train`` did and the figures it printed."""

    candidate: TriageModel
    candidate_bytes: bytes
    candidate_scores: Scores
    current_scores: Scores
    rules_scores: Scores
    current_version: str
    examples: int
    corrections: int
    held_out: int
    held_out_corrections: int
    seconds: float
    promoted: bool = False
    forced: bool = False
    path: Path | None = None
    reasons: list[str] = field(default_factory=list)


def data_fingerprint(examples: list[Example]) -> str:
    """A hash of what a model is trained on (each example's source, label and features): a changed labelled
    file, label or feature code gives another fingerprint."""
    digest = hashlib.sha256()
    for example in examples:
        digest.update(f"{example.source}\t{example.category}\t{example.weight}\n".encode())
        digest.update("\x00".join(sorted(example.features)).encode())
    return digest.hexdigest()[:12]


def _predictions(model: TriageModel | None, examples: list[Example]) -> list[str]:
    return [predict(model, e) for e in examples]


def build(
    knowledge: Knowledge,
    *,
    splits: Splits,
    extra: tuple[Path, ...] = (),
    corrections: tuple[list[Example], list[Example]] = ([], []),
    progress: Callable[[str], None] = lambda _: None,
) -> tuple[TriageModel, bytes, list[Example], dict]:
    """A candidate model from the train split (plus ``extra`` folders and the corrections), calibrated on dev."""
    started = time.perf_counter()
    progress("reading the labelled mail")
    train = labelled_examples(splits.train + extra, knowledge)
    dev = labelled_examples(splits.dev, knowledge)
    corrected, corrected_held_out = corrections
    held_out = dev + corrected_held_out
    progress(f"training on {len(train) + len(corrected)} messages")
    info = {
        "examples": len(train) + len(corrected),
        "corrections": len(corrected) + len(corrected_held_out),
        "held_out": len(held_out),
        "data": data_fingerprint(train + corrected),
    }
    model = fit(train + corrected, CATEGORIES, held_out=held_out, info=info)
    unnumbered = model_to_bytes(model)
    model.info["version"] = content_hash(unnumbered)
    data = model_to_bytes(model)
    info["seconds"] = round(time.perf_counter() - started, 1)
    return model_from_bytes(data), data, held_out, info


def train(
    engine: Engine,
    archive: Archive,
    knowledge: Knowledge,
    *,
    data_dir: Path,
    who: str,
    force: bool = False,
    extra: tuple[Path, ...] = (),
    splits: Splits | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> TrainingResult:
    """Train a candidate, score it beside the current model and the rules on the held-out set, promote it when
    no worse (or ``force``), and record the training (audited)."""
    started = time.perf_counter()
    splits = splits or load_splits()
    corrections = correction_examples(engine, archive, knowledge)
    candidate, data, held_out, info = build(
        knowledge, splits=splits, extra=extra, corrections=corrections, progress=progress
    )
    current = knowledge.model
    labels = [e.category for e in held_out]
    result = TrainingResult(
        candidate=candidate,
        candidate_bytes=data,
        candidate_scores=score(labels, _predictions(candidate, held_out), CATEGORIES),
        current_scores=score(labels, _predictions(current, held_out), CATEGORIES),
        rules_scores=score(labels, _predictions(None, held_out), CATEGORIES),
        current_version=current.version if current is not None else "rules only",
        examples=int(info["examples"]),
        corrections=int(info["corrections"]),
        held_out=len(held_out),
        held_out_corrections=len(corrections[1]),
        seconds=0.0,
    )
    better = result.candidate_scores.macro_f1 >= result.current_scores.macro_f1 - TOLERANCE
    if better:
        result.reasons.append(
            f"held-out macro-F1 {result.candidate_scores.macro_f1:.3f} ≥ current {result.current_scores.macro_f1:.3f}"
        )
    else:
        result.reasons.append(
            f"held-out macro-F1 {result.candidate_scores.macro_f1:.3f} < current {result.current_scores.macro_f1:.3f}"
        )
    result.path = model_store.save(data_dir, data, candidate.version)
    if better or force:
        model_store.promote(data_dir, result.path)
        result.promoted, result.forced = True, force and not better
    result.seconds = round(time.perf_counter() - started, 1)
    record = {
        "version": candidate.version,
        "file": result.path.name,
        "by": who,
        "examples": result.examples,
        "corrections": result.corrections,
        "held_out": result.held_out,
        "macro_f1": round(result.candidate_scores.macro_f1, 4),
        "current_macro_f1": round(result.current_scores.macro_f1, 4),
        "promoted": result.promoted,
        "forced": result.forced,
    }
    with Session(engine) as session:
        session.add(ModelTraining(trained_at=utcnow(), **record))
        repository.audit(session=session, action="model_trained", actor=who, current=result.current_version, **record)
        session.commit()
    return result
