"""Fixtures of the integration tests that send acknowledgments: a real SMTP server and settings using it."""

from __future__ import annotations

import pytest

from tests.support.smtp import SmtpServer


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def ack_settings(imap_settings, smtp):
    def build(**overrides):
        values = {
            "ack_mode": "send",
            "smtp_host": smtp.host,
            "smtp_port": smtp.port,
            "smtp_security": "none",
            "ack_from": "frontier.tech@wipo.int",
            "ack_retry_seconds": 0,
            "ack_per_sender_hours": 0,
        }
        values.update(overrides)
        return imap_settings(**values)

    return build
