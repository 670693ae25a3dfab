"""Docs that cannot drift: every setting and every command is in the README."""

import re
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


def test_the_container_commands_are_documented_commands() -> None:
    """What the Dockerfile and the compose file run are CLI commands the README documents."""
    repo = Path(__file__).resolve().parents[2]
    compose = (repo / "docker-compose.yml").read_text(encoding="utf-8")
    dockerfile = (repo / "Dockerfile").read_text(encoding="utf-8")
    used = [m.split('", "')[0] for m in re.findall(r'command: \["([^\]]+)"\]', compose)]
    used += re.findall(r'"frontier-intake", "([a-z]+)"', dockerfile) + re.findall(r'CMD \["([a-z]+)"\]', dockerfile)
    commands = get_command(app).commands  # type: ignore[attr-defined]
    assert {"run", "serve", "db", "status"} <= set(used)
    for name in used:
        assert name in commands and f"`frontier-intake {name}" in README, name
