"""Push latency: time from APPEND to stored, and from APPEND to the acknowledgment at the SMTP server.

    .venv/bin/python bench/idle_benchmark.py [--messages 30] [--gap 2.0] [--poll-seconds 60]

Starts a throwaway Dovecot and a recording SMTP server on 127.0.0.1 and one ``frontier-intake run`` worker
(SQLite, acknowledgments sent), then APPENDs questions one at a time at random gaps (mean ``--gap`` s) and
records when each is first seen in the database and when its acknowledgment reaches the SMTP server. Runs
twice: with IMAP IDLE (the default) and in polling mode (``INTAKE_IMAP_IDLE=false``, the poll every
``--poll-seconds``, the product's default 60 s unless told), and prints the median and 95th percentile of
each. A benchmark that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.dovecot import DovecotServer  # noqa: E402
from tests.support.messages import make_message  # noqa: E402
from tests.support.smtp import Delivery, RecordingHandler, SmtpServer  # noqa: E402


def _question(n: int, run: str) -> tuple[bytes, str]:
    message_id = f"<idle-{run}-{n}@bench.example>"
    body = (
        f"Dear colleagues,\n\nCould you please confirm item {n} of the programme for the session?\n\n"
        "Thank you in advance and kind regards,\nAnna Berg\nMinistry of Economy"
    )
    raw = make_message(n, message_id=message_id, subject="Question about the session", body=body,
                       date=datetime.now(UTC))  # fmt: skip
    return raw, message_id


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _seen_in_database(db: Path, wanted: dict[str, float], seen: dict[str, float], done: threading.Event) -> None:
    """Record when each wanted Message-ID first appears in the messages table (checked every 20 ms)."""
    while not done.is_set():
        if db.exists():
            try:
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
                    for (mid,) in con.execute("SELECT message_id FROM message WHERE message_id LIKE '<idle-%'"):
                        if mid in wanted and mid not in seen:
                            seen[mid] = time.monotonic()
            except sqlite3.Error:
                pass
        time.sleep(0.02)


def _run(label: str, args: argparse.Namespace, root: Path, idle: bool) -> None:
    server = DovecotServer(root / f"dovecot-{label}", password="bench-password-1")
    acked: dict[str, float] = {}

    def on_delivery(delivery: Delivery) -> None:
        acked.setdefault(str(delivery.message["In-Reply-To"]), time.monotonic())

    smtp = SmtpServer(RecordingHandler(on_delivery=on_delivery)).start()
    data = root / f"data-{label}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update(
        {
            "INTAKE_DATA_DIR": str(data),
            "INTAKE_IMAP_HOST": "127.0.0.1",
            "INTAKE_IMAP_USER": server.user,
            "INTAKE_IMAP_PASSWORD": server.password,
            "INTAKE_IMAP_SECURITY": "none",
            "INTAKE_IMAP_IDLE": "true" if idle else "false",
            "INTAKE_POLL_SECONDS": str(args.poll_seconds),
            "INTAKE_ACK_MODE": "send",
            "INTAKE_ACK_FROM": "frontier.tech@wipo.int",
            "INTAKE_ACK_PER_SENDER_HOURS": "0",
            "INTAKE_SMTP_HOST": smtp.host,
            "INTAKE_SMTP_PORT": str(smtp.port),
            "INTAKE_SMTP_SECURITY": "none",
            "INTAKE_LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
        }
    )
    worker = None
    try:
        server.start()
        env["INTAKE_IMAP_PORT"] = str(server.port)
        log = open(root / f"worker-{label}.log", "wb")  # noqa: SIM115 - closed with the process
        worker = subprocess.Popen([sys.executable, "-m", "service", "run"], cwd=REPO, env=env,
                                  stdout=log, stderr=log)  # fmt: skip
        time.sleep(args.warmup)  # start-up (imports, the parser processes' knowledge) is not push latency
        appended: dict[str, float] = {}
        seen: dict[str, float] = {}
        done = threading.Event()
        watcher = threading.Thread(target=_seen_in_database, args=(data / "intake.db", appended, seen, done))
        watcher.start()
        rng = random.Random(7)
        for n in range(1, args.messages + 1):
            raw, message_id = _question(n, label)
            server.append(raw, internaldate=datetime.now(UTC))
            appended[message_id] = time.monotonic()
            time.sleep(rng.uniform(0.5, 1.5) * args.gap)
        deadline = time.monotonic() + args.poll_seconds + 60
        while time.monotonic() < deadline and (len(seen) < len(appended) or len(acked) < len(appended)):
            time.sleep(0.1)
        done.set()
        watcher.join()
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=60)
        smtp.stop()
        server.stop()
    if args.keep:
        print(f"   worker log and database kept in {root}")
    stored = [seen[m] - t for m, t in appended.items() if m in seen]
    answered = [acked[m] - t for m, t in appended.items() if m in acked]
    mode = "IMAP IDLE" if idle else f"polling every {args.poll_seconds} s"
    if not stored or not answered:
        print(f"{mode}: stored {len(stored)}, acknowledged {len(answered)} of {len(appended)}; see --keep")
        return
    print(f"{mode:>24}: APPEND → stored  median {statistics.median(stored):6.2f} s  p95 {_p95(stored):6.2f} s"
          f"  ({len(stored)}/{len(appended)})")  # fmt: skip
    print(f"{'':>24}  APPEND → ack at SMTP median {statistics.median(answered):6.2f} s  p95 {_p95(answered):6.2f} s"
          f"  ({len(answered)}/{len(appended)})")  # fmt: skip


def main() -> None:
    """Run the IDLE and the polling measurement and print them."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=30)
    ap.add_argument("--gap", type=float, default=2.0, help="mean seconds between two APPENDs")
    ap.add_argument("--poll-seconds", type=int, default=60, help="INTAKE_POLL_SECONDS in both runs")
    ap.add_argument("--keep", action="store_true", help="keep the data folders and worker logs")
    ap.add_argument("--warmup", type=float, default=15.0, help="seconds given to the worker to start")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="intake-idle-", dir="/tmp"))
    print(f"{args.messages} questions APPENDed one at a time, mean gap {args.gap} s; one worker, SQLite, acks sent")
    try:
        _run("idle", args, root, idle=True)
        _run("poll", args, root, idle=False)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
