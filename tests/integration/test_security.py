"""The security review's claims against the real thing (docs/security.md): the review UI in-process on the real
database, a real Dovecot and SMTP server, the command line as a subprocess.

Hostile senders (attachment names, headers, searches), a curious member of staff (a reviewer, a copied cookie,
another session's token) and what the operator's endpoints and the logs show.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from aiosmtpd.smtp import AuthResult
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from service import logs
from service.db import open_database
from service.errors import MailboxError, StorageError
from service.mailer import send_pending
from service.models import Acknowledgment, Attachment, Message, User
from service.pipeline import Pipeline
from service.web.app import create_app
from service.web.deps import admin_user
from service.web.security import CSP, hash_password
from service.worker import build_pipeline, ingest_files, poll_pass
from tests.conftest import cli, intake_env, postgres_server
from tests.support.db import rows
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.integration
SECRET = "security-test-secret-that-is-long-enough-0123456789"
PASSWORD = "correct horse battery"
QUESTION = (
    "Dear colleagues,\r\n\r\nCould you please confirm the Zoom link for the session?\r\n\r\n"
    "Thank you in advance and kind regards,\r\nAnna Berg\r\nMinistry of Economy\r\n"
)


def _b64(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


# attachment names as a hostile sender writes them: paths, separators, CR/LF, quotes, NUL, a bidi override
HOSTILE_NAMES = [
    'filename="../../../../tmp/intake-escape.sh"',
    'filename="/etc/cron.d/intake-escape"',
    'filename="..\\\\..\\\\windows\\\\intake-escape.ini"',
    "filename*=utf-8''..%2F..%2F..%2Fintake-escape-2231.txt",
    'filename="' + _b64("a\r\nSet-Cookie: stolen=1.pdf") + '"',
    'filename="' + _b64("invoice\u202efdp.exe") + '"',
    'filename="evil\\".html"',
    'filename="' + _b64("nul\x00byte.pdf") + '"',
    f'filename="{"x" * 600}.pdf"',
]


def _with_attachments(names: list[str]) -> bytes:
    parts = [
        "From: Delegate One <delegate1@mission.example>\r\nTo: frontier.tech@wipo.int\r\n"
        "Subject: Our nomination, files attached\r\nMessage-ID: <files-1@mission.example>\r\n"
        "Date: Wed, 01 Oct 2025 09:00:00 +0200\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
        "The Permanent Mission nominates the delegates in the attached list.\r\n"
    ]
    for index, name in enumerate(names):
        payload = base64.b64encode(f"file number {index}\n".encode()).decode()
        parts.append(
            f"--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; {name}\r\n"
            f"Content-Transfer-Encoding: base64\r\n\r\n{payload}\r\n"
        )
    return ("".join(parts) + "--b--\r\n").encode()


MAIL = [
    _with_attachments(HOSTILE_NAMES),
    b"From: Sean O'Brien <sean@ngo.example>\r\nTo: frontier.tech@wipo.int\r\nMessage-ID: <q-1@ngo.example>\r\n"
    b'Subject: Question from O\'Brien about 100% "hybrid" attendance\r\nDate: Wed, 01 Oct 2025 09:00:00 +0200\r\n\r\n'
    + QUESTION.encode(),
    b"From: Mallory <evil@attacker.example>\r\nTo: frontier.tech@wipo.int\r\nMessage-ID: <h-1@attacker.example>\r\n"
    b"Subject: Newsletter\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    b'<p>Hello <img src="https://tracker.example/p.gif"> <script>window.pwned=1</script></p>\r\n',
]


@dataclass
class Site:
    client: TestClient
    pipeline: Pipeline
    settings: Any


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _login(client: TestClient, name: str = "ana", password: str = PASSWORD) -> str:
    token = _token(client.get("/login").text)
    client.post("/login", data={"name": name, "password": password, "csrf_token": token})
    home = client.get("/")
    return _token(home.text) if home.url.path == "/" else ""


@pytest.fixture
def site(make_settings, tmp_path: Path) -> Iterator[Site]:
    settings = make_settings(web_secret=SECRET, web_secure_cookies=False, ack_mode="off")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for index, raw in enumerate(MAIL):
        (inbox / f"{index}.eml").write_bytes(raw)
    with build_pipeline(settings) as pipeline:
        result = ingest_files(pipeline, [inbox], source="import", batch_size=50)
        assert len(result.stored_ids) == len(MAIL) and result.parse_errors == 0
        with Session(pipeline.engine) as session:
            session.add(User(name="ana", password_hash=hash_password(PASSWORD), role="reviewer"))
            session.add(User(name="root", password_hash=hash_password(PASSWORD), role="admin"))
            session.commit()
        app = create_app(settings, pipeline.engine, pipeline.archive, pipeline.events)
        with TestClient(app, base_url="http://testserver") as client:
            yield Site(client, pipeline, settings)


# -- attachments ---------------------------------------------------------------------------------------------


def test_attachment_names_never_reach_the_file_system_and_download_as_inert_files(site: Site, tmp_path: Path) -> None:
    archive = site.settings.archive_dir
    stored = sorted(p.relative_to(archive).as_posix() for p in archive.rglob("*") if p.is_file())
    assert stored and all(re.fullmatch(r"[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}\.blob", p) for p in stored), stored
    assert not [p for p in tmp_path.rglob("*") if "intake-escape" in p.name or "stolen" in p.name]
    assert not Path("/tmp/intake-escape.sh").exists() and not Path("/etc/cron.d/intake-escape").exists()

    _login(site.client)
    with Session(site.pipeline.engine) as session:
        files = session.exec(select(Attachment).order_by(Attachment.id)).all()
    assert len(files) == len(HOSTILE_NAMES)
    for index, row in enumerate(files):
        response = site.client.get(f"/attachments/{row.id}")
        assert response.status_code == 200 and response.content == f"file number {index}\n".encode()
        assert response.headers["content-type"] == "application/octet-stream"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in response.headers["content-security-policy"]
        disposition = response.headers["content-disposition"]
        assert disposition.startswith('attachment; filename="') and disposition.count('"') == 2, disposition
        fallback = disposition.split('filename="', 1)[1].split('"', 1)[0]
        extended = unquote(disposition.split("filename*=UTF-8''", 1)[1], errors="strict")
        for name in (fallback, extended):  # printable: no CR/LF, NUL or bidi override (U+202E is not printable)
            assert name and name.isprintable() and "/" not in name and "\\" not in name, (row.filename, name)
        assert not [c for c in response.headers.get_list("set-cookie") if "stolen" in c]  # no header was added


# -- SQL -----------------------------------------------------------------------------------------------------

INJECTIONS = [
    "zq'; DROP TABLE message; --",
    'zq" OR 1=1 --',
    "zq' OR '1'='1",
    "zq) OR (1=1",
    "zq NEAR(a b) * OR *",
    "zq message_search MATCH 'a'",
    "zq%' --",
    "zq_\\",
    "zq:id",
]


def test_sql_typed_into_a_search_is_only_words_to_find(site: Site) -> None:
    _login(site.client)
    total = rows(site.settings, "SELECT count(*) FROM message")[0][0]
    for query in INJECTIONS:
        page = site.client.get("/", params={"q": query})
        api = site.client.get("/api/messages", params={"q": query})
        assert page.status_code == 200 and api.status_code == 200, query
        assert api.json()["total"] == 0, query  # "zq" is in no message: nothing matched "everything"
    assert rows(site.settings, "SELECT count(*) FROM message")[0][0] == total  # no table dropped or emptied
    found = site.client.get("/api/messages", params={"q": "O'Brien"}).json()
    assert [item["subject"] for item in found["items"]] == ['Question from O\'Brien about 100% "hybrid" attendance']
    assert site.client.get("/api/messages", params={"q": '"hybrid"'}).json()["total"] == 1


# -- the pages -----------------------------------------------------------------------------------------------

HEADERS = {"x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "no-referrer"}


def _gets(app: Any, message_id: int, attachment_id: int) -> list[str]:
    paths = []
    for route in app.routes:
        if "GET" not in (getattr(route, "methods", None) or ()) or route.path.startswith("/static"):
            continue
        path = route.path.replace("{kind}.{fmt}", "delegates.csv").replace("{attachment_id}", str(attachment_id))
        paths.append(re.sub(r"\{[^}]+\}", str(message_id), path))
    return paths


def test_every_response_carries_the_security_headers_and_a_csp_without_scripts_or_other_hosts(site: Site) -> None:
    assert "script-src" not in CSP and "http" not in CSP and "default-src 'none'" in CSP and "img-src 'self'" in CSP
    anonymous = [site.client.get(p, follow_redirects=False) for p in ("/", "/api/messages", "/login", "/metrics")]
    _login(site.client)
    with Session(site.pipeline.engine) as session:
        message_id = session.exec(select(Message.id)).first()
        attachment_id = session.exec(select(Attachment.id)).first()
    paths = _gets(site.client.app, message_id, attachment_id)
    assert len(paths) >= 12
    signed_in = [site.client.get(p, follow_redirects=False) for p in [*paths, "/static/style.css", "/messages/999999"]]
    codes = {r.status_code for r in anonymous + signed_in}
    assert {200, 303, 401, 404} <= codes
    for response in anonymous + signed_in:
        where = (response.request.url.path, response.status_code)
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, (where, name)
        expected = "default-src 'none'; sandbox" if "/attachments/" in str(response.request.url) else CSP
        assert response.headers["content-security-policy"] == expected, where
        if response.request.url.path != "/static/style.css":
            assert response.headers["cache-control"] == "no-store", where


def test_the_session_cookie_is_httponly_samesite_strict_and_secure_by_default(site: Site, make_settings) -> None:
    settings = make_settings(web_secret=SECRET, ack_mode="off")  # INTAKE_WEB_SECURE_COOKIES left at its default
    app = create_app(settings, site.pipeline.engine, site.pipeline.archive, site.pipeline.events)
    with TestClient(app, base_url="https://testserver") as client:
        cookie = client.get("/login").headers["set-cookie"].lower()
    attributes = {part.strip().split("=", 1)[0] for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite", "max-age", "path"} <= attributes, cookie
    assert "samesite=strict" in cookie and "max-age=28800" in cookie
    plain = site.client.get("/login").headers["set-cookie"].lower()  # INTAKE_WEB_SECURE_COOKIES=false: for tests
    assert "httponly" in plain and "samesite=strict" in plain and "secure" not in plain


def test_logging_out_ends_the_session_even_for_a_copy_of_its_cookie(site: Site) -> None:
    token = _login(site.client)
    copied = site.client.cookies.get("review_session")
    assert copied and site.client.get("/", follow_redirects=False).status_code == 200
    site.client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    with TestClient(site.client.app, base_url="http://testserver") as thief:
        thief.cookies.set("review_session", copied)
        replay = thief.get("/", follow_redirects=False)
        assert replay.status_code == 303 and replay.headers["location"] == "/login"
        assert thief.get("/api/messages").status_code == 401


def test_signing_in_starts_a_new_session_so_a_planted_cookie_stays_signed_out(site: Site) -> None:
    """Session fixation: a cookie handed to a member of staff before they sign in never becomes theirs."""
    before_token = _token(site.client.get("/login").text)
    planted = site.client.cookies.get("review_session")
    after_token = _login(site.client)
    assert after_token and after_token != before_token  # a new CSRF token with the new session
    with TestClient(site.client.app, base_url="http://testserver") as attacker:
        attacker.cookies.set("review_session", planted)
        assert attacker.get("/", follow_redirects=False).headers["location"] == "/login"


def test_the_login_form_needs_its_csrf_token_too(site: Site) -> None:
    """Login CSRF: another site cannot sign a reviewer's browser in to an account of its choosing."""
    site.client.get("/login")
    for token in ("", "made-up-token"):
        refused = site.client.post("/login", data={"name": "ana", "password": PASSWORD, "csrf_token": token})
        assert refused.status_code == 403
    assert site.client.get("/", follow_redirects=False).headers["location"] == "/login"
    assert _login(site.client)  # with the form's own token it works


def test_a_csrf_token_of_another_session_is_refused(site: Site) -> None:
    mine = _login(site.client)
    with TestClient(site.client.app, base_url="http://testserver") as other:
        theirs = _login(other, "root")
        assert theirs and theirs != mine
        with Session(site.pipeline.engine) as session:
            message_id = session.exec(select(Message.id)).first()
        refused = other.post(f"/messages/{message_id}/action", data={"action": "accepted", "csrf_token": mine})
        assert refused.status_code == 403
        header = other.post("/bulk", data={"action": "accepted", "ids": [message_id]}, headers={"X-CSRF-Token": mine})
        assert header.status_code == 403
    with Session(site.pipeline.engine) as session:
        assert session.get(Message, message_id).review_status == "new"


def test_the_login_page_shows_no_text_from_its_link(site: Site) -> None:
    for planted in ("Your account is locked: call +41 22 000 00 00", "<script>window.pwned=1</script>"):
        page = site.client.get("/login", params={"error": planted})
        assert page.status_code == 200 and "locked" not in page.text and "pwned" not in page.text
        assert 'role="alert"' not in page.text
    token = _token(site.client.get("/login").text)
    wrong = site.client.post("/login", data={"name": "ana", "password": "not it at all", "csrf_token": token})
    assert wrong.url.query == b"error=wrong" and "Wrong name or password" in wrong.text


def _needs_admin(dependant: Any) -> bool:
    return dependant.call is admin_user or any(_needs_admin(d) for d in dependant.dependencies)


def test_a_reviewer_is_refused_every_admin_route_and_admin_routes_are_the_admin_pages(site: Site) -> None:
    routes = [r for r in site.client.app.routes if hasattr(r, "dependant")]
    admin_only = {(method, r.path) for r in routes if _needs_admin(r.dependant) for method in r.methods}
    assert admin_only == {(m, r.path) for r in routes for m in r.methods if r.path.startswith("/admin")}, admin_only
    assert {"GET", "POST"} <= {method for method, _ in admin_only}
    token = _login(site.client)  # ana, a reviewer
    for method, path in sorted(admin_only):
        path = path.replace("{name}", "root")
        data = {"csrf_token": token, "action": "disable"} if method == "POST" else None
        response = site.client.request(method, path, data=data, follow_redirects=False)
        assert response.status_code == 403, (method, path)
    with Session(site.pipeline.engine) as session:
        assert not session.exec(select(User).where(User.name == "root")).one().disabled
    with TestClient(site.client.app, base_url="http://testserver") as admin:
        _login(admin, "root")
        assert admin.get("/admin/users").status_code == 200


# -- what the operator's endpoints, the status command and the logs show ------------------------------------------


def _with_password(url: str, password: str) -> str:
    """``url`` carrying a password (the suite's PostgreSQL trusts loopback, so any password opens it)."""
    parsed = make_url(url)
    return parsed.set(password=password).render_as_string(hide_password=False) if parsed.host else url


@dataclass
class Recorder:
    attempts: list[bytes]

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        self.attempts.append(bytes(auth_data.password))
        return AuthResult(success=bytes(auth_data.password) == b"smtp-secret-6620", handled=False)


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """The service's own logging set-up (INTAKE_LOG_LEVEL=DEBUG, JSON) writing to a buffer; restored after."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, {n: logging.getLogger(n).level for n in ("imapclient", "mailparser")})
    buffer = io.StringIO()
    logs.configure("DEBUG", "json")
    root.handlers[0].setStream(buffer)
    yield buffer
    root.handlers[:], root.level = saved[0], saved[1]
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)


def test_secrets_reach_no_log_error_endpoint_or_status_output(dovecot, imap_settings, make_settings, captured_logs):
    secrets = {"imap": dovecot.password, "smtp": "smtp-secret-6620", "db": "db-secret-4471", "web": SECRET}
    recorder = Recorder([])
    smtp = SmtpServer(authenticator=recorder, auth_require_tls=False).start()  # loopback: plain text allowed
    try:
        url = _with_password(make_settings().effective_database_url, secrets["db"])
        sending = {"ack_mode": "send", "smtp_host": smtp.host, "smtp_port": smtp.port, "smtp_security": "none",
                   "smtp_user": "intake", "smtp_password": secrets["smtp"], "ack_retry_seconds": 0}  # fmt: skip
        settings = imap_settings(database_url=url, web_secret=SECRET, **sending)
        dovecot.append(
            b"From: Anna Berg <anna@ministry.example>\r\nTo: frontier.tech@wipo.int\r\nMessage-ID: <s-1@m.example>\r\n"
            b"Subject: Question about the session\r\n\r\n" + QUESTION.encode()
        )
        shown: list[str] = []
        with build_pipeline(settings) as pipeline:  # everything works: poll, send (with AUTH)
            poll_pass(settings, pipeline)
            assert send_pending(pipeline.engine, settings).sent == 1 and recorder.attempts == [b"smtp-secret-6620"]
            app = create_app(settings, pipeline.engine, pipeline.archive, pipeline.events)
            with TestClient(app, base_url="http://testserver") as client:
                shown += [client.get(p).text for p in ("/healthz", "/readyz", "/metrics")]
            with pytest.raises(MailboxError) as refused:  # a wrong IMAP password
                poll_pass(settings.model_copy(update={"imap_password": type(settings.imap_password)("wrong-pw-1")}),
                          pipeline)  # fmt: skip
            shown.append(str(refused.value))
            dovecot.append(
                b"From: Omar <omar@ministry.example>\r\nTo: frontier.tech@wipo.int\r\nMessage-ID: <s-2@m.example>\r\n"
                b"Subject: Question about the session\r\n\r\n" + QUESTION.replace("Anna", "Omar").encode()
            )
            poll_pass(settings, pipeline)
            wrong = settings.model_copy(update={"smtp_password": type(settings.smtp_password)("wrong-smtp-pw")})
            send_pending(pipeline.engine, wrong)  # refused by the server (535): kept with its answer
            with Session(pipeline.engine) as session:
                shown += [a.last_error or "" for a in session.exec(select(Acknowledgment))]
                people = [(m.from_address, m.subject) for m in session.exec(select(Message))]
        status = cli("status", env=intake_env(settings))
        assert status.returncode == 0, status.stderr
        shown += [status.stdout, status.stderr, repr(settings), str(settings)]
        with pytest.raises(StorageError) as unreachable:  # a database that cannot be opened, password in the URL
            open_database(_with_password(postgres_server().url("no_such_database"), secrets["db"]))
        assert "no_such_database" in str(unreachable.value)
        shown.append(str(unreachable.value))
    finally:
        smtp.stop()
    shown.append(captured_logs.getvalue())
    assert any("535" in text for text in shown)  # the refused SMTP login is recorded, without the password
    assert "acknowledgment sent" in shown[-1] and "acknowledgments not sent" in shown[-1]  # the logs were captured
    for text in shown:
        for what, secret in secrets.items():
            assert secret not in text, (what, text[:300])
    operator = "\n".join(shown[:3])  # /healthz, /readyz, /metrics: counts and states, no mail
    for address, subject in people:
        assert address not in operator and subject not in operator
    assert set(json.loads(shown[1])) == {"ready", "database", "imap", "last_poll"}


def test_a_database_url_that_asks_for_tls_is_never_downgraded() -> None:
    """libpq takes ``sslmode`` from the URL as given: ``require`` against a server without TLS (the suite's
    PostgreSQL) refuses to connect rather than going on in plain text, and the error hides the password."""
    server = postgres_server()
    url = _with_password(server.create_database(), "db-secret-9902") + "?sslmode=require"
    with pytest.raises(StorageError, match="SSL") as refused:
        open_database(url)
    assert "db-secret-9902" not in str(refused.value) and "***" in str(refused.value)
    assert open_database(url.replace("sslmode=require", "sslmode=disable")) is not None  # the same, without TLS


# -- acknowledgments over the real SMTP server ---------------------------------------------------------------


def test_an_acknowledgment_to_hostile_headers_goes_to_one_recipient_with_its_own_headers(dovecot, ack_settings, smtp):
    hostile = (
        "From: " + _b64("Anna\r\nBcc: victim@evil.example") + " <anna@ministry.example>\r\n"
        "Reply-To: " + _b64("Desk\r\nCc: victim@evil.example") + " <desk@ministry.example>\r\n"
        "To: frontier.tech@wipo.int\r\nMessage-ID: <hostile-ack@ministry.example>\r\n"
        "Subject: "
        + _b64("Question about the session\r\nBcc: victim@evil.example\u2028Cc: other@evil.example")
        + "\r\n"
        "Date: Wed, 01 Oct 2025 09:00:00 +0200\r\n\r\n" + QUESTION
    ).encode()
    dovecot.append(hostile)
    settings = ack_settings()
    with build_pipeline(settings) as pipeline:
        poll_pass(settings, pipeline)
        assert send_pending(pipeline.engine, settings).sent == 1
    [delivery] = smtp.handler.deliveries
    assert delivery.rcpt_tos == ["desk@ministry.example"]
    message = message_from_bytes(delivery.data, policy=policy.default)
    assert message["Bcc"] is None and message["Cc"] is None
    assert [a.addr_spec for a in message["To"].addresses] == ["desk@ministry.example"]
    head = delivery.data.split(b"\r\n\r\n", 1)[0].replace(b"\r\n ", b" ")
    names = [line.split(b":", 1)[0].lower() for line in head.split(b"\r\n")]
    assert b"bcc" not in names and b"cc" not in names and len(names) == len(set(names)), names
    assert message["Subject"].startswith("Re: Question about the session")
