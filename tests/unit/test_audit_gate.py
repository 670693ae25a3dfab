"""The dependency audit of scripts/test (scripts/audit.py): a known vulnerability fails the run; a vulnerability
database that cannot be reached is said plainly and does not; pip-audit is pinned where the repo installs it."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("audit_gate", REPO / "scripts" / "audit.py")
assert _spec and _spec.loader
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)

CLEAN = {"name": "jinja2", "version": "3.1.6", "vulns": []}
VULNERABLE = {
    "name": "jinja2",
    "version": "3.1.4",
    "vulns": [{"id": "GHSA-q2x7-8rv6-6q7h", "fix_versions": ["3.1.5"], "aliases": ["CVE-2024-56201"]}],
}
SKIPPED = {
    "name": "requests",
    "skip_reason": "Dependency not found on PyPI and could not be audited: requests (2.34.2)",
}


def test_a_known_vulnerability_fails_the_run_and_names_the_fix() -> None:
    code, lines = audit.verdict({"dependencies": [CLEAN, VULNERABLE], "fixes": []}, 1)
    assert code == 1
    assert any("jinja2 3.1.4" in line and "CVE-2024-56201" in line and "3.1.5" in line for line in lines), lines


def test_a_vulnerability_fails_the_run_even_when_other_packages_could_not_be_checked() -> None:
    code, lines = audit.verdict({"dependencies": [VULNERABLE, SKIPPED]}, 1)
    assert code == 1 and any("could not be checked" in line for line in lines)


def test_an_unreachable_database_passes_but_says_nothing_was_audited() -> None:
    stderr = "Traceback …\nrequests.exceptions.ConnectionError: Failed to resolve the vulnerability service\n"
    code, lines = audit.verdict(None, 1, stderr)
    assert code == 0 and "NOT audited" in lines[0] and "ConnectionError" in lines[1]
    code, lines = audit.verdict({"dependencies": [SKIPPED, {**SKIPPED, "name": "rich"}]}, 0)
    assert code == 0 and "none of the 2 locked packages could be checked: NOT audited" in lines[0]
    assert not any("no known vulnerability" in line for line in lines)  # never claimed for unchecked packages


def test_a_clean_audit_passes_and_counts_what_was_checked() -> None:
    assert audit.verdict({"dependencies": [CLEAN, {**CLEAN, "name": "rich"}]}, 0) == (
        0,
        ["pip-audit: no known vulnerability in the 2 locked packages"],
    )
    code, lines = audit.verdict({"dependencies": [CLEAN, SKIPPED]}, 0)
    assert code == 0 and lines[-1] == "pip-audit: no known vulnerability in the 1 packages that could be checked"


def test_scripts_test_audits_after_ruff_and_before_pytest_with_the_pinned_pip_audit() -> None:
    steps = [line for line in (REPO / "scripts" / "test").read_text().splitlines() if line.startswith(".venv/")]
    assert [s.split()[1] for s in steps[:3]] == ["check", "scripts/audit.py", "-m"], steps
    assert "pytest" in steps[2]
    lock = re.search(r"^pip-audit==(\S+)$", (REPO / "requirements.lock").read_text(), re.MULTILINE)
    assert lock and f'"pip-audit=={lock.group(1)}"' in (REPO / "pyproject.toml").read_text()
