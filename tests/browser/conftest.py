"""The review UI served by a real uvicorn on 127.0.0.1, driven by Debian's Chromium through Playwright (sync API).

No ``playwright install``: the browser is /usr/bin/chromium (``scripts/system-deps`` installs it). When it is
missing the tests fail, they never skip.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn
from sqlalchemy import Engine
from sqlmodel import Session

from config.settings import load_settings
from service.models import User
from service.web.app import create_app
from service.web.security import hash_password
from service.worker import build_pipeline, ingest_files
from tests.conftest import REPO, require

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LABELLED = REPO / "tests" / "triage" / "labelled"
STAFF_NAME = "ana"
STAFF_PASSWORD = "correct horse battery staple 42"
VIEWPORT = {"width": 1280, "height": 900}


@dataclass
class LiveApp:
    """The running review UI: where it answers, its database, and the staff account."""

    base_url: str
    engine: Engine
    user: str = STAFF_NAME
    password: str = STAFF_PASSWORD


@dataclass
class Traffic:
    """Everything the browser did in one test: requests, console lines, page errors."""

    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def foreign(self) -> list[str]:
        """Requests for any host but the app's own (127.0.0.1); ``about:`` / ``data:`` are not network requests."""
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("about", "data") and urlsplit(url).hostname != "127.0.0.1"
        ]


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def _wait_healthy(url: str, thread: threading.Thread, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not thread.is_alive():
            pytest.fail("uvicorn stopped while starting; see the log above")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"the review UI did not answer {url}/healthz within {timeout:.0f} s")


@pytest.fixture
def hostile_mail() -> list[bytes]:
    """Extra raw messages to import with the labelled mail; tests that need some override this fixture."""
    return []


@pytest.fixture
def live_app(tmp_path: Path, hostile_mail: list[bytes]) -> Iterator[LiveApp]:
    """The labelled mail (part-b, part-a) plus ``hostile_mail`` imported into a fresh data folder, one staff
    user, and the review UI served by uvicorn on 127.0.0.1 in a background thread."""
    settings = load_settings(
        data_dir=tmp_path / "data",
        web_secret=secrets.token_urlsafe(48),
        web_secure_cookies=False,
        ack_mode="off",
        parse_workers=1,
    )
    inbox = tmp_path / "hostile"
    inbox.mkdir()
    paths = [LABELLED / "part-b", LABELLED / "part-a"]
    for index, raw in enumerate(hostile_mail):
        (inbox / f"hostile-{index:02d}.eml").write_bytes(raw)
        paths.append(inbox / f"hostile-{index:02d}.eml")
    with build_pipeline(settings) as ingestor:
        result = ingest_files(ingestor, paths, source="import", batch_size=50)
        assert result.parse_errors == 0 and len(result.stored_ids) >= 265 + len(hostile_mail), result
        with Session(ingestor.engine) as session:
            session.add(User(name=STAFF_NAME, password_hash=hash_password(STAFF_PASSWORD), role="reviewer"))
            session.commit()
        app = create_app(settings, ingestor.engine, ingestor.archive, ingestor.events)
        sock = _free_socket()
        port = sock.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="uvicorn", daemon=True)
        thread.start()
        try:
            base_url = f"http://127.0.0.1:{port}"
            _wait_healthy(base_url, thread)
            yield LiveApp(base_url=base_url, engine=ingestor.engine)
        finally:
            server.should_exit = True
            thread.join(timeout=15)
            sock.close()
            assert not thread.is_alive(), "uvicorn did not stop"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, launched once per test session."""
    require(CHROMIUM.exists(), f"Chromium ({CHROMIUM}; Debian package chromium, see scripts/system-deps)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the Python package playwright is missing: pip install playwright (no `playwright install`)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


@pytest.fixture
def page(browser: Any, live_app: LiveApp, traffic: Traffic) -> Iterator[Any]:
    """A fresh browser context (no cookies) and page at 1280×900 that records every request and console line.

    Requests for other hosts are recorded, then aborted: a test can never reach the internet, and the
    ``traffic.foreign()`` check still sees that the page tried.
    """
    context = browser.new_context(viewport=VIEWPORT, base_url=live_app.base_url, accept_downloads=True)
    context.set_default_timeout(10_000)
    context.on("request", lambda request: traffic.requests.append(request.url))

    def route(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda message: traffic.console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: traffic.errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()


def log_in(page: Any, app: LiveApp) -> None:
    """Log in through the form."""
    page.goto("/login")
    page.get_by_label("Name").fill(app.user)
    page.get_by_label("Password").fill(app.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(app.base_url + "/")
