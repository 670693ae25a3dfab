"""Triage speed and memory over the labelled set: median time per message and what the models cost.

    .venv/bin/python bench/triage_benchmark.py

Times ``handlers.triage.triage`` alone (parsing excluded) on every labelled message, after a warm-up, for
messages without attachments and with them; then measures, each in a fresh interpreter, the resident
memory that the language model, the country tables and the triage model add, the triage model's load time,
and the time `train --default` takes on the shipped labelled data. A benchmark that prints figures, not a test.
"""

from __future__ import annotations

import json
import logging
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from config.knowledge import DEFAULT_MODEL, load_knowledge  # noqa: E402
from handlers.triage import triage  # noqa: E402
from parsers.message import parse_message  # noqa: E402
from service.pipeline import attachment_text  # noqa: E402

LABELLED = REPO / "tests" / "triage" / "labelled"
MEMORY_PROBE = """
import sys; sys.path.insert(0, {repo!r})
def rss():
    return int(open('/proc/self/status').read().split('VmRSS:')[1].split()[0]) / 1024
import handlers.triage, parsers.message
before = rss()
{load}
print(round(rss() - before, 1))
"""


MODEL_LOAD = """
import sys, time; sys.path.insert(0, {repo!r})
from config.knowledge import DEFAULT_MODEL, load_model
started = time.perf_counter(); load_model(DEFAULT_MODEL); print(round((time.perf_counter() - started) * 1000))
"""


def _memory(load: str) -> float:
    code = MEMORY_PROBE.format(repo=str(REPO), load=load)
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def main() -> None:
    """Print the timing and memory figures."""
    logging.getLogger("mailparser").setLevel(logging.CRITICAL)  # its notes on unhandled parts are not figures
    knowledge = load_knowledge(REPO / "config" / "events.toml")  # loads the model and the tables once
    labels = [json.loads(line) for line in (LABELLED / "labels.jsonl").read_text().splitlines() if line.strip()]
    parsed = [parse_message((LABELLED / label["file"]).read_bytes()) for label in labels]
    plain: list[float] = []
    with_files: list[float] = []
    for _ in range(3):
        for message in parsed:
            text = attachment_text(message)
            started = time.perf_counter()
            triage(message, knowledge, text)
            elapsed = (time.perf_counter() - started) * 1000
            (with_files if message.attachments else plain).append(elapsed)
    for name, values in (("without attachments", plain), ("with attachments", with_files), ("all", plain + with_files)):
        values.sort()
        print(
            f"triage {name:20}: median {statistics.median(values):.2f} ms, p95 {values[int(len(values) * 0.95)]:.2f}"
            f" ms, max {values[-1]:.2f} ms  ({len(values) // 3} messages x 3 runs)"
        )
    language = _memory("from config.knowledge import load_latin_model; load_latin_model()")
    countries = _memory(
        "from config.countries import load_country_tables; from handlers.countries import find_country_or_org;"
        " find_country_or_org('Permanent Mission of France', load_country_tables())"
    )
    print(
        f"memory: language model (py3langid, en/fr/es) +{language:.1f} MiB RSS; "
        f"country tables (CLDR + pycountry) +{countries:.1f} MiB RSS"
    )
    model = _memory("from config.knowledge import DEFAULT_MODEL, load_model; load_model(DEFAULT_MODEL)")
    load = subprocess.run(
        [sys.executable, "-c", MODEL_LOAD.format(repo=str(REPO))], capture_output=True, text=True, check=True
    ).stdout.strip()
    size = DEFAULT_MODEL.stat().st_size / 1024 / 1024
    print(f"triage model: {size:.1f} MiB file, loads in {load} ms, +{model:.1f} MiB RSS")
    started = time.perf_counter()
    trained = subprocess.run(
        [sys.executable, "-m", "service", "train", "--default", "--output", "/dev/null"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    print(f"training on the shipped data: {time.perf_counter() - started:.1f} s end to end ({trained.stdout.strip()})")


if __name__ == "__main__":
    main()
