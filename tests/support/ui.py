"""What the review UI shows a signed-in reviewer: the open problems on top of every page."""

from __future__ import annotations

import html
import re
import secrets

from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlmodel import Session, select

from config.events import load_events
from config.settings import Settings
from service.archive import Archive
from service.db import open_database
from service.models import User
from service.web.app import create_app
from service.web.security import hash_password

PROBLEM = re.compile(r'<p class="problem" data-kind="([^"]+)">(.*?)</p>', re.S)


def page_shown(settings: Settings, page: str = "/") -> str:
    """The HTML of ``page`` as a reviewer signed in to the settings' database sees it."""
    engine = open_database(settings.effective_database_url, migrate=False)
    password = secrets.token_urlsafe(12)
    name = "ui-check"
    with Session(engine) as session:
        user = session.exec(select(User).where(User.name == name)).first() or User(name=name, role="reviewer")
        user.password_hash = hash_password(password)
        session.add(user)
        session.commit()
    web = settings.model_copy(update={"web_secret": SecretStr(secrets.token_hex(32)), "web_secure_cookies": False})
    app = create_app(web, engine, Archive(settings.archive_dir), load_events(settings.config))
    try:
        with TestClient(app, base_url="http://testserver") as client:
            login = client.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
            form = {"name": name, "password": password, "csrf_token": token.group(1) if token else ""}
            client.post("/login", data=form, follow_redirects=True).raise_for_status()
            return client.get(page).text
    finally:
        engine.dispose()


def problems_shown(settings: Settings, page: str = "/") -> list[tuple[str, str]]:
    """(kind, text) of each problem on ``page`` for a reviewer signed in to the settings' database."""
    body = page_shown(settings, page)
    return [(kind, html.unescape(re.sub(r"<[^>]+>", "", text)).strip()) for kind, text in PROBLEM.findall(body)]
