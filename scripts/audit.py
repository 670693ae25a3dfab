"""Known vulnerabilities in the locked requirements (pip-audit), as scripts/test runs it after ruff, before pytest.

Fails (exit 1) when a locked package has a known vulnerability. The audit asks a vulnerability database over the
network; when that database cannot be reached, or has no record of a locked version, the packages it could not
check are named and the run goes on (exit 0): a machine without that access must not turn CI red, and saying
"no known vulnerabilities" about packages nobody checked would be worse than saying nothing.

    .venv/bin/python scripts/audit.py [REQUIREMENTS]     # default: requirements.lock
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 600  # seconds for the whole audit; a database that never answers counts as unreachable


def verdict(report: dict[str, Any] | None, returncode: int, stderr: str = "") -> tuple[int, list[str]]:
    """The exit code and the lines to print, from pip-audit's JSON report (None: it wrote none) and its exit."""
    if report is None:
        reason = next((line for line in reversed(stderr.strip().splitlines()) if line.strip()), f"exit {returncode}")
        return 0, [
            "pip-audit: the vulnerability database could not be reached; the locked requirements were NOT audited",
            f"  ({reason.strip()[:300]})",
        ]
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    lines = []
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            aliases = ", ".join(vuln.get("aliases") or [])
            lines.append(
                f"VULNERABLE {dependency['name']} {dependency.get('version', '')}: {vuln.get('id')}"
                + (f" ({aliases})" if aliases else "")
                + f"; fixed in {fixed}"
            )
    if skipped:
        lines.append(
            f"pip-audit: none of the {len(dependencies)} locked packages could be checked: NOT audited"
            if not audited
            else f"pip-audit: {len(skipped)} of the {len(dependencies)} locked packages could not be checked"
        )
        lines.append("  the vulnerability database could not be reached or has no record of these versions:")
        lines += [f"  - {d['name']}: {d['skip_reason']}" for d in skipped[:5]]
        if len(skipped) > 5:
            lines.append(f"  … and {len(skipped) - 5} more")
    if vulnerable:
        return 1, [*lines, f"pip-audit: {len(vulnerable)} locked package(s) with known vulnerabilities"]
    if audited and not skipped:
        return 0, [f"pip-audit: no known vulnerability in the {audited} locked packages"]
    if audited:
        lines.append(f"pip-audit: no known vulnerability in the {audited} packages that could be checked")
    return 0, lines


def main(argv: list[str]) -> int:
    requirements = Path(argv[0]) if argv else REPO / "requirements.lock"
    with tempfile.TemporaryDirectory(prefix="pip-audit-") as folder:
        output = Path(folder) / "report.json"
        command = [
            sys.executable, "-m", "pip_audit", "--requirement", str(requirements), "--no-deps", "--disable-pip",
            "--progress-spinner", "off", "--timeout", "15", "--format", "json", "--output", str(output),
        ]  # fmt: skip
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, cwd=REPO)
            returncode, stderr = done.returncode, done.stderr
        except subprocess.TimeoutExpired:
            returncode, stderr = -1, f"no answer within {TIMEOUT} s"
        try:
            report = json.loads(output.read_text(encoding="utf-8")) if output.exists() else None
        except ValueError:
            report = None
    if report is None and "No module named pip_audit" in stderr:
        print("pip-audit is not installed: run scripts/setup", file=sys.stderr)
        return 1
    code, lines = verdict(report, returncode, stderr)
    print("\n".join(lines), file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
