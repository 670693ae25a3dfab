"""The IDLE watcher's decisions, with a fake IMAP connection (the real one is in tests/integration/test_idle.py)."""

from __future__ import annotations

import threading

import pytest

from config.settings import load_settings
from service import idle
from service.idle import IdleWatch, new_mail


def _settings(tmp_path):
    return load_settings(data_dir=tmp_path, imap_host="127.0.0.1", imap_user="u", imap_password="p",
                         imap_security="none", imap_idle_renew_seconds=10)  # fmt: skip


class FakeClient:
    def __init__(self, responses: list[list[tuple]], capable: bool = True) -> None:
        self.responses, self.capable, self.calls = responses, capable, []

    def has_capability(self, name: str) -> bool:
        return self.capable

    def select_folder(self, folder: str, readonly: bool) -> None:
        self.calls.append(("select", folder, readonly))

    def idle(self) -> None:
        self.calls.append("idle")

    def idle_check(self, timeout: float) -> list[tuple]:
        return self.responses.pop(0) if self.responses else []

    def idle_done(self) -> None:
        self.calls.append("done")

    def logout(self) -> None:
        self.calls.append("logout")


def test_only_new_mail_wakes_the_poller() -> None:
    assert new_mail([(3, b"EXISTS"), (1, b"RECENT")])
    assert not new_mail([(2, b"EXPUNGE")]) and not new_mail([(2, b"FETCH", (b"FLAGS", ()))]) and not new_mail([])


def test_the_polls_run_while_idle_is_in_place_so_no_mail_arrives_unseen(tmp_path, monkeypatch) -> None:
    client = FakeClient([[], [(1, b"EXISTS")], []])
    monkeypatch.setattr(idle, "connect", lambda target: client)
    monkeypatch.setattr(idle, "CHECK_SECONDS", 0.01)
    stop, polls = threading.Event(), []
    leading = iter([True, True, True, True, False])  # the lease is lost after the wake-up

    def on_mail(_stop: threading.Event) -> None:
        polls.append(list(client.calls))

    watch = IdleWatch(_settings(tmp_path), on_mail, lambda: next(leading, False))
    watch._watch(stop)
    assert len(polls) == 2 and watch.woken == 1  # the catch-up poll once IDLE is in place, then the pushed one
    assert all(calls[-1] == "idle" for calls in polls)  # each poll ran while the watcher's IDLE was in place
    assert client.calls[-2:] == ["done", "logout"]  # IDLE ended before anything else was sent on its connection


def test_a_server_without_idle_is_left_to_the_poll(tmp_path, monkeypatch, caplog: pytest.LogCaptureFixture) -> None:
    client = FakeClient([], capable=False)
    monkeypatch.setattr(idle, "connect", lambda target: client)
    watch = IdleWatch(_settings(tmp_path), lambda stop: pytest.fail("no poll expected"), lambda: True)
    watch(threading.Event())  # returns instead of retrying
    assert watch.unsupported and "does not offer IDLE" in caplog.text


def test_a_worker_without_the_lease_does_not_connect(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(idle, "connect", lambda target: pytest.fail("connected without the lease"))
    monkeypatch.setattr(idle, "CHECK_SECONDS", 0.01)
    stop = threading.Event()
    timer = threading.Timer(0.1, stop.set)
    timer.start()
    IdleWatch(_settings(tmp_path), lambda s: None, lambda: False)(stop)
    timer.join()
