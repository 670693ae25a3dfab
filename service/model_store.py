"""Where triage models live: the shipped default in ``config/data/``, trained ones in ``<data_dir>/models/``.

``<data_dir>/models/current`` names the promoted model's file; without it a fresh install uses the default model
built from the shipped labelled data. Files are written whole (temporary file, fsync, rename): a reader never
sees half a model, and a crash mid-write leaves the promoted one in place.
"""

from __future__ import annotations

import os
from pathlib import Path

from config.knowledge import DEFAULT_MODEL
from config.settings import Settings

POINTER = "current"


def models_dir(data_dir: Path) -> Path:
    """The folder of trained models."""
    return data_dir / "models"


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def save(data_dir: Path, data: bytes, version: str) -> Path:
    """Write a model file named by its version (the hash of its content: the same model twice is one file)."""
    path = models_dir(data_dir) / f"model-{version}.json"
    if not path.exists():
        _write(path, data)
    return path


def promote(data_dir: Path, path: Path) -> None:
    """Make ``path`` (a file in the models folder) the model every command and worker loads from now on."""
    _write(models_dir(data_dir) / POINTER, f"{path.name}\n".encode())


def model_in_use(settings: Settings) -> Path | None:
    """The model file the settings ask for: the current one, or None when ``INTAKE_TRIAGE_MODEL=false``."""
    return current_model_file(settings.data_dir) if settings.triage_model else None


def current_model_file(data_dir: Path) -> Path:
    """The promoted model's file, else the shipped default."""
    pointer = models_dir(data_dir) / POINTER
    if pointer.is_file():
        name = pointer.read_text(encoding="utf-8").strip()
        if name and "/" not in name and "\\" not in name and not name.startswith("."):
            return models_dir(data_dir) / name
    return DEFAULT_MODEL
