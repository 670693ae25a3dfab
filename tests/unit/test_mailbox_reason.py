"""The one-line reason of an IMAP failure, as the operator reads it."""

from __future__ import annotations

import pytest
from imapclient.exceptions import LoginError

from service.mailbox import reason


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (LoginError(b"[AUTHENTICATIONFAILED] Authentication failed."), "[AUTHENTICATIONFAILED] Authentication failed."),
        (LoginError(b"caf\xe9 \xff"), "caf\ufffd \ufffd"),
        (
            LoginError(str(b'[AUTHENTICATIONFAILED] It\'s "wrong"')),
            '[AUTHENTICATIONFAILED] It\'s "wrong"',
        ),  # imapclient
        (LoginError(str(b"caf\xc3\xa9")), "caf\u00e9"),
        (OSError("b'not quite"), "b'not quite"),
        (ConnectionRefusedError(111, "Connection refused"), "[Errno 111] Connection refused"),
        (OSError("first line\nsecond line"), "first line"),
        (TimeoutError(), "TimeoutError"),
        (ValueError("x" * 500), "x" * 300),
    ],
)
def test_reason_is_one_readable_line(exc: BaseException, expected: str) -> None:
    assert reason(exc) == expected
