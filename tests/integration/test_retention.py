"""``frontier-intake purge`` as an operator runs it: a dry run first, then --apply, on SQLite or PostgreSQL.

The sample mailbox belongs to the 12th session (ended long ago, every kind purged 0 days after its end); one more
message names a second, far-off event and carries the same PDF as a sample nomination (one blob for both); one
sample question is made a message with no event, whose retention is the settings'.
"""

from __future__ import annotations

import json
import os
import re
import time
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from config.events import load_events
from service.archive import Archive
from service.db import open_database
from service.models import User
from service.web.app import create_app
from service.web.security import hash_password
from tests.conftest import REPO, SAMPLES, cli, intake_env
from tests.support.db import engine, rows
from tests.support.messages import make_message

pytestmark = pytest.mark.integration
SECRET = "test-secret-that-is-long-enough-for-itsdangerous-0123456789"
PURGE_AT_THE_END = "\n[events.retention]\nraw_messages_days = 0\nattachments_days = 0\ndelegate_details_days = 0\n"
FAR_EVENT = """
[[events]]
id = "far"
name = "A session long after this one"
circular = "C. 9999"
starts = 2099-06-01
ends = 2099-06-02
reference_prefix = "FAR"

[events.retention]
raw_messages_days = 0
attachments_days = 0
delegate_details_days = 0
"""
PDF_SAMPLE = SAMPLES / "cur" / "001-nomination-es-chile-pdf.eml"
NO_EVENT_SAMPLE = "019-question-en-zoom-link.eml"
MARK = "zqxjkvbwmfpg"  # a word of one message's text only, looked for in the database file's bytes


def _keeper() -> bytes:
    """A nomination for the far-off event carrying the very PDF of the Chilean sample (the same blob)."""
    sample = message_from_bytes(PDF_SAMPLE.read_bytes(), policy=email_policy.default)
    pdf = next(part for part in sample.iter_attachments()).get_content()
    msg = EmailMessage()
    msg["From"] = "Keeper Mission <keeper@mission.example>"
    msg["To"] = "frontier.tech@wipo.int"
    msg["Subject"] = "Nomination for circular C. 9999"
    msg["Date"] = "Mon, 06 Oct 2025 10:00:00 +0200"
    msg["Message-ID"] = "<keeper@mission.example>"
    msg.set_content(
        "Further to circular C. 9999, we nominate the following delegates:\n"
        "1. Ms. Jane Keeper, Director, jane.keeper@mission.example\n2. Mr. John Stays, Adviser, john@mission.example\n"
    )
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename="nota-keeper.pdf")
    return bytes(msg)


def _age(archive: Path, seconds: float = 3 * 3600) -> None:
    """Every blob as if stored ``seconds`` ago (the purge leaves alone blobs stored within the last hour)."""
    when = time.time() - seconds
    for blob in archive.rglob("*.blob"):
        os.utime(blob, (when, when))


def _blobs(archive: Path) -> set[str]:
    return {blob.stem for blob in archive.rglob("*.blob")}


@pytest.fixture
def mailbox(make_settings, tmp_path: Path):
    """Settings whose events file purges the 12th session's mail, with the samples and the keeper stored."""
    events = tmp_path / "events.toml"
    shipped = (REPO / "config" / "events.toml").read_text(encoding="utf-8")
    events.write_text(shipped + PURGE_AT_THE_END + FAR_EVENT, encoding="utf-8")
    settings = make_settings(config=events, web_secret=SECRET, web_secure_cookies=False)
    keeper = tmp_path / "keeper.eml"
    keeper.write_bytes(_keeper())
    marked = tmp_path / "marked.eml"
    marked.write_bytes(make_message(1, subject="Circular C. 9284: a question", body=f"Dear colleagues, {MARK}?"))
    env = intake_env(settings)
    done = cli("import", str(SAMPLES), str(keeper), str(marked), env=env)
    assert done.returncode == 0, done.stderr
    (no_event,) = [i for (i,) in rows(settings, "SELECT id FROM message WHERE origin LIKE :o", o=f"%{NO_EVENT_SAMPLE}")]
    with engine(settings.effective_database_url).begin() as db:
        db.execute(text("UPDATE message SET event = NULL WHERE id = :id"), {"id": no_event})
    return settings, env, no_event


def _messages(settings) -> dict[int, tuple]:
    query = (
        "SELECT id, event, sha256, body_text, raw_messages_purged_at, attachments_purged_at,"
        " delegate_details_purged_at, delegates_female, delegates_male, delegates_unknown, fields FROM message"
    )
    return {row[0]: (*row[1:-1], _json(row[-1])) for row in rows(settings, query)}


def _json(value):
    """A JSON column as read by plain SQL: text on SQLite, already decoded on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value


def _attachments(settings) -> list[tuple]:
    return rows(settings, "SELECT message_id, sha256, text FROM attachment ORDER BY id")


def _audit(settings) -> list[tuple]:
    return rows(settings, "SELECT action, message_id FROM audit_event WHERE actor = 'purge' ORDER BY id")


def test_a_dry_run_changes_nothing_and_apply_removes_only_what_is_past_its_retention(mailbox) -> None:
    settings, env, no_event = mailbox
    archive = settings.archive_dir
    _age(archive)
    before, blobs, files = _messages(settings), _blobs(archive), _attachments(settings)
    (keeper,) = [i for i, m in before.items() if m[0] == "far"]
    ours = {i for i, m in before.items() if m[0] == "ft12"}
    assert len(ours) == len(before) - 2 and no_event not in ours
    shared = {sha for mid, sha, _ in files if mid == keeper}
    assert len(shared) == 1 and shared <= {sha for mid, sha, _ in files if mid in ours}  # one PDF, one blob
    people = sum(len(m[9].get("delegates") or []) for i, m in before.items() if i in ours)
    url = settings.effective_database_url
    if url.startswith("sqlite:///"):
        assert MARK[-8:].encode() in Path(url.removeprefix("sqlite:///")).read_bytes()  # in the text and the index

    dry = cli("purge", env=env)
    assert dry.returncode == 0, dry.stderr
    assert "dry run: would purge" in dry.stdout and "nothing was changed" in dry.stdout
    assert re.search(rf"ft12\s+raw_messages\s+{len(ours)}\s", dry.stdout), dry.stdout
    assert "mail still within its retention has the same bytes" in dry.stdout
    assert _messages(settings) == before and _blobs(archive) == blobs and _attachments(settings) == files
    assert _audit(settings) == []

    applied = cli("purge", "--apply", env=env)
    assert applied.returncode == 0, applied.stderr
    assert f"purged {len(ours)} message(s)" in applied.stdout
    after = _messages(settings)
    for mid in ours:
        _, sha, body, raw_at, files_at, people_at, *counts, fields = after[mid]
        assert body == "" and raw_at is not None and sha not in _blobs(archive)
        assert (files_at is not None) == any(m == mid for m, _, _ in files)
        assert (people_at is not None) == bool(before[mid][9].get("delegates") or before[mid][9].get("speaker_name"))
        assert counts == list(before[mid][6:9])  # the dashboard's delegates per gender stay
        assert not any(d.get("name") or d.get("email") for d in fields.get("delegates") or [])
        assert not fields.get("speaker_name")
    assert sum(len(m[9].get("delegates") or []) for i, m in after.items() if i in ours) == people
    for kept in (keeper, no_event):  # the far-off event's mail, and mail with no event (nothing configured)
        assert after[kept] == before[kept] and before[kept][1] in _blobs(archive)
    assert "Jane Keeper" in str(after[keeper][9])
    remaining = _blobs(archive)
    for mid, sha, extracted in _attachments(settings):
        assert (extracted == "") == (mid in ours)
        assert (sha in remaining) == (mid not in ours or sha in shared), (mid, sha)  # the shared PDF stays
    assert shared <= remaining
    if url.startswith("sqlite:///"):  # nowhere in the database file: not in free pages, the log or the index
        assert MARK[-8:].encode() not in Path(url.removeprefix("sqlite:///")).read_bytes()
    audit = _audit(settings)
    assert sorted(mid for action, mid in audit if action == "purged") == sorted(ours)
    assert [a for a in audit if a[0] == "purge"] == [("purge", None)]
    (summary,) = rows(settings, "SELECT detail FROM audit_event WHERE action = 'purge'")
    assert _json(summary[0])["blobs_removed"] == len(blobs) - len(remaining)
    assert _json(summary[0])["blobs_kept_shared"] == 1

    again = cli("purge", "--apply", env=env)
    assert again.returncode == 0, again.stderr
    assert "purged no message; removed 0 blob(s)" in again.stdout
    assert _messages(settings) == after and _blobs(archive) == remaining
    assert [a for a in _audit(settings) if a[0] == "purged"] == [a for a in audit if a[0] == "purged"]

    default = cli("purge", "--apply", env=env | {"INTAKE_RETENTION_RAW_MESSAGES_DAYS": "0"})
    assert default.returncode == 0, default.stderr
    assert re.search(r"\(no event\)\s+raw_messages\s+1\s", default.stdout) and "purged 1 message(s)" in default.stdout
    assert _messages(settings)[no_event][3] is not None and before[no_event][1] not in _blobs(archive)


def test_blobs_stored_again_lately_wait_for_the_next_run(mailbox) -> None:
    """A blob written within the last hour may be one a worker is storing again (its row not yet committed):
    the purge marks the data purged but leaves the blob to a later run, which removes it."""
    settings, env, _ = mailbox
    archive = settings.archive_dir
    blobs = _blobs(archive)
    first = cli("purge", "--yes", env=env)
    assert first.returncode == 0, first.stderr
    assert "removed 0 blob(s)" in first.stdout and "stay for now" in first.stdout
    assert _blobs(archive) == blobs
    _age(archive)
    dry = cli("purge", env=env)
    assert re.search(r"\(earlier run\)\s+raw_messages\s+0\s", dry.stdout), dry.stdout
    later = cli("purge", "--apply", env=env)
    assert later.returncode == 0, later.stderr
    assert "purged no message" in later.stdout and _blobs(archive) < blobs
    removed = rows(settings, "SELECT detail FROM audit_event WHERE action = 'purge' ORDER BY id")
    assert [_json(d)["blobs_removed"] for (d,) in removed] == [0, len(blobs - _blobs(archive))]


def _login(client: TestClient) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"name": "ana", "password": "correct horse battery", "csrf_token": token})
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)


def test_the_review_ui_says_what_was_removed_and_when(mailbox) -> None:
    settings, env, _ = mailbox
    _age(settings.archive_dir)
    (purged, sha), *_ = rows(
        settings,
        "SELECT m.id, m.sha256 FROM message m JOIN attachment a ON a.message_id = m.id WHERE m.event = 'ft12'"
        " ORDER BY m.id",
    )
    (keeper,) = [i for (i,) in rows(settings, "SELECT id FROM message WHERE event = 'far'")]
    (gone,) = [i for (i,) in rows(settings, "SELECT id FROM attachment WHERE message_id = :m", m=purged)]
    (kept,) = [i for (i,) in rows(settings, "SELECT id FROM attachment WHERE message_id = :m", m=keeper)]
    db = open_database(settings.effective_database_url)
    with Session(db) as session:
        session.add(User(name="ana", password_hash=hash_password("correct horse battery"), role="reviewer"))
        session.commit()
    app = create_app(settings, db, Archive(settings.archive_dir), load_events(settings.config))
    body_word = "Valentina"  # a delegate named in the Chilean nomination's text, not in its subject
    with TestClient(app, base_url="http://testserver") as client:
        token = _login(client)
        assert f"/messages/{purged}" in client.get("/", params={"q": body_word}).text
        assert "retention policy" not in client.get(f"/messages/{purged}").text
        assert client.get(f"/attachments/{gone}").status_code == 200

        assert cli("purge", "--apply", env=env).returncode == 0  # beside the running UI, as in production
        page = client.get(f"/messages/{purged}")
        assert page.status_code == 200
        assert page.text.count("removed under the retention policy on") == 3  # text, attachments, delegates
        assert "Rojas" not in page.text and "vrojas@" not in page.text  # in the text and in the fields
        assert f'href="/attachments/{gone}"' not in page.text
        download = client.get(f"/attachments/{gone}")
        assert download.status_code == 410 and "removed under the retention policy on" in download.text
        shared = client.get(f"/attachments/{kept}")  # the same PDF, still kept for the far-off event's mail
        pdf = rows(settings, "SELECT sha256 FROM attachment WHERE id = :a", a=kept)[0][0]
        assert shared.status_code == 200 and shared.content == Archive(settings.archive_dir).get(pdf)
        assert "retention policy" not in client.get(f"/messages/{keeper}").text
        assert client.get(f"/api/messages/{purged}").json()["purged"].keys() == {
            "raw_messages",
            "attachments",
            "delegate_details",
        }
        edit = client.post(
            f"/messages/{purged}/action",
            data={"action": "fields", "value": '{"delegates": [{"name": "Back Again"}]}', "csrf_token": token},
        )
        assert edit.status_code == 422 and "retention policy" in edit.text
        assert f"/messages/{keeper}" in client.get("/", params={"q": "Keeper"}).text
        assert f"/messages/{purged}" not in client.get("/", params={"q": body_word}).text
    assert sha not in _blobs(settings.archive_dir)


def test_retriage_leaves_purged_mail_out_and_never_brings_names_back(make_settings, tmp_path: Path) -> None:
    """Delegates' details purged while the raw mail is kept: triage read again from the mail would find the
    names again, so they are purged again; mail whose raw bytes are gone is left out of retriage."""
    events = tmp_path / "events.toml"
    shipped = (REPO / "config" / "events.toml").read_text(encoding="utf-8")
    events.write_text(shipped + "\n[events.retention]\ndelegate_details_days = 0\n", encoding="utf-8")
    settings = make_settings(config=events)
    env = intake_env(settings)
    assert cli("import", str(SAMPLES), env=env).returncode == 0
    named = "SELECT count(*) FROM message WHERE delegate_details_purged_at IS NOT NULL"
    counts = "SELECT id, delegates_female, delegates_male, delegates_unknown FROM message ORDER BY id"
    before = rows(settings, counts)
    assert cli("purge", "--apply", env=env).returncode == 0
    assert rows(settings, named)[0][0] > 0
    again = cli("retriage", "--all", env=env)
    assert again.returncode == 0, again.stderr
    assert "left out" not in again.stdout  # every raw message is still there
    for (fields,) in rows(settings, "SELECT fields FROM message WHERE delegate_details_purged_at IS NOT NULL"):
        fields = _json(fields)
        assert not fields.get("speaker_name") and not any(d.get("name") for d in fields.get("delegates") or [])
    assert rows(settings, counts) == before

    events.write_text(shipped + "\n[events.retention]\nraw_messages_days = 0\n", encoding="utf-8")
    _age(settings.archive_dir)
    assert cli("purge", "--apply", env=env).returncode == 0
    left_out = cli("retriage", "--all", env=env)
    assert left_out.returncode == 0, left_out.stderr
    assert "examined 0," in left_out.stdout and f"{len(before)} left out" in left_out.stdout
