"""The atheris targets (tests/fuzz/atheris_target.py) run in a subprocess for a bounded time; a crash fails the test.

Seeds: the sample mailbox, a deterministic selection of tests/triage and of the shared corpus (../shared/corpus,
when it is there), the inputs of tests/fuzz/regressions/, and for the attachment target small PDF, DOCX and XLSX
files plus the attachments of those messages. The budget follows the hypothesis profile (``dev``: 10 s + 5 s,
``ci``: 60 s + 30 s, ``deep``: 10 + 5 minutes) or ``ATHERIS_SECONDS`` (the message target's; the attachment
target gets half). Without atheris the test skips on a developer's machine and fails in CI.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from parsers.attachments import detect_kind
from parsers.message import MessageParseError, parse_message
from tests.conftest import CORPUS, IN_CI
from tests.fuzz.conftest import PROFILE, REPO
from tests.fuzz.strategies import sample_files, samples

pytestmark = [pytest.mark.fuzz, pytest.mark.slow]

TARGET = Path(__file__).with_name("atheris_target.py")
REGRESSIONS = Path(__file__).with_name("regressions")
BUDGETS = {"dev": 10, "ci": 60, "deep": 600}  # seconds of the message target
MAX_SEED_BYTES = 64 * 1024  # larger seeds slow every mutation; the big ones are in the hypothesis samples anyway
SEEDS_PER_FOLDER = 150  # of tests/triage and of the shared corpus: the first run of each seed costs a few ms
CRASH_PREFIXES = ("crash-", "timeout-", "oom-", "leak-")


def _seconds(target: str) -> int:
    seconds = int(os.environ.get("ATHERIS_SECONDS") or BUDGETS.get(PROFILE, BUDGETS["dev"]))
    return seconds if target == "message" else max(5, seconds // 2)


def _some_files(folder: Path, count: int) -> list[Path]:
    """Up to ``count`` files of ``folder`` (recursively) no larger than MAX_SEED_BYTES, the same ones each run."""
    if not folder.is_dir():
        return []
    files = [p for p in folder.rglob("*") if p.is_file() and 0 < p.stat().st_size <= MAX_SEED_BYTES]
    files.sort(key=lambda p: hashlib.sha256(str(p.relative_to(folder)).encode()).hexdigest())
    return files[:count]


def _message_seeds() -> list[bytes]:
    found = [*_some_files(REPO / "tests" / "triage", SEEDS_PER_FOLDER), *_some_files(CORPUS, SEEDS_PER_FOLDER)]
    return [
        *samples(),
        *(p.read_bytes() for p in found),
        *(p.read_bytes() for p in _some_files(REGRESSIONS / "message", 1000)),
    ]


def _attachment_seeds(messages: list[bytes]) -> list[bytes]:
    seeds = [*sample_files().values(), *(p.read_bytes() for p in _some_files(REGRESSIONS / "attachment", 1000))]
    for raw in messages:
        try:
            parsed = parse_message(raw)
        except MessageParseError:
            continue
        for attachment in parsed.attachments:
            data = attachment.payload
            if len(data) <= MAX_SEED_BYTES and detect_kind(data, attachment.content_type, attachment.filename) in (
                "pdf",
                "docx",
                "xlsx",
            ):
                seeds.append(data)
    return seeds


def _write_corpus(folder: Path, seeds: list[bytes]) -> None:
    folder.mkdir(parents=True)
    for data in seeds:
        (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def _run(target: str, corpus: Path, artifacts: Path) -> None:
    """Fuzz ``target`` for its budget; fail with the input and the traceback when libFuzzer reports a crash."""
    seconds = _seconds(target)
    artifacts.mkdir(parents=True, exist_ok=True)
    log = artifacts / "fuzz.log"
    command = [
        sys.executable,
        str(TARGET),
        target,
        f"-max_total_time={seconds}",
        "-timeout=30",  # one input taking longer is a hang: the readers' limits are counts, never the clock
        "-rss_limit_mb=3072",
        f"-max_len={MAX_SEED_BYTES}",
        f"-artifact_prefix={artifacts}/",
        "-print_final_stats=1",
        *(["-seed=1"] if PROFILE == "ci" else []),
        str(corpus),
    ]
    with log.open("wb") as out:
        result = subprocess.run(command, cwd=artifacts, stdout=out, stderr=subprocess.STDOUT, timeout=seconds + 600)
    output = log.read_text(encoding="utf-8", errors="replace")
    crashes = sorted(p for p in artifacts.iterdir() if p.name.startswith(CRASH_PREFIXES))
    if result.returncode != 0 or crashes:
        shown = "\n".join(f"{p} ({p.stat().st_size} bytes): {p.read_bytes()[:600]!r}" for p in crashes)
        replay = f"{sys.executable} {TARGET.relative_to(REPO)} {target} -runs=1 FILE"
        start = output.find("=== Uncaught Python exception")
        report = output[start : start + 6000] if start >= 0 else output[-6000:]
        pytest.fail(
            f"atheris {target}: exit {result.returncode}\n{shown or 'no crash file'}\nreplay: {replay}\n"
            f"--- its report ---\n{report}",
            pytrace=False,
        )
    done = [line for line in output.splitlines() if line.startswith("Done ") and " runs in " in line]
    assert done and int(done[-1].split()[1]) > 0, output[-3000:]


@pytest.fixture(scope="module")
def atheris_ready() -> None:
    """atheris is installed (requirements.lock); missing, the test fails in CI rather than pass unseen."""
    if importlib.util.find_spec("atheris") is None:
        message = "atheris is not installed (scripts/setup installs it from requirements.lock; Linux x86-64 only)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def test_atheris_message_target_finds_no_crash(atheris_ready: None, tmp_path: Path) -> None:
    _write_corpus(tmp_path / "corpus", _message_seeds())
    _run("message", tmp_path / "corpus", tmp_path / "artifacts")


def test_atheris_attachment_target_finds_no_crash(atheris_ready: None, tmp_path: Path) -> None:
    _write_corpus(tmp_path / "corpus", _attachment_seeds(_message_seeds()))
    _run("attachment", tmp_path / "corpus", tmp_path / "artifacts")
