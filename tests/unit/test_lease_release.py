"""A worker stopping while the database is the fault (locked, full, down) stops cleanly: giving the lease up is
best effort, and another worker takes it once it expires."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

import pytest

from config.settings import load_settings
from service.db import make_engine, upgrade
from service.errors import StorageError
from service.leader import LeaderPoll


def test_the_lease_is_given_up_best_effort_and_a_locked_take_is_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite:///{tmp_path / 'intake.db'}"
    upgrade(make_engine(url))
    settings = load_settings(data_dir=tmp_path, database_url=url, maildir=tmp_path)
    poll = LeaderPoll(settings, SimpleNamespace(engine=make_engine(url, busy_seconds=0.1)))  # type: ignore[arg-type]
    assert poll._take()
    with make_engine(url).connect() as other, caplog.at_level(logging.WARNING, "intake.worker"):
        other.exec_driver_sql("BEGIN EXCLUSIVE")
        with pytest.raises(StorageError, match=r"^database locked: another process held "):
            poll._take()
        poll.release()  # no exception out of a clean stop
    assert not poll.leading
    [warning] = [r.getMessage() for r in caplog.records if r.name == "intake.worker"]
    assert warning.startswith("cannot release the mailbox's lease (database locked: ") and "\n" not in warning
