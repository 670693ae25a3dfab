"""Fifty SIGKILLs at random points of `poll --once` with acknowledgments on, then one clean pass: the tally.

A backlog of 120 messages in Dovecot, most of them genuine questions (each due an acknowledgment), the rest
automatic replies (none due). Each run is killed — its whole process group: the service, the fork server and
the parser processes — at a point drawn from a seeded RNG: while it starts and fetches, while it parses and
stores a batch, inside the SMTP transactions, or at the very moment the SMTP server queues an
acknowledgment (before its 250 reaches the worker). After the acknowledgment lease has expired a clean pass
finishes the work. Printed (``pytest -s``) and in every assertion message, on one line::

    kill tally: runs 50; messages expected N / stored N / doubled 0;
    acknowledgments due D / sent S / doubled 0 / uncertain U

``due``: rows the product queued to send; ``sent``: rows marked sent, each delivered at the SMTP server exactly
once; ``uncertain``: rows a kill left inside an SMTP transaction (staff must check them), each delivered at most
once. Doubles are counted in the database (two rows or two copies of one message) and at the SMTP server (one
acknowledgment's Message-ID, or one original's In-Reply-To, received twice).
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy.exc import SQLAlchemyError

from tests.conftest import REPO, intake_env
from tests.integration.test_acknowledgments import asking
from tests.support.db import count_or_zero, rows
from tests.support.messages import make_message
from tests.support.ui import problems_shown

pytestmark = [pytest.mark.integration, pytest.mark.slow]
QUESTIONS, ROBOTS, RUNS = 100, 20, 50
SEED = 2013


def _backlog() -> list[bytes]:
    """Genuine questions (acknowledged unreviewed) and automatic replies (never acknowledged), interleaved."""
    mails = [
        asking(n, f"Could you please confirm item {n} of the programme for the session?") for n in range(QUESTIONS)
    ]
    for n in range(QUESTIONS, QUESTIONS + ROBOTS):
        robot = make_message(n, subject=f"Automatic reply: Nomination {n}", body="I am out of the office until Monday.")
        mails.insert((n - QUESTIONS) * 5, robot.replace(b"\nSubject:", b"\nAuto-Submitted: auto-replied\nSubject:", 1))
    return mails


def _group_alive(pgid: int) -> list[int]:
    """Live processes (not zombies) of process group ``pgid``."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            alive.append(int(entry.name))
    return alive


class Killer:
    """Kills the current run's process group, from the test or from the SMTP server's thread."""

    def __init__(self) -> None:
        self.pgid: int | None = None
        self.at_delivery: int | None = None  # kill when the SMTP server has queued this many in the run
        self.delivered = 0
        self.lock = threading.Lock()

    def kill(self) -> None:
        with self.lock:
            if self.pgid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.pgid, signal.SIGKILL)

    def on_delivery(self, _delivery) -> None:
        """Runs in the SMTP server before it answers 250: the worker dies with the message queued, unconfirmed."""
        self.delivered += 1
        if self.at_delivery is not None and self.delivered >= self.at_delivery:
            self.at_delivery = None
            self.kill()


def _unsent(settings) -> int:
    """Acknowledgments still to send (0 while the schema does not exist yet)."""
    try:
        return rows(settings, "SELECT count(*) FROM acknowledgment WHERE status IN ('pending', 'sending')")[0][0]
    except SQLAlchemyError:
        return 0


def _kill_point(rng: random.Random, *, all_stored: bool, unsent: bool) -> tuple[str, int, float]:
    """Where the next run dies: its phase, how many events of it to wait for, then how many seconds more."""
    if not all_stored:
        phase = rng.choice(["start", "store", "store", "store"])
    elif unsent:
        phase = rng.choice(["start", "smtp", "smtp", "at_delivery", "at_delivery"])
    else:
        phase = "start"
    if phase == "start":  # imports, migrations, the IMAP login, the fork server, the first fetch
        return phase, 0, rng.uniform(0.0, 2.5)
    if phase == "store":  # a batch committed, then into the fetch, parse or store of the next one
        return phase, 1, rng.uniform(0.0, 0.2)
    if phase == "smtp":  # the k-th acknowledgment of the run queued, then in or between SMTP transactions
        return phase, rng.randint(1, 4), rng.uniform(0.0, 0.05)
    return phase, rng.randint(1, 4), 0.0  # at the k-th queued acknowledgment, before the worker hears 250


def _wait_for(condition, seconds: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None and not condition():
        time.sleep(0.01)


def test_fifty_sigkills_with_acknowledgments_on_lose_and_double_nothing(dovecot, ack_settings, smtp) -> None:
    backlog = _backlog()
    dovecot.append_many([(raw, None) for raw in backlog])
    killer = Killer()
    smtp.handler.on_delivery = killer.on_delivery
    smtp.handler.delay = 0.03  # queued, then answered: a kill can land between the two
    # batches of 16 go to the parser processes (two); a short SMTP timeout allows a short ack lease
    settings = ack_settings(imap_batch_size=16, parse_workers=2, smtp_timeout_seconds=0.3, ack_lease_seconds=3,
                            ack_hourly_cap=5000, imap_idle=False)  # fmt: skip
    env = intake_env(settings)
    rng = random.Random(SEED)
    phases: Counter[str] = Counter()
    killed = attempts = 0
    started = time.monotonic()
    while killed < RUNS and attempts < 3 * RUNS:  # a run may finish before its kill point (nothing left to do)
        attempts += 1
        stored, delivered = count_or_zero(settings, "message"), len(smtp.handler.deliveries)
        phase, events, delay = _kill_point(rng, all_stored=stored == len(backlog), unsent=_unsent(settings) > 0)
        killer.delivered, killer.at_delivery = 0, events if phase == "at_delivery" else None
        proc = subprocess.Popen(
            [sys.executable, "-m", "service", "poll", "--once"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the fork server and parsers go with it
        )
        killer.pgid = proc.pid
        if phase == "store":
            _wait_for(lambda before=stored: count_or_zero(settings, "message") > before, 60, proc)
        elif phase == "smtp":
            _wait_for(lambda before=delivered + events: len(smtp.handler.deliveries) >= before, 60, proc)
        elif phase == "at_delivery":
            _wait_for(lambda: killer.at_delivery is None, 60, proc)
        time.sleep(delay)
        if proc.poll() is None:
            killer.kill()
            killed += 1
            phases[phase] += 1
        proc.wait(timeout=30)
        with killer.lock:
            killer.pgid = None
        gone_by = time.monotonic() + 10
        while _group_alive(proc.pid) and time.monotonic() < gone_by:
            time.sleep(0.05)
        assert _group_alive(proc.pid) == [], f"run {attempts}: a process of the killed run lingers"
    kills_took = time.monotonic() - started

    time.sleep(settings.ack_lease_seconds + 0.5)  # the lease of a row killed while `sending` has expired
    final = subprocess.run(
        [sys.executable, "-m", "service", "poll", "--once"], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip

    expected = len(backlog)
    stored, distinct = rows(settings, "SELECT count(*), count(DISTINCT message_id) FROM message")[0]
    locations = rows(settings, "SELECT count(*), count(DISTINCT uid) FROM message_location")[0]
    acks = rows(settings, "SELECT status, message_id, message_id_header FROM acknowledgment")
    by_status = Counter(status for status, *_ in acks)
    due = sum(n for status, n in by_status.items() if status != "suppressed")
    by_header = Counter(d.message["Message-ID"] for d in smtp.handler.deliveries)
    by_original = Counter(d.message["In-Reply-To"] for d in smtp.handler.deliveries)
    sent_ids = {header for status, _, header in acks if status == "sent"}
    uncertain_ids = {header for status, _, header in acks if status == "uncertain"}
    messages_doubled = (stored - distinct) + (locations[0] - locations[1])
    db_acks_doubled = len(acks) - len({message for _, message, _ in acks})
    smtp_doubled = max(sum(n - 1 for n in by_header.values()), sum(n - 1 for n in by_original.values()))
    acks_doubled = db_acks_doubled + smtp_doubled
    sent, uncertain = by_status["sent"], by_status["uncertain"]
    tally = (
        f"kill tally: runs {killed}; messages expected {expected} / stored {stored} / doubled {messages_doubled}; "
        f"acknowledgments due {due} / sent {sent} / doubled {acks_doubled} / uncertain {uncertain}"
    )
    print(f"\n{tally}")
    print(f"(kill points {dict(phases)}; {attempts} runs started, the kills took {kills_took:.0f} s)")
    context = f"{tally}\nstatuses {dict(by_status)}; final pass:\n{final.stderr[-1500:]}"

    assert final.returncode == 0, context
    assert killed == RUNS, context
    assert stored == expected and locations == (expected, expected), context
    assert messages_doubled == 0 and acks_doubled == 0, context
    assert due >= QUESTIONS - 2, context  # the questions are acknowledged unreviewed, the robots never
    assert sent + uncertain == due, context  # nothing left pending, sending or failed
    assert all(by_header[header] == 1 for header in sent_ids), context  # each sent row reached the server once
    assert all(by_header[header] <= 1 for header in uncertain_ids), context
    assert set(by_header) <= sent_ids | uncertain_ids, context  # nothing reached the server that the DB lacks
    shown = [text for kind, text in problems_shown(settings) if kind == "acknowledgments"]
    if uncertain:  # staff see the uncertain ones on every page
        assert len(shown) == 1 and f"{uncertain} acknowledgment(s) failed or uncertain" in shown[0], (context, shown)
    else:
        assert shown == [], (context, shown)
