"""Every file of the shared corpus of real third-party mail goes through ``frontier-intake import``."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlmodel import Session, select

from service.archive import Archive
from service.db import make_engine
from service.models import Attachment, Message, User
from service.web.app import create_app
from service.web.security import hash_password
from tests.conftest import REPO, intake_env

pytestmark = pytest.mark.integration


def test_every_corpus_file_is_stored_parsed_or_flagged(make_settings, corpus: Path) -> None:
    sources = sorted(p for p in corpus.iterdir() if p.is_dir())
    files = sorted(f for d in sources for f in d.rglob("*") if f.is_file())
    assert len(files) > 1000

    settings = make_settings()
    env = intake_env(settings)
    done = subprocess.run(
        [sys.executable, "-m", "service", "import", "--no-mbox", *map(str, sources)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"stored {len(files)} new message(s)" in done.stdout

    exported = subprocess.run(
        [sys.executable, "-m", "service", "export", "--format", "jsonl"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    records = [json.loads(line) for line in exported.stdout.splitlines()]
    assert len(records) == len(files)
    statuses = Counter(r["status"] for r in records)
    assert set(statuses) <= {"parsed", "parse_error"}
    assert statuses["parsed"] >= len(files) - 20  # only the degenerate files are not messages

    archive = Archive(settings.archive_dir)
    digests = {hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    assert digests == {r["sha256"] for r in records}
    assert all(archive.has(d) for d in digests)  # raw bytes kept for every one, parse_error included
    errors = [r for r in records if r["status"] == "parse_error"]
    assert all(r["error"] for r in errors)

    # every one of them, parse errors included, opens for staff: the page, the API record, each attachment
    web = settings.model_copy(update={"web_secret": SecretStr("corpus-walk-" + "x" * 40), "web_secure_cookies": False})
    engine = make_engine(web.effective_database_url)
    with Session(engine) as session:
        session.add(User(name="walker", password_hash=hash_password("corpus walker pw"), role="reviewer"))
        session.commit()
        ids = session.exec(select(Message.id)).all()
        attachments = session.exec(select(Attachment.id)).all()
    app = create_app(web, engine, archive, [])
    with TestClient(app, raise_server_exceptions=False) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
        client.post("/login", data={"name": "walker", "password": "corpus walker pw", "csrf_token": token})
        failed = [f"/messages/{i}" for i in ids if client.get(f"/messages/{i}").status_code != 200]
        failed += [f"/api/messages/{i}" for i in ids if client.get(f"/api/messages/{i}").status_code != 200]
        failed += [f"/attachments/{a}" for a in attachments if client.get(f"/attachments/{a}").status_code != 200]
        for path in ("/", "/dashboard", "/?sort=confidence", "/exports/delegates.xlsx", "/exports/speakers.csv"):
            failed += [path] if client.get(path).status_code != 200 else []
    assert len(ids) == len(files) and attachments and failed == []
