"""Pure pieces of the security review (docs/security.md): settings that never show a secret, plain text only on
loopback, acknowledgment headers a sender cannot add to, sanitised HTML within its allowlist, escaped templates,
and no log call handed a secret."""

from __future__ import annotations

import ast
import base64
import socket
from email import message_from_bytes, policy
from html.parser import HTMLParser
from pathlib import Path

import pytest

from config.settings import Security, SettingsError, is_loopback, load_settings, redacted_url
from service.web.app import HERE as WEB_DIR
from service.web.security import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, sanitise_html
from tests.unit.test_acknowledge import GENUINE, _decide, _render

REPO = Path(__file__).resolve().parents[2]
SECRETS = {
    "database_url": "postgresql+psycopg://intake:db-secret-5521@db.internal.example/intake?sslpassword=key-pw-0093",
    "imap_password": "imap-secret-1187",
    "imap_oauth2_token": "oauth-token-3301",
    "smtp_password": "smtp-secret-7740",
    "web_secret": "web-secret-" + "k" * 40,
}
SHOWN_NEVER = ("db-secret-5521", "key-pw-0093", "imap-secret-1187", "oauth-token-3301", "smtp-secret-7740", "k" * 40)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the working folder


def _with_secrets(**more: object):
    return load_settings(imap_host="imap.example.org", imap_user="u", smtp_host="smtp.example.org", **SECRETS, **more)


def test_settings_show_no_secret_in_repr_or_str() -> None:
    settings = _with_secrets()
    for shown in (repr(settings), str(settings), f"{settings!r}", str(settings.model_fields_set)):
        for secret in SHOWN_NEVER:
            assert secret not in shown
    assert "intake:***@db.internal.example/intake" in repr(settings)  # still says which database
    assert settings.effective_database_url == SECRETS["database_url"]  # the value itself is intact
    assert settings.imap_password.get_secret_value() == SECRETS["imap_password"]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://u:pw-1@h:5432/db", "postgresql+psycopg://u:***@h:5432/db"),
        ("postgresql+psycopg://u@h/db?password=pw-1", "postgresql+psycopg://u@h/db?password=%2A%2A%2A"),
        ("sqlite:////srv/intake/intake.db", "sqlite:////srv/intake/intake.db"),
        ("not a url: pw-1", "***"),
    ],
)
def test_a_database_url_is_shown_without_its_password(url: str, shown: str) -> None:
    assert redacted_url(url) == shown and "pw-1" not in redacted_url(url)


def test_a_bad_database_url_is_named_but_never_echoed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    toml = tmp_path / "settings.toml"
    toml.write_text('database_url = ["postgresql+psycopg://intake:db-secret-5521@db/intake"]\n', encoding="utf-8")
    monkeypatch.setenv("INTAKE_SETTINGS_FILE", str(toml))
    with pytest.raises(SettingsError, match="INTAKE_DATABASE_URL") as refused:
        load_settings()
    assert "db-secret-5521" not in str(refused.value)


def test_tls_is_the_default_for_imap_and_smtp() -> None:
    settings = load_settings(imap_host="imap.example.org", imap_user="u", imap_password="pw-123456")
    assert (settings.imap_security, settings.effective_imap_port) == (Security.SSL, 993)
    assert (settings.smtp_security, settings.effective_smtp_port) == (Security.STARTTLS, 587)


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.0.0.53", "::1", "[::1]", "localhost", "LOCALHOST.", "mail.localhost"]
)
def test_loopback_is_an_address_or_a_localhost_name(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize(
    "host", ["imap.example.org", "10.0.0.1", "0.0.0.0", "::", "127.0.0.1.example.org", "localhost.example.org", ""]
)
def test_anything_else_is_not_loopback(host: str) -> None:
    assert not is_loopback(host)


def test_plain_text_is_refused_for_a_name_even_when_dns_says_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hostile network answers DNS too: 127.0.0.1 at start-up, its own address when the service connects."""
    loopback = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 0))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *_args, **_kwargs: loopback)
    imap = {"imap_host": "imap.example.org", "imap_user": "u", "imap_password": "pw-123456", "imap_security": "none"}
    with pytest.raises(SettingsError, match="INTAKE_IMAP_SECURITY"):
        load_settings(**imap)
    with pytest.raises(SettingsError, match="INTAKE_SMTP_SECURITY"):
        load_settings(smtp_host="smtp.example.org", smtp_security="none")
    assert load_settings(**(imap | {"imap_host": "127.0.0.1"})).imap_security is Security.NONE


# -- acknowledgment headers: nothing a sender writes adds a header or a recipient --------------------------------


def _b64(text: str) -> bytes:
    return b"=?utf-8?b?" + base64.b64encode(text.encode()) + b"?="


SEPARATORS = ["\r\n", "\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1e", "\x00"]
INJECTED = "Bcc: victim@evil.example"
SUBJECT, NAME = b"Subject: Nomination\r\n", b"From: Ana Rojas <"
HOSTILE = {
    **{f"subject-{ord(sep[0]):x}": (SUBJECT, b"Subject: " + _b64(f"Nomination{sep}{INJECTED}") + b"\r\n")
       for sep in SEPARATORS},
    **{f"name-{ord(sep[0]):x}": (NAME, b"From: " + _b64(f"Ana{sep}{INJECTED}") + b" <") for sep in SEPARATORS},
    "subject-folded": (SUBJECT, b"Subject: Nomination\r\n Bcc: victim@evil.example\r\n"),
    "subject-huge": (SUBJECT, b"Subject: Nomination " + b"x" * 5000 + b"\r\n"),
    "two-reply-to": (SUBJECT, SUBJECT + b"Reply-To: secretariat@mission-chile.example, victim@evil.example\r\n"),
    "reply-to-name": (
        SUBJECT, SUBJECT + b"Reply-To: " + _b64(f"x\r\n{INJECTED}") + b" <secretariat@mission-chile.example>\r\n"
    ),
    "message-id": (b"Message-ID: <n1@mission-chile.example>\r\n",
                   b"Message-ID: <n1@mission-chile.example>\x0bBcc: victim@evil.example\r\n"),
    "references": (b"References: <a@x.example> <b@x.example>\r\n",
                   b"References: <a@x.example>\x85Bcc: victim@evil.example <b@x.example>\r\n"),
}  # fmt: skip


def _header_names(wire: bytes) -> list[str]:
    head = wire.split(b"\r\n\r\n", 1)[0]
    return [line.split(b":", 1)[0].decode().lower() for line in head.split(b"\r\n") if line[:1] not in (b" ", b"\t")]


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_nothing_in_a_message_adds_a_header_or_a_recipient_to_its_acknowledgment(case: str) -> None:
    old, new = HOSTILE[case]
    assert old in GENUINE
    baseline = _header_names(_render(*_decide(GENUINE)).as_bytes())
    parsed, decision = _decide(GENUINE.replace(old, new, 1))
    wire = _render(parsed, decision).as_bytes()
    head = wire.split(b"\r\n\r\n", 1)[0]
    assert b"\r" not in head.replace(b"\r\n", b"") and b"\n" not in head.replace(b"\r\n", b"")  # only CRLF ends lines
    names = _header_names(wire)
    assert len(names) == len(set(names)), names  # every header once
    assert set(baseline) - {"in-reply-to", "references"} <= set(names) <= set(baseline), names
    reparsed = message_from_bytes(wire, policy=policy.default)
    assert reparsed["Bcc"] is None and reparsed["Cc"] is None
    [to] = reparsed["To"].addresses
    assert to.addr_spec in ("ana.rojas@mission-chile.example", "secretariat@mission-chile.example")
    assert "evil.example" not in str(reparsed["To"]) + str(reparsed["From"])


# -- e-mail HTML and the pages ------------------------------------------------------------------------------------

XSS = [
    '<script>alert(1)</script><p onclick="alert(1)">x</p>',
    '<img src=x onerror=alert(1)><img src="https://tracker.example/p.gif" width=1>',
    "<svg><script>alert(1)</script></svg><math><mtext><img src=x onerror=alert(1)></mtext></math>",
    '<a href="javascript:alert(1)">a</a><a href="JaVaScRiPt:alert(1)">b</a><a href="&#106;avascript:alert(1)">c</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a><a href="vbscript:x">e</a>',
    '<iframe src="https://evil.example/"></iframe><object data="https://evil.example/o"></object><embed src=x>',
    '<link rel=stylesheet href="https://exfil.example/s.css"><style>@import url(https://exfil.example/x)</style>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/"><base href="https://evil.example/">',
    '<p style="background:url(https://exfil.example/i)">s</p><table background="https://exfil.example/t"></table>',
    '<form action="https://evil.example/"><input name=q><button formaction="https://evil.example/">go</button></form>',
    '<video poster="https://tracker.example/v.png"></video><audio src="https://tracker.example/a"></audio>',
    '<img srcset="https://tracker.example/1x.png 1x"><picture><source srcset="https://tracker.example/s"></picture>',
    '<div xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="javascript:alert(1)">x</a></div>',
    "<!--<script>alert(1)</script>--><![CDATA[<script>alert(1)</script>]]>",
    '<p title="&quot;><script>alert(1)</script>">quoted</p><td colspan="2" onmouseover="alert(1)">t</td>',
]


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


@pytest.mark.parametrize("dirty", XSS)
def test_sanitised_html_has_only_allowed_tags_attributes_and_link_schemes(dirty: str) -> None:
    clean = sanitise_html(dirty)
    parser = _Collect()
    parser.feed(clean)
    for tag, attrs in parser.found:
        assert tag in ALLOWED_TAGS, (tag, clean)
        for name, value in attrs:
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"] | {"rel"}, (tag, name, clean)
            if name == "href":  # the one URL left: a link, fetched by nobody unless clicked
                assert value and value.split(":", 1)[0].lower() in ("http", "https", "mailto"), clean
    lowered = clean.lower()
    for needle in ("<script", "javascript:", "vbscript:", "data:", "<img", "<style", "<link", "<iframe", "src="):
        assert needle not in lowered, (needle, clean)


def test_every_page_template_is_escaped_by_jinja() -> None:
    from fastapi.templating import Jinja2Templates

    env = Jinja2Templates(directory=str(WEB_DIR / "templates")).env
    names = sorted(p.name for p in (WEB_DIR / "templates").iterdir())
    assert names and all(env.autoescape(name) for name in names), names  # a .j2 or .txt would not be
    page = env.get_template("login.html")
    rendered = page.render(error="<script>alert(1)</script>", csrf='"><b>', user=None, url_for=lambda *_a, **_k: "/s")
    assert "<script>alert" not in rendered and "&lt;script&gt;" in rendered and '"><b>' not in rendered


# -- logging ------------------------------------------------------------------------------------------------------

PRODUCT = ("service", "handlers", "parsers", "config")
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}
SECRET_WORDS = ("password", "secret", "token", "database_url")


def _mentions(node: ast.AST) -> list[str]:
    names = []
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            names.append(child.id)
        elif isinstance(child, ast.Attribute):
            names.append(child.attr)
    return names


def test_no_log_call_is_handed_a_secret_or_the_settings() -> None:
    """Every logging call of the product, read from its source: none passes the settings object or anything
    named like a secret (the values of SecretStr fields are stars, but a plain str would be written out)."""
    calls = 0
    for path in sorted(p for folder in PRODUCT for p in (REPO / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = node.func.value
            if node.func.attr not in LOG_METHODS or not (isinstance(owner, ast.Name) and owner.id in ("log", "logger")):
                continue
            calls += 1
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                mentioned = _mentions(argument)
                where = f"{path.relative_to(REPO)}:{node.lineno}"
                assert not (isinstance(argument, ast.Name) and argument.id == "settings"), where
                assert not [m for m in mentioned if any(word in m.lower() for word in SECRET_WORDS)], (where, mentioned)
    assert calls > 20  # the scan sees the product's logging


# -- passwords and exports ------------------------------------------------------------------------------------


def test_an_unknown_name_costs_a_password_check_like_a_known_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """No shortcut for a name that does not exist: the time of a refusal does not tell which names do."""
    from service.web import security

    checked: list[str] = []

    class Spy:
        def verify(self, stored: str, password: str) -> bool:
            checked.append(stored)
            return stored == "known-hash"

    monkeypatch.setattr(security, "HASHER", Spy())
    assert security.verify_password(None, "a guess") is False
    assert security.verify_password("known-hash", "a guess") is True
    assert checked == [security._DUMMY, "known-hash"]


@pytest.mark.parametrize("value", ['=HYPERLINK("https://evil.example")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_spreadsheet_cell_from_mail_is_text_never_a_formula(value: str) -> None:
    import csv
    import io

    from openpyxl import load_workbook

    from service.web.exports import table_response

    [row] = list(csv.reader(io.StringIO(table_response("x.csv", ["h"], [[value]]).body.decode("utf-8-sig"))))[1:]
    assert row == ["'" + value]
    sheet = load_workbook(io.BytesIO(table_response("x.xlsx", ["h"], [[value]]).body)).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "'" + value
