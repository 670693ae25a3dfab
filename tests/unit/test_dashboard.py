"""The staff dashboard: titles → gender, Geneva days, escaped SVG, and the page end to end."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from config.settings import load_settings
from handlers.events import Event
from handlers.gender import gender_counts, gender_of
from handlers.registry import SUBMISSIONS
from service.models import Message, User
from service.web import dashboard_data as dashboard
from service.web.app import create_app
from service.web.charts import bar_chart_svg, day_chart_svg
from service.web.dashboard_data import day_bounds, per_day, shares, tally
from service.web.security import hash_password
from service.worker import build_pipeline, ingest_files

GENEVA = ZoneInfo("Europe/Zurich")
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script>"
LABELLED = Path(__file__).resolve().parents[1] / "triage" / "labelled" / "part-b"

TITLES = {
    "female": [
        "Ms", "Ms.", "MS.", "Mrs.", "miss", "Mme", "Mme.", "Mlle", "Madame", "Sra.", "sra", "Srta.", "Señora",
        "Doña", "Dra.", "Г-жа", "г-жа.", "Госпожа", "السيدة", "الدكتورة", "السفيرة", "الأستاذة", "الاستاذة",
        "女士", "夫人", " Ms ", "H.E. Ms.", "S.E. Sra.",
    ],
    "male": [
        "Mr", "Mr.", "MR", "M.", "M", "Monsieur", "Sr.", "Sr", "Señor", "Don", "Г-н", "г-н.", "господин",
        "السيد", "الدكتور", "السفير", "الأستاذ", "先生", "H.E. Mr.", "S.E. M.",
    ],
    "unknown": [
        "Dr.", "Dr", "Prof.", "Professor", "", "   ", None, 42, "Mx", "Ambassador", "Excellency", "Mr. & Mrs.",
        "Dr. Prof.", "unknown",
    ],
}  # fmt: skip


@pytest.mark.parametrize(("title", "gender"), [(t, g) for g, titles in TITLES.items() for t in titles])
def test_gender_of_titles_in_six_languages(title: object, gender: str) -> None:
    assert gender_of(title) == gender


def test_gender_counts_and_shares_tolerate_odd_fields() -> None:
    rows = [
        {"delegates": [{"title": "Ms."}, {"title": "Mr"}, {"title": "Dr."}, {"name": "no title"}]},
        {"delegates": [{"title": "Sra."}, "not a delegate", None]},
        {"delegates": "not a list"},
        {},
        None,
    ]
    counts = gender_counts(rows)
    assert counts == {"female": 2, "male": 1, "unknown": 4}
    assert sum(shares(counts).values()) == 100 and shares({"a": 1, "b": 1, "c": 1}) == {"a": 34, "b": 33, "c": 33}
    assert shares({"female": 0, "male": 0, "unknown": 0}) == {"female": 0, "male": 0, "unknown": 0}


def test_tally_keeps_the_top_values_and_counts_the_missing() -> None:
    groups = [("Peru", 2), (None, 3), ("", 1), ("Chile", 5), ("Cuba", 2), ("Benin", 1)]
    top, distinct, missing = tally(groups, 3)
    assert top == [("Chile", 5), ("Cuba", 2), ("Peru", 2)] and distinct == 4 and missing == 4


def test_per_day_buckets_by_geneva_day() -> None:
    rows = [
        datetime(2025, 10, 10, 21, 59, tzinfo=UTC),  # 23:59 in Geneva (CEST, UTC+2): still the 10th
        datetime(2025, 10, 10, 22, 30, tzinfo=UTC),  # 00:30 on the 11th in Geneva
        datetime(2025, 10, 9, 22, 0, tzinfo=UTC),  # midnight starting the 10th
        datetime(2025, 10, 10, 12, 0),  # naive: UTC
        datetime(2025, 10, 26, 23, 30, tzinfo=UTC),  # after the clocks went back (CET, UTC+1): 00:30 on the 27th
        datetime(2025, 9, 1, tzinfo=UTC),  # outside the window
        None,
    ]
    days = dict(per_day(rows, GENEVA, date(2025, 10, 8), date(2025, 10, 27)))
    assert len(days) == 20 and days[date(2025, 10, 8)] == 0
    assert days[date(2025, 10, 10)] == 3 and days[date(2025, 10, 11)] == 1
    assert days[date(2025, 10, 26)] == 0 and days[date(2025, 10, 27)] == 1
    assert dict(per_day(rows, "Europe/Zurich", date(2025, 10, 10), date(2025, 10, 10))) == {date(2025, 10, 10): 3}

    bounds = {day: (begins, ends) for day, begins, ends in day_bounds(GENEVA, date(2025, 10, 25), date(2025, 10, 27))}
    begins, ends = bounds[date(2025, 10, 26)]
    assert (ends - begins).total_seconds() == 25 * 3600 and ends == bounds[date(2025, 10, 27)][0]
    assert bounds[date(2025, 10, 25)][0] == datetime(2025, 10, 24, 22, 0, tzinfo=UTC)


def test_bar_chart_escapes_hostile_labels_and_is_well_formed_xml() -> None:
    items = [(HOSTILE, 3), ('Côte d\'Ivoire & "friends"', 2), ("سلام\u202e\x00\x07 中国", 1), ("zero", 0)]
    svg = bar_chart_svg(items, title=HOSTILE, href=lambda label: f"/?country={label}")
    assert "<script" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "\u202e" not in svg and "\x00" not in svg
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg" and root.get("aria-label") == HOSTILE
    assert len(root.findall(f".//{SVG}rect")) == 4 and len(root.findall(f"{SVG}a")) == 4
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert HOSTILE in labels and 'Côte d\'Ivoire & "friends"' in labels and "سلام 中国" in labels
    assert root.findall(f"{SVG}a")[0].get("href") == f"/?country={HOSTILE}"  # escaped in, intact out
    assert not [e for e in root.iter() if e.get("style") is not None or e.tag.endswith("script")]
    long = bar_chart_svg([("x" * 200, 1)], label_chars=20)
    assert ("x" * 19 + "…") in long and ET.fromstring(str(long)) is not None


def test_day_chart_highlights_the_deadline() -> None:
    days = [(date(2025, 10, 9), 4), (date(2025, 10, 10), 9), (date(2025, 10, 11), 0)]
    root = ET.fromstring(str(day_chart_svg(days, title="per day", highlight={date(2025, 10, 10)})))
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect")]
    assert fills == ["#00315f", "#aa0000", "#00315f"]
    assert "deadline" in [t.text for t in root.iter(f"{SVG}text")]


@pytest.fixture
def client(tmp_path: Path):
    settings = load_settings(data_dir=tmp_path / "data", web_secret="x" * 40, web_secure_cookies=False, ack_mode="off")
    with build_pipeline(settings) as ingestor:
        ingest_files(ingestor, [LABELLED], source="import", batch_size=50)
        with Session(ingestor.engine) as session:
            session.add(User(name="ana", password_hash=hash_password("correct horse battery"), role="reviewer"))
            session.commit()
        app = create_app(settings, ingestor.engine, ingestor.archive, ingestor.events)
        with TestClient(app, base_url="http://testserver") as test_client:
            test_client.engine = ingestor.engine
            yield test_client


def _login(client: TestClient) -> None:
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    done = client.post(
        "/login", data={"name": "ana", "password": "correct horse battery", "csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == "/"  # signed in (not sent back to /login)


def test_dashboard_page(client: TestClient) -> None:
    anonymous = client.get("/dashboard", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login"

    _login(client)
    page = client.get("/dashboard")
    assert page.status_code == 200 and "<svg" in page.text
    assert "script-src" not in page.headers["content-security-policy"] and "<script" not in page.text
    assert " style=" not in page.text and "<style" not in page.text

    with Session(client.engine) as session:
        late = session.exec(select(func.count()).where(Message.deadline_status == "late")).one()
        arrivals = session.exec(select(Message.received_at).where(Message.category.in_(SUBMISSIONS))).all()
        nominations = session.exec(select(Message.fields).where(Message.category == "nomination")).all()
    assert late > 0
    assert int(re.search(r'id="late-count">(\d+)<', page.text).group(1)) == late
    assert 'href="/?deadline=late"' in page.text
    assert 'href="/?category=nomination"' in page.text and 'href="/?country=C%C3%B4te%20d%27Ivoire"' in page.text
    assert len(re.findall(r'href="/\?country=', page.text)) == dashboard.TOP_COUNTRIES  # more are heard from
    assert "deadline" in page.text and "Fri 10 Oct 2025" in page.text

    event: Event = next(e for e in client.app.state.events if e.id == "ft12")
    data = dashboard.load(client.engine, event)
    start, end = dashboard.window(event)
    assert data.days == per_day(arrivals, event.timezone, start, end)  # the GROUP BY agrees with the pure count
    assert sum(n for _, n in data.days) + data.before + data.after == len(arrivals)
    assert data.late == late and data.genders == gender_counts(nominations) and sum(data.genders.values()) > 0
    for svg in re.findall(r"<svg .*?</svg>", page.text, flags=re.S):
        ET.fromstring(svg)  # every chart is well-formed XML
