"""Review UI at scale: seed 100,000 submissions, then time the queue, a full-text search and the dashboard.

    .venv/bin/python bench/web_benchmark.py [--messages 100000] [--requests 50] [--keep DIR]

Seeds a fresh SQLite database through the real migrations (so the indexes and the full-text table are the
product's) with realistic rows — six languages, all categories, fields, arrivals around the deadline — written
as the product writes them (derived columns and search words included), then sends each request 50 times
through the application and prints the 50th and 95th percentile of the server time the app reports
(``Server-Timing``). A benchmark that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session  # noqa: E402

from config.settings import load_settings  # noqa: E402
from handlers.search import message_document  # noqa: E402
from service import search_index  # noqa: E402
from service.models import Message, User, derived_columns  # noqa: E402
from service.web.app import create_app  # noqa: E402
from service.web.security import hash_password  # noqa: E402
from service.worker import build_pipeline  # noqa: E402

CATEGORIES = [
    ("nomination", 20),
    ("speaker_request", 15),
    ("clearinghouse_update", 12),
    ("question", 15),
    ("auto_reply", 10),
    ("bounce", 6),
    ("spam", 12),
    ("other", 10),
]
COUNTRIES = [
    "Chile",
    "France",
    "China",
    "Russian Federation",
    "Egypt",
    "Republic of Korea",
    "Mexico",
    "Senegal",
    "Kazakhstan",
    "United Arab Emirates",
    "Côte d'Ivoire",
    "Brazil",
    "India",
    "Morocco",
    "Peru",
    "Japan",
]
WORDS = {
    "en": "delegation nomination session presentation statement clearinghouse strategy artificial intelligence",
    "fr": "délégation désignation session présentation déclaration stratégie intelligence artificielle",
    "es": "delegación designación sesión presentación declaración estrategia inteligencia artificial",
    "ru": "делегация назначение сессия презентация заявление стратегия искусственный интеллект",
    "ar": "الوفد تسمية الدورة عرض بيان استراتيجية الذكاء الاصطناعي",
    "zh": "代表团 提名 会议 演示 发言 战略 人工智能 知识产权",
}
TITLES = ["Mr.", "Ms.", "M.", "Mme", "Sr.", "Sra.", "г-н", "г-жа", "السيد", "السيدة", "先生", "女士", "Dr."]


def _rows(n: int, rng: random.Random) -> list[dict]:
    names, weights = zip(*CATEGORIES, strict=True)
    deadline = datetime(2025, 10, 10, 22, 0, tzinfo=UTC)
    rows = []
    for i in range(n):
        category = rng.choices(names, weights)[0]
        language = rng.choice(list(WORDS))
        words = WORDS[language].split()
        received = deadline + timedelta(minutes=rng.randint(-30 * 24 * 60, 10 * 24 * 60))
        country = rng.choice(COUNTRIES)
        body = " ".join(rng.choice(words) for _ in range(rng.randint(40, 220)))
        body += f"\n{country}\nContact: Officer {i} (ref. {rng.randint(10**5, 10**6)})"  # names, places, numbers
        fields: dict = {}
        if category == "nomination":
            fields = {
                "country_or_org": country,
                "attendance": rng.choice(["in_person", "remote", None]),
                "delegates": [
                    {"name": f"Person {i}-{k}", "title": rng.choice(TITLES), "email": f"p{i}.{k}@mission.example"}
                    for k in range(rng.randint(1, 4))
                ],
            }
        elif category == "speaker_request":
            fields = {
                "country_or_org": country,
                "speaker_name": f"Speaker {i}",
                "format": "presentation",
                "topic": " ".join(words[:4]),
            }
        elif category == "clearinghouse_update":
            fields = {"country_or_org": country, "measure_type": "strategy", "url": f"https://gov.example/{i}"}
        submission = category in ("nomination", "speaker_request", "clearinghouse_update")
        rows.append(
            {
                "sha256": f"{i:064x}",
                "size": len(body) * 2,
                "source": "bench",
                "origin": "",
                "status": "parsed",
                "message_id": f"<bench{i}@mission.example>",
                "from_name": f"Sender {i}",
                "from_address": f"sender{i % 5000}@mission{i % 190}.example",
                "subject": " ".join(words[:3]) + f" {i}",
                "received_at": received,
                "stored_at": received,
                "body_text": body,
                "parsed": {},
                "category": category,
                "language": language,
                "confidence": round(rng.uniform(0.4, 0.99), 2),
                "needs_triage": rng.random() < 0.08,
                "event": "ft12",
                "deadline_status": ("late" if received >= deadline else "on_time") if submission else "not_applicable",
                "acknowledge": submission or category == "question",
                "fields": fields,
                "signals": [],
                "triage_corrected": False,
                "review_status": rng.choice(["new", "new", "in_review", "accepted"]),
            }
        )
    return rows


def _p(values: list[float], q: float) -> float:
    return sorted(values)[max(0, round(q * len(values)) - 1)]


def main() -> None:
    """Seed, then measure."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=50)
    ap.add_argument("--keep", type=Path, help="data folder to reuse (seeded once)")
    args = ap.parse_args()
    data = args.keep or Path(tempfile.mkdtemp(prefix="intake-web-bench-"))
    settings = load_settings(data_dir=data, web_secret="b" * 40, web_secure_cookies=False, ack_mode="off")
    ingestor = build_pipeline(settings)
    with Session(ingestor.engine) as session:
        seeded = session.exec(Message.__table__.select().limit(1)).first() is not None  # type: ignore[attr-defined]
    if not seeded:
        started = time.perf_counter()
        rng = random.Random(12)
        for chunk in range(0, args.messages, 5000):
            rows = _rows(min(5000, args.messages - chunk), rng)
            for k, row in enumerate(rows):
                row["id"] = chunk + k + 1
                row["sha256"] = f"{chunk + k:064x}"
                row.update(derived_columns(row["fields"]))  # what repository.set_fields does for the product's writes
            with Session(ingestor.engine) as session:
                session.execute(insert(Message), rows)
                search_index.add(
                    session.connection(),
                    [
                        (r["id"], message_document(r["subject"], r["from_name"], r["from_address"], r["body_text"], ""))
                        for r in rows
                    ],
                )
                session.commit()
        with Session(ingestor.engine) as session:
            session.add(User(name="bench", password_hash=hash_password("bench-password"), role="admin"))
            session.commit()
        print(f"seeded {args.messages} messages in {time.perf_counter() - started:.0f} s into {data}")
    app = create_app(settings, ingestor.engine, ingestor.archive, ingestor.events)
    with TestClient(app) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
        client.post("/login", data={"name": "bench", "password": "bench-password", "csrf_token": token})
        dashboard = client.get("/dashboard").status_code == 200
        cases = [
            ("queue, first page, no filter", "/"),
            ("queue, filtered (nomination, on time, new)", "/?category=nomination&deadline=on_time&status=new"),
            ("queue, filtered, page 20", "/?category=question&page=20"),
            ("queue, least certain first", "/?sort=confidence&status=new"),
            ("message page (neighbours in that queue)", f"/messages/{args.messages // 2}"),
            ("full-text search: a country", "/?q=Kazakhstan"),
            ("full-text search: a person", "/?q=Officer 4242"),
            ("full-text search: a common word", "/?q=intelligence"),
            ("full-text search: Chinese inside a run", "/?q=人工智能"),
            ("full-text search: Arabic with a filter", "/?q=الذكاء&category=nomination"),
            ("API, filtered", "/api/messages?category=speaker_request&language=fr"),
        ]
        if dashboard:
            cases.append(("dashboard", "/dashboard"))
        print(f"{args.requests} requests each, server time (Server-Timing), SQLite, {args.messages} messages:")
        for label, url in cases:
            timings = []
            for _ in range(args.requests):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                timings.append(float(response.headers["Server-Timing"].split("dur=")[1]))
            print(f"  {label:45} p50 {statistics.median(timings):7.1f} ms   p95 {_p(timings, 0.95):7.1f} ms")
        if not dashboard:
            print("  dashboard: not available in this build")
    ingestor.close()


if __name__ == "__main__":
    main()
