"""A failed poll is one log line, a metric by kind and a problem on every page of the review UI; a refused
login backs off; the problem goes when polling works again; failed acknowledgments and a stale poll show too."""

from __future__ import annotations

import logging
import re
import threading
import time
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY

from service import health
from service.leader import LeaderPoll
from service.models import utcnow
from service.worker import build_pipeline
from tests.conftest import cli, intake_env
from tests.integration.test_acknowledgments import asking
from tests.support.db import rows
from tests.support.ui import page_shown, problems_shown

pytestmark = pytest.mark.integration


def _failures(kind: str) -> float:
    return REGISTRY.get_sample_value("intake_worker_poll_failures_total", {"kind": kind}) or 0.0


def _auth_failures(dovecot) -> int:
    return dovecot.log_path.read_text(errors="replace").count("auth failed") if dovecot.log_path.exists() else 0


def test_a_refused_login_is_one_line_a_metric_a_problem_shown_and_backs_off(dovecot, imap_settings, caplog):
    settings = imap_settings(imap_password="wrong-password", poll_seconds=60, lease_seconds=30)
    stop = threading.Event()
    before = _failures("imap_login")
    with build_pipeline(settings) as pipeline, caplog.at_level(logging.INFO):
        poll = LeaderPoll(settings, pipeline)
        poll.run(stop)
        deadline = time.monotonic() + 10
        while (logins := _auth_failures(dovecot)) < 1 and time.monotonic() < deadline:
            time.sleep(0.1)  # Dovecot logs the refused login as the connection ends
        assert logins == 1
        for _ in range(5):  # the job runs every few seconds; a backing-off poll does not try again
            poll.run(stop, due=True)
        assert _auth_failures(dovecot) == logins
        poll.release()
    failed = [r for r in caplog.records if r.name == "intake.worker" and r.levelno == logging.ERROR]
    assert len(failed) == 1 and failed[0].exc_info is None
    message = failed[0].getMessage()
    assert message.startswith("poll failed: IMAP login to") and "INTAKE_IMAP_PASSWORD" in message
    assert "\n" not in message and "wrong-password" not in message  # the secret never reaches the log
    assert _failures("imap_login") == before + 1
    [(kind, text)] = problems_shown(settings)
    assert kind == "imap_login" and "failed 1 time(s) in a row" in text and "INTAKE_IMAP_USER" in text
    status = cli("status", env=intake_env(settings))
    assert status.returncode == 0 and "FAILING since" in status.stdout and "refused" in status.stdout

    fixed = settings.model_copy(update={"imap_password": imap_settings().imap_password})
    dovecot.append(asking(1, "Could you please confirm the time of the session?"))
    with build_pipeline(fixed) as pipeline:
        LeaderPoll(fixed, pipeline).run(stop)
    assert rows(fixed, "SELECT count(*) FROM message")[0][0] == 1
    assert problems_shown(fixed) == []  # polling works again: the problem is gone, for every page
    assert rows(fixed, "SELECT failures, last_error FROM poll_lease") == [(0, None)]


def test_failed_acknowledgments_and_a_stale_poll_are_shown_and_the_queue_lists_them(dovecot, imap_settings):
    settings = imap_settings(ack_mode="send", smtp_host="127.0.0.1", smtp_security="none")
    dovecot.append(asking(1, "Could you please confirm the date of the session?"))
    dovecot.append(asking(2, "Could you please tell us where the session will take place?"))
    stop = threading.Event()
    with build_pipeline(settings) as pipeline:
        LeaderPoll(settings, pipeline).run(stop)
        engine = pipeline.engine
        assert health.problems(engine, settings, now=utcnow()) == []
        [(ack_id, message_id)] = rows(settings, "SELECT id, message_id FROM acknowledgment ORDER BY id LIMIT 1")
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "UPDATE acknowledgment SET status = 'failed', last_error = '550 5.1.1 mailbox unavailable' "
                f"WHERE id = {int(ack_id)}"
            )
        shown = problems_shown(settings)
        assert [kind for kind, _ in shown] == ["acknowledgments"]
        assert "1 acknowledgment(s) failed" in shown[0][1] and "550 5.1.1 mailbox unavailable" in shown[0][1]
        later = utcnow() + timedelta(hours=2)  # nobody polled for two hours; the other ack waited as long
        kinds = {p.kind for p in health.problems(engine, settings, now=later)}
        assert kinds == {"stale_poll", "acknowledgments"}
        text = next(p.text for p in health.problems(engine, settings, now=later) if p.kind == "acknowledgments")
        assert "1 waiting for over 30 minutes" in text
    listed = _queue_ids(settings, "/?ack=failed")
    assert listed == [message_id]


def _queue_ids(settings, page: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/messages/(\d+)', page_shown(settings, page))]
