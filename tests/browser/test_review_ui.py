"""The review UI in a real browser (Debian Chromium via Playwright) against a real uvicorn on 127.0.0.1.

tests/integration/test_web.py checks the same app in-process; here a person's clicks are replayed: log in, filter,
edit, accept, reclassify, download the exports; and hostile mail is opened, hovered and clicked without anything
running or any request leaving for another host.
"""

from __future__ import annotations

import csv
import json
import os
import unicodedata
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from handlers.gender import gender_of
from service.models import Message
from tests.browser.conftest import LiveApp, Traffic, log_in
from tests.conftest import REPO

pytestmark = pytest.mark.integration
DOCS = REPO / "docs"
DELEGATES_HEADER = [
    "message",
    "received (Geneva)",
    "from",
    "country_or_org",
    "title",
    "gender",
    "name",
    "email",
    "attendance",
    "deadline_status",
    "review_status",
]
COUNTRY, GENDER, NAME = (DELEGATES_HEADER.index(c) for c in ("country_or_org", "gender", "name"))
EDITED_COUNTRY = "United Arab Emirates — edited in the browser"


def _facts(page: Any, label: str) -> str:
    """The text of one entry of the message page's facts list (``<dt>label</dt><dd>…</dd>``)."""
    return page.locator("dl.facts dt", has_text=label).locator("xpath=following-sibling::dd[1]").inner_text()


def _screenshot(page: Any, name: str, *, full_page: bool = False) -> None:
    """Taken on every run (the page must render); written to ``docs/`` only when UPDATE_SCREENSHOTS=1."""
    image = page.screenshot(full_page=full_page)
    assert image.startswith(b"\x89PNG")
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(exist_ok=True)
        (DOCS / name).write_bytes(image)


def test_staff_workflow(page: Any, live_app: LiveApp, traffic: Traffic, tmp_path: Path) -> None:
    with Session(live_app.engine) as session:
        nominations = session.exec(select(Message).where(Message.category == "nomination")).all()
        questions = session.exec(select(Message).where(Message.category == "question").order_by(Message.id)).all()
    # An Arabic nomination with an HTML body and delegates: right-to-left text in the screenshot, rows in the export.
    nomination = min(
        (m for m in nominations if m.language == "ar" and m.body_html and (m.fields or {}).get("delegates")),
        key=lambda m: m.id,
    )
    delegates = nomination.fields["delegates"]
    question = questions[0]

    # Log in: a wrong password first shows the error, then the right one opens the queue.
    page.goto("/")
    page.wait_for_url(live_app.base_url + "/login")
    page.get_by_label("Name").fill(live_app.user)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/login?error=*")
    assert page.get_by_role("alert").inner_text() == "Wrong name or password"
    log_in(page, live_app)
    assert page.locator("header .who").inner_text() == f"{live_app.user} (reviewer)"

    # Filter the queue by category: every row shown is a nomination, and the count says how many.
    page.get_by_label("category", exact=True).select_option("nomination")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/?category=nomination*")
    rows = page.locator("table.queue tbody tr")
    categories = [cell.strip() for cell in rows.locator("td:nth-child(5)").all_inner_texts()]
    assert categories and all(c.removesuffix("⚑").strip() == "nomination" for c in categories), categories
    assert len(categories) == min(len(nominations), 50)
    assert page.locator("p.count").inner_text().startswith(f"{len(nominations)} message(s)")
    _screenshot(page, "screenshot-queue.png")

    # Search: a word of the Arabic subject without its vowel marks finds the nomination.
    word = max(nomination.subject.split(), key=len)
    bare = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
    page.get_by_label("search", exact=True).fill(bare)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/?*q=*")
    assert page.locator(f'table.queue a[href="/messages/{nomination.id}"]').count() == 1

    # Open one message, edit its fields (JSON in a textarea), accept it.
    page.locator(f'table.queue a[href="/messages/{nomination.id}"]').click()
    page.wait_for_url(f"**/messages/{nomination.id}")
    assert page.get_by_role("heading", level=1).inner_text() == nomination.subject
    [html_frame] = page.frames[1:]  # the sanitised HTML reads right to left, like the text above it
    assert html_frame.evaluate("document.documentElement.dir") == "rtl"
    assert html_frame.evaluate("getComputedStyle(document.body).direction") == "rtl"
    _screenshot(page, "screenshot-message.png")
    # the fields' form: the country in its box, each delegate in a row of boxes (Arabic names as typed)
    country_box = page.get_by_label("country or organisation", exact=True)
    assert country_box.input_value() == nomination.fields["country_or_org"]
    assert page.get_by_label("delegate 1 name", exact=True).input_value() == delegates[0]["name"]
    country_box.fill(EDITED_COUNTRY)
    page.get_by_role("button", name="Save fields").click()
    page.wait_for_load_state()
    page.reload()
    assert page.get_by_label("country or organisation", exact=True).input_value() == EDITED_COUNTRY
    page.locator("details", has_text="Fields as JSON").locator("summary").click()  # the same, as JSON
    fields_box = page.get_by_role("textbox", name="fields", exact=True)
    assert json.loads(fields_box.input_value())["country_or_org"] == EDITED_COUNTRY
    assert "corrected by staff" in _facts(page, "Category")
    assert "fields_edited" in page.locator("ul.audit").inner_text()
    page.goto("/?" + urlencode({"country": EDITED_COUNTRY}))  # the country filter follows the correction
    assert page.locator("table.queue tbody tr").count() == 1
    page.locator(f'table.queue a[href="/messages/{nomination.id}"]').click()
    page.wait_for_url(f"**/messages/{nomination.id}")

    page.get_by_role("button", name="accepted", exact=True).click()
    page.wait_for_url(f"**/messages/{nomination.id}")
    assert _facts(page, "Review").startswith("accepted")

    # Back to the queue; reclassify a question as a speaker request.
    page.get_by_role("link", name="Queue", exact=True).click()
    page.wait_for_url(live_app.base_url + "/")
    page.get_by_label("category", exact=True).select_option("question")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/?category=question*")
    page.locator(f'table.queue a[href="/messages/{question.id}"]').click()
    page.wait_for_url(f"**/messages/{question.id}")
    assert page.locator("span.category").inner_text() == "question"
    page.get_by_label("reclassify", exact=True).select_option("speaker_request")
    page.get_by_role("button", name="Reclassify").click()
    page.wait_for_url(f"**/messages/{question.id}")
    page.reload()
    assert page.locator("span.category").inner_text() == "speaker_request"
    assert "corrected by staff" in _facts(page, "Category")
    assert page.get_by_label("reclassify", exact=True).input_value() == "speaker_request"

    # The delegates list, both formats, downloaded from the queue page's links.
    page.get_by_role("link", name="Queue", exact=True).click()
    page.wait_for_url(live_app.base_url + "/")
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="delegates CSV").click()
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="delegates XLSX").click()
    files = {}
    for download in (csv_download.value, xlsx_download.value):
        assert download.failure() is None
        files[download.suggested_filename] = tmp_path / download.suggested_filename
        download.save_as(files[download.suggested_filename])
    assert set(files) == {"delegates.csv", "delegates.xlsx"}

    table = list(csv.reader(files["delegates.csv"].read_text(encoding="utf-8-sig").splitlines()))
    assert table[0] == DELEGATES_HEADER
    mine = [row for row in table[1:] if row[0] == str(nomination.id)]
    assert [row[NAME] for row in mine] == [d["name"] for d in delegates]
    assert all(row[COUNTRY] == EDITED_COUNTRY and row[-1] == "accepted" for row in mine), mine
    genders = [gender_of(d.get("title")) for d in delegates]
    assert [row[GENDER] for row in mine] == genders and set(genders) - {"unknown"}  # السيد / السيدة are read
    assert not any(row[0] == str(question.id) for row in table[1:])

    sheet = load_workbook(files["delegates.xlsx"], read_only=True).active
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == DELEGATES_HEADER
    assert len(cells) == len(table)
    mine_xlsx = [row for row in cells[1:] if row[0] == nomination.id]
    assert [row[NAME] for row in mine_xlsx] == [d["name"] for d in delegates]
    assert all(row[COUNTRY] == EDITED_COUNTRY and row[-1] == "accepted" for row in mine_xlsx), mine_xlsx

    # The dashboard: server-drawn charts, the corrected category counted where it now belongs.
    response = page.goto("/dashboard")
    assert response is not None and response.status == 200 and page.url == live_app.base_url + "/dashboard"
    assert page.locator("svg").count() >= 4
    assert page.locator('a[href="/?category=speaker_request"]').count() == 1
    _screenshot(page, "screenshot-dashboard.png", full_page=True)

    assert traffic.foreign() == [] and traffic.errors == []


# Hostile mail: scripts in every header a page shows, event handlers, javascript: links, remote CSS and images.
_NOW = formatdate(usegmt=True).encode()
_HEADERS = b"To: frontier.tech@wipo.int\r\nMIME-Version: 1.0\r\nDate: " + _NOW + b"\r\n"
HOSTILE = [
    # Scripts and handlers in the body, a script in the subject and in the sender's display name.
    b'From: "<script>window.pwned=1</script> Mallory" <evil@attacker.test>\r\n'
    b"Subject: <script>window.pwned=1</script> Question about the session\r\n"
    b"Message-ID: <hostile-1@attacker.test>\r\n" + _HEADERS + b"Content-Type: text/html; charset=utf-8\r\n\r\n"
    b'<html><body onload="window.pwned=1"><script>window.pwned=1</script>\r\n'
    b'<p><a href="javascript:window.pwned=1">click me</a></p>\r\n'
    b'<img src=x onerror="window.pwned=1" alt="broken">\r\n'
    b'<svg onload="window.pwned=1" width="40" height="40"><circle r="20" cx="20" cy="20"/></svg>\r\n'
    b'<p onmouseover="window.pwned=1" onclick="window.pwned=1">hover me</p>\r\n'
    b"<p>Could you please tell us in which room the session takes place?</p></body></html>\r\n",
    # CSS exfiltration and tracking pixels: nothing may be fetched from exfil.test / tracker.test.
    b'From: "Tracker" <pixel@attacker.test>\r\nSubject: Newsletter <img src=x onerror=window.pwned=1>\r\n'
    b"Message-ID: <hostile-2@attacker.test>\r\n" + _HEADERS + b'Content-Type: multipart/alternative; boundary="b1"\r\n'
    b"\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDear colleagues, our newsletter.\r\n"
    b"--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    b"<html><head><style>body{background:url(http://exfil.test/x)}</style>"
    b'<link rel="stylesheet" href="http://exfil.test/style.css">'
    b'<meta http-equiv="refresh" content="0;url=http://exfil.test/refresh"></head>'
    b'<body background="http://exfil.test/bg.png"><img src="http://tracker.test/p.gif" width="1" height="1">'
    b'<p style="background-image:url(http://exfil.test/inline)">Dear colleagues, our newsletter.</p>'
    b'<table background="http://exfil.test/t.png"><tr><td>cell</td></tr></table>'
    b'<iframe src="http://exfil.test/frame"></iframe><object data="http://exfil.test/o"></object>'
    b'<form action="http://exfil.test/form"><input name="q" value="x"><button>send</button></form>'
    b"</body></html>\r\n--b1--\r\n",
    # A script as an attachment's file name, and a javascript: link once more.
    b'From: "Attacher" <files@attacker.test>\r\nSubject: Our nomination, see the attachment\r\n'
    b"Message-ID: <hostile-3@attacker.test>\r\n" + _HEADERS + b'Content-Type: multipart/mixed; boundary="b2"\r\n'
    b"\r\n--b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    b'<p>Please find our list attached. <a href="javascript:window.pwned=1">click me</a></p>\r\n'
    b'--b2\r\nContent-Type: application/pdf; name="<script>window.pwned=1</script>.pdf"\r\n'
    b'Content-Disposition: attachment; filename="<script>window.pwned=1</script>.pdf"\r\n'
    b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJSBub3QgcmVhbGx5IGEgUERGCg==\r\n--b2--\r\n",
]


def _poke(page: Any, selector: str) -> None:
    """Hover the page's elements that show mail content (``selector``) and every visible element of its frames
    (the sanitised HTML); click the javascript: link if one is left."""
    for element in page.locator(selector).all():
        if element.is_visible():
            element.hover()
    for frame in page.frames[1:]:
        for element in frame.locator("body *").all():
            if element.is_visible():
                element.hover()
        link = frame.get_by_text("click me")
        if link.count():
            link.first.click()


def _assert_inert(page: Any, traffic: Traffic, where: str) -> None:
    for frame in page.frames:
        assert frame.evaluate("typeof window.pwned") == "undefined", (where, frame.url)
        assert frame.locator("[href^='javascript:' i], [src^='javascript:' i]").count() == 0, (where, frame.url)
    assert page.evaluate("window.pwned") is None, where
    assert not [line for line in traffic.console + traffic.errors if "pwned" in line], where
    assert traffic.foreign() == [], (where, traffic.foreign())


@pytest.mark.parametrize("hostile_mail", [HOSTILE], ids=["hostile"])
def test_hostile_mail_is_inert_in_the_browser(page: Any, live_app: LiveApp, traffic: Traffic) -> None:
    with Session(live_app.engine) as session:
        hostile = session.exec(
            select(Message).where(Message.from_address.like("%@attacker.test")).order_by(Message.id)
        ).all()
    assert len(hostile) == len(HOSTILE)
    log_in(page, live_app)

    # The queue shows the hostile subjects and names as text (they are the newest mail, so on the first page).
    page.goto("/")
    for message in hostile:
        assert page.locator(f'table.queue a[href="/messages/{message.id}"]').inner_text() == message.subject
    assert "<script>window.pwned=1</script> Mallory" in page.locator("table.queue").inner_text()
    for message in hostile:
        _poke(page, f'table.queue tr:has(a[href="/messages/{message.id}"]) td')
    _assert_inert(page, traffic, "queue")

    for message in hostile:
        page.goto(f"/messages/{message.id}")
        where = f"message {message.id} ({message.subject})"
        assert page.get_by_role("heading", level=1).inner_text() == message.subject, where
        assert message.from_name in _facts(page, "From"), where
        html_frames = page.frames[1:]
        if message.body_html:
            assert len(html_frames) == 1, where
            assert html_frames[0].url == "about:srcdoc", where
        _poke(page, "article h1, dl.facts dd, pre.body, iframe, a[href^='/attachments/']")
        _assert_inert(page, traffic, where)

    # The attachment named like a script is listed as text and downloads, never renders.
    files = next(m for m in hostile if m.subject.startswith("Our nomination"))
    page.goto(f"/messages/{files.id}")
    link = page.locator('a[href^="/attachments/"]')
    assert link.inner_text() == "<script>window.pwned=1</script>.pdf"
    with page.expect_download() as download:
        link.click()
    assert download.value.failure() is None and download.value.suggested_filename.endswith(".pdf")
    _assert_inert(page, traffic, "attachment")
    assert any("/messages/" in url for url in traffic.requests)  # the recorder saw the pages it checked
