"""TLS to the mail servers is on by default and verified: a real Dovecot and a real SMTP server (aiosmtpd) present
certificates of a private authority, trusted (``SSL_CERT_FILE``) or not, for this host or another one.

A refused certificate must stop the connection before the password is sent: Dovecot's log and the SMTP server's
authenticator say whether a login was attempted. Each refusal has its positive control: the same server with a
trusted certificate for 127.0.0.1 works, so a failure is the verification's and not a broken TLS set-up.
"""

from __future__ import annotations

import shutil
import ssl
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult

from service.errors import MailboxError
from service.mailer import send_pending
from service.worker import build_pipeline, poll_pass
from tests.conftest import require
from tests.support.db import rows
from tests.support.dovecot import DovecotServer, dovecot_available
from tests.support.messages import make_message
from tests.support.smtp import SmtpServer
from tests.support.tls import ServerCert, TestAuthority

pytestmark = pytest.mark.integration
IMAP_PASSWORD = "imap-tls-test-pw-7731"
SMTP_PASSWORD = "smtp-tls-test-pw-4418"
QUESTION = (
    "Dear colleagues,\n\nCould you please confirm the Zoom link for the session?\n\n"
    "Thank you in advance and kind regards,\nAnna Berg\nMinistry of Economy"
)


@pytest.fixture
def pki() -> Iterator[TestAuthority]:
    """A private certificate authority, under /tmp (Dovecot's unprivileged users must reach its files)."""
    folder = Path(tempfile.mkdtemp(prefix="intake-pki-", dir="/tmp"))
    folder.chmod(0o755)
    yield TestAuthority(folder)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def tls_dovecot() -> Iterator[Callable[[ServerCert], DovecotServer]]:
    """Start a real Dovecot presenting ``cert`` (STARTTLS on its port, implicit TLS on ``tls_port``)."""
    require(dovecot_available(), "Dovecot (Debian package dovecot-imapd)")
    started: list[DovecotServer] = []

    def start(cert: ServerCert) -> DovecotServer:
        root = Path(tempfile.mkdtemp(prefix="intake-dovecot-", dir="/tmp"))
        server = DovecotServer(root, password=IMAP_PASSWORD, tls=(cert.cert, cert.key))
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()
        shutil.rmtree(server.root, ignore_errors=True)


def _imap(make_settings, server: DovecotServer, security: str | None) -> object:
    values = {"imap_host": server.host, "imap_user": server.user, "imap_password": IMAP_PASSWORD}
    if security is None:  # the default
        values["imap_port"] = server.tls_port
    else:
        values.update(imap_security=security, imap_port=server.port if security == "starttls" else server.tls_port)
    return make_settings(**values)


def _logins(server: DovecotServer) -> list[str]:
    return [line for line in server.log_tail(10_000).splitlines() if "Login: user=" in line]


# security=None is the default, which must be "ssl"; starttls is the other protected mode
MODES = [None, "starttls"]


@pytest.mark.parametrize("security", MODES, ids=["default-ssl", "starttls"])
@pytest.mark.parametrize("presented", ["self-signed", "other-host"])
def test_an_imap_certificate_that_does_not_verify_stops_before_the_login(
    pki, tls_dovecot, make_settings, monkeypatch, security, presented
) -> None:
    if presented == "self-signed":  # what a machine in the middle would present
        cert = pki.self_signed("mitm", ips=("127.0.0.1",))
        expected = "CERTIFICATE_VERIFY_FAILED"
    else:  # a certificate of a trusted authority, but for another server
        cert = pki.issue("other", dns=("imap.other.example",))
        monkeypatch.setenv("SSL_CERT_FILE", str(pki.cert))
        expected = "mismatch"
    server = tls_dovecot(cert)
    server.append(make_message(1))  # the test's own login, over the plain port
    before = _logins(server)
    settings = _imap(make_settings, server, security)
    assert settings.imap_security.value == (security or "ssl")
    with build_pipeline(settings) as pipeline, pytest.raises(MailboxError, match=expected) as refused:
        poll_pass(settings, pipeline)
    assert IMAP_PASSWORD not in str(refused.value)
    assert _logins(server) == before  # the password never reached the server
    assert rows(settings, "SELECT count(*) FROM message") == [(0,)]


@pytest.mark.parametrize("security", MODES, ids=["default-ssl", "starttls"])
def test_imap_over_a_verified_certificate_logs_in_over_tls_and_stores_the_mail(
    pki, tls_dovecot, make_settings, monkeypatch, security
) -> None:
    server = tls_dovecot(pki.issue("imap", ips=("127.0.0.1",)))
    server.append(make_message(1))
    before = len(_logins(server))
    monkeypatch.setenv("SSL_CERT_FILE", str(pki.cert))  # an internal authority, trusted as an operator would
    settings = _imap(make_settings, server, security)
    with build_pipeline(settings) as pipeline:
        result = poll_pass(settings, pipeline)
    assert len(result.stored_ids) == 1
    [login] = _logins(server)[before:]
    assert "TLS" in login.split("Login: ", 1)[1]  # "…, TLS, session=…": the login went inside TLS


def test_imap_starttls_the_server_does_not_offer_is_an_error_not_plain_text(dovecot, imap_settings) -> None:
    """A network that strips STARTTLS (here: a server without TLS) must not get the password in clear."""
    dovecot.append(make_message(1))
    before = _logins(dovecot)
    settings = imap_settings(imap_security="starttls")  # 127.0.0.1, where `none` would have been allowed
    with build_pipeline(settings) as pipeline, pytest.raises(MailboxError) as refused:
        poll_pass(settings, pipeline)
    assert dovecot.password not in str(refused.value)
    assert _logins(dovecot) == before
    assert rows(settings, "SELECT count(*) FROM message") == [(0,)]


@dataclass
class Authenticator:
    """aiosmtpd's AUTH callback: records every attempt; accepts only the right password."""

    attempts: list[tuple[str, bytes]] = field(default_factory=list)

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        self.attempts.append((mechanism, bytes(auth_data.password)))
        return AuthResult(success=bytes(auth_data.password) == SMTP_PASSWORD.encode(), handled=False)


def _server_context(cert: ServerCert) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert.cert, cert.key)
    return context


@pytest.fixture
def tls_smtp() -> Iterator[Callable[..., tuple[SmtpServer, Authenticator]]]:
    """Start a real SMTP server (aiosmtpd) with ``cert``: implicit TLS (``ssl``), STARTTLS, or none at all.

    AUTH is offered even without TLS (``auth_require_tls=False``), so a client that fell back to plain text
    would show it by logging in."""
    started: list[SmtpServer] = []

    def start(cert: ServerCert | None, security: str) -> tuple[SmtpServer, Authenticator]:
        auth = Authenticator()
        options: dict[str, object] = {"authenticator": auth, "auth_require_tls": False}
        if cert is not None and security == "ssl":
            options["ssl_context"] = _server_context(cert)
        elif cert is not None:
            options["tls_context"] = _server_context(cert)
        server = SmtpServer(**options).start()
        started.append(server)
        return server, auth

    yield start
    for server in started:
        server.stop()


def _smtp(imap_settings, server: SmtpServer, security: str | None) -> object:
    """Sending settings for ``server`` (not the ``ack_settings`` fixture's: that one sets ``smtp_security``)."""
    values = {
        "ack_mode": "send",
        "ack_retry_seconds": 0,
        "smtp_host": server.host,
        "smtp_port": server.port,
        "smtp_user": "intake",
        "smtp_password": SMTP_PASSWORD,
    }
    if security is not None:  # else the default, which must be STARTTLS
        values["smtp_security"] = security
    return imap_settings(**values)


SMTP_MODES = [("ssl", "ssl"), (None, "starttls")]


@pytest.mark.parametrize(("security", "server_mode"), SMTP_MODES, ids=["ssl", "default-starttls"])
@pytest.mark.parametrize("presented", ["self-signed", "other-host"])
def test_an_smtp_certificate_that_does_not_verify_stops_before_the_login(
    dovecot, imap_settings, pki, tls_smtp, monkeypatch, security, server_mode, presented
) -> None:
    if presented == "self-signed":
        cert, expected = pki.self_signed("mitm", ips=("127.0.0.1",)), "CERTIFICATE_VERIFY_FAILED"
    else:
        cert, expected = pki.issue("other", dns=("smtp.other.example",)), "mismatch"
        monkeypatch.setenv("SSL_CERT_FILE", str(pki.cert))
    server, auth = tls_smtp(cert, server_mode)
    dovecot.append(make_message(1, body=QUESTION, subject="Question about the session"))
    settings = _smtp(imap_settings, server, security)
    assert settings.smtp_security.value == server_mode
    with build_pipeline(settings) as pipeline:
        poll_pass(settings, pipeline)
        report = send_pending(pipeline.engine, settings)
    assert (report.sent, report.retried) == (0, 1)
    assert auth.attempts == [] and server.handler.deliveries == []  # no AUTH, no message: nothing left in clear
    [(status, error)] = rows(settings, "SELECT status, last_error FROM acknowledgment")
    assert status == "pending" and expected in error and SMTP_PASSWORD not in error


@pytest.mark.parametrize(("security", "server_mode"), SMTP_MODES, ids=["ssl", "default-starttls"])
def test_smtp_over_a_verified_certificate_logs_in_and_delivers(
    dovecot, imap_settings, pki, tls_smtp, monkeypatch, security, server_mode
) -> None:
    server, auth = tls_smtp(pki.issue("smtp", ips=("127.0.0.1",)), server_mode)
    monkeypatch.setenv("SSL_CERT_FILE", str(pki.cert))
    dovecot.append(make_message(1, body=QUESTION, subject="Question about the session"))
    settings = _smtp(imap_settings, server, security)
    with build_pipeline(settings) as pipeline:
        poll_pass(settings, pipeline)
        report = send_pending(pipeline.engine, settings)
    assert report.sent == 1 and len(server.handler.deliveries) == 1
    assert [password for _, password in auth.attempts] == [SMTP_PASSWORD.encode()]


def test_smtp_starttls_the_server_does_not_offer_is_an_error_not_plain_text(dovecot, imap_settings, tls_smtp) -> None:
    server, auth = tls_smtp(None, "none")  # offers AUTH in clear, no STARTTLS: a stripped or downgraded server
    dovecot.append(make_message(1, body=QUESTION, subject="Question about the session"))
    settings = _smtp(imap_settings, server, "starttls")
    with build_pipeline(settings) as pipeline:
        poll_pass(settings, pipeline)
        report = send_pending(pipeline.engine, settings)
    assert (report.sent, report.retried) == (0, 1)
    assert auth.attempts == [] and server.handler.deliveries == []
    [(status, error)] = rows(settings, "SELECT status, last_error FROM acknowledgment")
    assert status == "pending" and "STARTTLS" in error
