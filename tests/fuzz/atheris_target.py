"""Coverage-guided fuzzing of the parser boundary with atheris (libFuzzer over Python bytecode coverage).

Two targets, each over arbitrary bytes:

* ``message``: :func:`service.pipeline.process_one` (parse, attachments, triage) must return a
  :class:`~service.pipeline.Processed` whose only error is the parser's own ``MessageParseError``, and the
  parsed message and decision must pass the checks of :mod:`tests.fuzz.invariants`;
* ``attachment``: :func:`parsers.attachments.extract_text` under a PDF, DOCX or XLSX content type (chosen by the
  first byte, so any real file is a seed as it is) must return text within its limits and never raise.

Run it as a script; everything after the target name goes to libFuzzer::

    python tests/fuzz/atheris_target.py message -max_total_time=60 CORPUS_DIR [SEED_DIR …]
    python tests/fuzz/atheris_target.py attachment -runs=1 crash-…   # replay one input

An uncaught exception is a crash: libFuzzer prints the traceback, writes the input to ``crash-<sha1>`` (see
``-artifact_prefix``) and exits non-zero. ``tests/fuzz/test_atheris.py`` runs both targets for a bounded time.
"""

from __future__ import annotations

import logging
import sys
import warnings
from pathlib import Path

import atheris

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # this checkout's code, whatever the virtualenv was installed from

with atheris.instrument_imports(include=["parsers", "mailparser", "email", "pypdf", "docx", "openpyxl"]):
    import docx  # noqa: F401  (the readers parsers.attachments imports on first use: instrumented now)
    import openpyxl  # noqa: F401
    import pypdf  # noqa: F401

    from parsers.attachments import DEFAULT_LIMITS, extract_text
    from service.pipeline import process_one  # noqa: F401  (imported here so the instrumented modules load)

from config.knowledge import load_knowledge  # noqa: E402
from tests.fuzz.invariants import check_processed, check_storable  # noqa: E402

ATTACHMENT_TYPES = (
    ("application/pdf", "attachment.pdf"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "attachment.docx"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "attachment.xlsx"),
)
KNOWLEDGE = None


def message(data: bytes) -> None:
    """One input to the message target."""
    check_processed(data, KNOWLEDGE)  # type: ignore[arg-type]


def attachment(data: bytes) -> None:
    """One input to the attachment target."""
    content_type, filename = ATTACHMENT_TYPES[data[0] % len(ATTACHMENT_TYPES)] if data else ATTACHMENT_TYPES[0]
    text, note = extract_text(data, content_type, filename)
    assert isinstance(text, str) and len(text) <= DEFAULT_LIMITS.max_chars, len(text)
    assert note is None or isinstance(note, str), note
    check_storable([text, note], "attachment text")


TARGETS = {"message": message, "attachment": attachment}


def main(argv: list[str]) -> None:
    """``atheris_target.py TARGET [libFuzzer arguments …]``."""
    global KNOWLEDGE
    if len(argv) < 2 or argv[1] not in TARGETS:
        sys.exit(f"usage: {Path(argv[0]).name} {{{','.join(TARGETS)}}} [libFuzzer arguments …]")
    logging.disable(logging.CRITICAL)  # mail-parser and pypdf log every oddity: millions of lines
    warnings.simplefilter("ignore")
    if argv[1] == "message":
        KNOWLEDGE = load_knowledge(REPO / "config" / "events.toml")
    atheris.Setup([argv[0], *argv[2:]], TARGETS[argv[1]])
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
