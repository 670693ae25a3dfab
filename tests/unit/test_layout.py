"""The house rules a newcomer relies on: imports run one way, and the pure core reads no file and no clock."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# a package may import only the packages after it: service → config → handlers → parsers
ALLOWED = {"parsers": {"parsers"}, "handlers": {"handlers", "parsers"}, "config": {"config", "handlers", "parsers"}}
IMPURE_CALLS = {"open", "read_text", "read_bytes", "monotonic", "now", "today", "utcnow", "basicConfig", "setLevel"}


def _modules(package: str) -> list[Path]:
    return sorted((REPO / package).glob("*.py"))


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append((node.lineno, node.module.split(".")[0]))
        elif isinstance(node, ast.Import):
            names.extend((node.lineno, alias.name.split(".")[0]) for alias in node.names)
    return names


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_run_one_way(package: str) -> None:
    ours = {"service", "config", "handlers", "parsers"}
    wrong = [
        f"{path.relative_to(REPO)}:{line}: imports {name}"
        for path in _modules(package)
        for line, name in _imported(ast.parse(path.read_text(encoding="utf-8")))
        if name in ours and name not in ALLOWED[package]
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("package", ["handlers", "parsers"])
def test_the_core_reads_no_file_clock_or_logging_setup(package: str) -> None:
    wrong = []
    for path in _modules(package):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                if name in IMPURE_CALLS:
                    wrong.append(f"{path.relative_to(REPO)}:{node.lineno}: calls {name}()")
    assert not wrong, "\n".join(wrong)
