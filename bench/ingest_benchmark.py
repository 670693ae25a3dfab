"""Backlog benchmark against a real Dovecot: the wire, a plain parse loop, and the product end to end.

    .venv/bin/python bench/ingest_benchmark.py [--messages 5000] [--workers 0]

Fills a throwaway Dovecot with generated mail (mixed charsets, HTML, attachments; median ~10 KB, tail to
2 MB), then prints in one run:
  1. raw IMAP FETCH rate (imapclient, BODY.PEEK[] in batches of 100, imaplib debug off);
  2. a plain loop: that FETCH + stdlib ``email`` parsing (policy.default, body text decoded);
  3. the same FETCH + mail-parser (the product's parser), one process;
  4. ``frontier-intake poll --once`` over the same backlog into a fresh SQLite database: rate and peak
     memory of the whole process tree (PSS, shared pages counted once, and RSS; sampled every 20 ms);
  5. the same into a fresh PostgreSQL database (a throwaway cluster, as the tests start one).
This is a benchmark that prints figures, not a test; nothing asserts on time.
"""

from __future__ import annotations

import argparse
import email
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import mailparser  # noqa: E402

from bench.generate import generate_messages  # noqa: E402
from tests.support.dovecot import DovecotServer  # noqa: E402
from tests.support.postgres import PostgresServer, postgres_available  # noqa: E402


def tree_memory_kib(root_pid: int) -> tuple[int, int]:
    """Resident memory (RSS) and proportional set size (PSS: shared pages divided among the processes sharing
    them, so the sum is what the tree really occupies) of a process and all its descendants, in KiB."""
    return _tree_sum(root_pid, "status", "VmRSS:"), _tree_sum(root_pid, "smaps_rollup", "Pss:")


def _tree_sum(root_pid: int, name: str, field: str) -> int:
    """The sum of one /proc/<pid>/<name> field over a process and its descendants (Linux)."""
    total, stack, seen = 0, [root_pid], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/{name}") as handle:
                for line in handle:
                    if line.startswith(field):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    stack.extend(int(c) for c in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


def _fetch_all(server: DovecotServer, parse: bool | str) -> tuple[float, int]:
    """Time a FETCH of the whole folder; ``parse``: True for stdlib ``email``, ``"mailparser"`` for mail-parser."""
    with server.client() as client:
        client._imap.debug = 0
        client.select_folder("INBOX", readonly=True)
        uids = client.search("ALL")
        started = time.perf_counter()
        nbytes = 0
        for i in range(0, len(uids), 100):
            for item in client.fetch(uids[i : i + 100], ["BODY.PEEK[]", "INTERNALDATE"]).values():
                raw = item[b"BODY[]"]
                nbytes += len(raw)
                if parse == "mailparser":
                    mailparser.parse_from_bytes(raw).body  # noqa: B018 - the parse is what is timed
                elif parse:
                    msg = email.message_from_bytes(raw, policy=policy.default)
                    try:
                        body = msg.get_body(("plain", "html"))
                        if body is not None:
                            body.get_content()
                    except (LookupError, KeyError, ValueError, AssertionError):
                        pass
        return time.perf_counter() - started, nbytes


def _product(
    label: str, server: DovecotServer, root: Path, args: argparse.Namespace, n: int, plain: float, url: str | None
) -> None:
    """``poll --once`` over the backlog into a fresh database (``url``, else SQLite): rate and peak memory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update(
        {
            "INTAKE_IMAP_HOST": server.host,
            "INTAKE_IMAP_PORT": str(server.port),
            "INTAKE_IMAP_USER": server.user,
            "INTAKE_IMAP_PASSWORD": server.password,
            "INTAKE_IMAP_SECURITY": "none",
            "INTAKE_DATA_DIR": str(root / "data"),
            "INTAKE_PARSE_WORKERS": str(args.workers),
            "INTAKE_LOG_LEVEL": "WARNING",
        }
    )
    if url:
        env["INTAKE_DATABASE_URL"] = url
    # schema creation and interpreter start-up are not part of the backlog rate: do them first
    subprocess.run([sys.executable, "-m", "service", "export", "-o", os.devnull], env=env, cwd=REPO, check=True,
                   capture_output=True)  # fmt: skip
    peak = peak_pss = 0
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "service", "poll", "--once"], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        while not done.is_set():
            rss, pss = tree_memory_kib(proc.pid)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"product run failed: {err.strip()}")
    print(
        f"{label}: {n / elapsed:8.0f} msg/s  ({elapsed:.2f} s incl. start-up; {(n / elapsed) / (n / plain):.2f}x the"
        f" stdlib loop; peak memory of the process tree: PSS {peak_pss / 1024:.0f} MiB, RSS {peak / 1024:.0f} MiB)"
    )
    print(f"   {out.strip().splitlines()[-1]}")


def main() -> None:
    """Run the three measurements and print them."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=5000)
    ap.add_argument("--workers", type=int, default=0, help="INTAKE_PARSE_WORKERS for the product run")
    args = ap.parse_args()
    logging.getLogger("mailparser").setLevel(logging.CRITICAL)  # its notes on unhandled parts are not figures

    root = Path(tempfile.mkdtemp(prefix="intake-bench-", dir="/tmp"))
    server = DovecotServer(root / "dovecot", password="bench-password-1")
    try:
        server.start()
        t0 = time.perf_counter()
        base = datetime(2025, 9, 24, 8, 0, tzinfo=UTC)
        raws = list(generate_messages(args.messages, seed=1))
        sizes = sorted(len(r) for r in raws)
        server.append_many((raw, base + timedelta(minutes=i)) for i, raw in enumerate(raws))
        fill = time.perf_counter() - t0
        n = len(raws)
        mib, median = sum(sizes) / 2**20, statistics.median(sizes) / 1024
        print(
            f"backlog: {n} messages, {mib:.1f} MiB, median {median:.1f} KiB,"
            f" p99 {sizes[int(n * 0.99)] / 1024:.0f}"
            f" KiB, max {sizes[-1] / 2**20:.2f} MiB (filled in {fill:.1f} s)"
        )
        print(f"machine: {os.cpu_count()} CPU cores, Python {sys.version.split()[0]}")

        wire, nbytes = _fetch_all(server, parse=False)
        rate = nbytes / 2**20 / wire
        print(f"1. raw IMAP FETCH            : {n / wire:8.0f} msg/s  ({rate:.0f} MiB/s, {wire:.2f} s)")
        plain, _ = _fetch_all(server, parse=True)
        print(f"2. FETCH + stdlib email parse: {n / plain:8.0f} msg/s  ({plain:.2f} s, one process)")

        mp, _ = _fetch_all(server, parse="mailparser")
        print(f"3. FETCH + mail-parser       : {n / mp:8.0f} msg/s  ({mp:.2f} s, one process)")
        _product("4. frontier-intake (SQLite)  ", server, root / "sqlite", args, n, plain, None)
        if postgres_available():
            pg = PostgresServer(root / "pg").start()
            try:
                _product(
                    "5. frontier-intake (Postgres)",
                    server,
                    root / "postgres",
                    args,
                    n,
                    plain,
                    pg.create_database("bench"),
                )
            finally:
                pg.stop()
        else:
            print("5. frontier-intake (Postgres): PostgreSQL is not installed (Debian package postgresql)")
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
