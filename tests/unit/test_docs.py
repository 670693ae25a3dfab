"""Docs that cannot drift: every setting and every command is in the README."""

from pathlib import Path

from typer.main import get_command

from config.settings import Settings
from service.cli import app

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented() -> None:
    missing = [f"INTAKE_{name.upper()}" for name in Settings.model_fields if f"`INTAKE_{name.upper()}`" not in README]
    assert missing == []


def test_every_command_is_documented() -> None:
    commands = get_command(app).commands  # type: ignore[attr-defined]
    assert set(commands) >= {"poll", "run", "import", "export"}
    missing = [name for name in commands if f"`frontier-intake {name}" not in README]
    assert missing == []
