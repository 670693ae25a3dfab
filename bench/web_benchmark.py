"""Review UI at scale: seed 100,000 submissions, then time the queue, a full-text search and the dashboard,
on SQLite and on PostgreSQL side by side.

    .venv/bin/python bench/web_benchmark.py [--messages 100000] [--requests 50] [--database sqlite|postgresql|both]
                                            [--keep DIR]

Seeds a fresh SQLite database and a fresh database of a throwaway PostgreSQL cluster (started as the tests
start one; skipped with a note when PostgreSQL is not installed) through the real migrations, so the indexes
and the full-text index are the product's (FTS5 on SQLite, the ``message_words`` tsvector with its GIN index on
PostgreSQL). Both get the same realistic rows — six languages, all categories, fields, arrivals around the
deadline — written as the product writes them: derived columns, thread, the "stored" audit entry and the search
words through :func:`service.search_index.add`, in bulk (executemany, 5,000 rows a transaction). PostgreSQL is
then vacuumed and analysed, as its autovacuum would have done by the time anyone opens the queue. Each request
is sent 50 times through the application; the table gives the 50th and 95th percentile of the server time the
app reports (``Server-Timing``) for both databases, and how long each took to seed. A benchmark that prints
figures, not a test.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import Engine, insert, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from config.settings import Settings, load_settings  # noqa: E402
from handlers.search import message_document  # noqa: E402
from service import search_index  # noqa: E402
from service.models import AuditEvent, Message, User, derived_columns  # noqa: E402
from service.web.app import create_app  # noqa: E402
from service.web.security import hash_password  # noqa: E402
from service.worker import build_pipeline  # noqa: E402
from tests.support.postgres import PostgresServer, postgres_available  # noqa: E402

CHUNK = 5000  # rows a transaction while seeding
SLOW_MS = 200  # the acceptance bound on a page's p95
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

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


def _seed(engine: Engine, n: int) -> None:
    """``n`` messages written as :func:`service.repository.add_messages` writes them, in bulk; a staff account."""
    rng = random.Random(12)  # the same rows on every database
    for chunk in range(0, n, CHUNK):
        rows = _rows(min(CHUNK, n - chunk), rng)
        for k, row in enumerate(rows):
            row["id"] = chunk + k + 1
            row["sha256"] = f"{chunk + k:064x}"
            row["thread_id"] = row["id"]  # continuing no conversation, a message starts its own (_thread_roots)
            row.update(derived_columns(row["fields"]))  # what repository.set_fields does for the product's writes
        with Session(engine) as session:
            session.execute(insert(Message), rows)
            session.execute(
                insert(AuditEvent),
                [
                    {"at": r["stored_at"], "actor": "worker", "action": "stored", "message_id": r["id"],
                     "detail": {"status": r["status"], "origin": r["origin"]}}
                    for r in rows
                ],
            )  # fmt: skip
            search_index.add(
                session.connection(),
                [
                    (r["id"], message_document(r["subject"], r["from_name"], r["from_address"], r["body_text"], ""))
                    for r in rows
                ],
            )
            session.commit()
    with Session(engine) as session:
        session.add(User(name="bench", password_hash=hash_password("bench-password"), role="admin"))
        if engine.dialect.name == "postgresql":  # ids were given: the next message the product stores follows them
            session.execute(text("SELECT setval(pg_get_serial_sequence('message', 'id'), :n)"), {"n": n})
        session.commit()
    if engine.dialect.name == "postgresql":  # what autovacuum does to a freshly filled table soon after
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))


def _cases(n: int) -> list[tuple[str, str]]:
    return [
        ("queue, first page, no filter", "/"),
        ("queue, filtered (nomination, on time, new)", "/?category=nomination&deadline=on_time&status=new"),
        ("queue, filtered, page 20", "/?category=question&page=20"),
        ("queue, least certain first", "/?sort=confidence&status=new"),
        ("message page (neighbours in that queue)", f"/messages/{n // 2}"),
        ("full-text search: a country", "/?q=Kazakhstan"),
        ("full-text search: a person", "/?q=Officer 4242"),
        ("full-text search: a common word", "/?q=intelligence"),
        ("full-text search: Chinese inside a run", "/?q=人工智能"),
        ("full-text search: Arabic with a filter", "/?q=الذكاء&category=nomination"),
        ("API, filtered", "/api/messages?category=speaker_request&language=fr"),
        ("dashboard", "/dashboard"),
    ]


def _measure(settings: Settings, n: int, requests: int) -> tuple[float | None, dict[str, tuple[float, float]]]:
    """Seed the settings' database unless it already holds messages (seconds it took, else None), then time
    each request ``requests`` times: label → (p50, p95) of the server time, in ms."""
    ingestor = build_pipeline(settings)  # runs the migrations
    try:
        with Session(ingestor.engine) as session:
            seeded = session.exec(Message.__table__.select().limit(1)).first() is not None  # type: ignore[attr-defined]
        seconds = None
        if not seeded:
            started = time.perf_counter()
            _seed(ingestor.engine, n)
            seconds = time.perf_counter() - started
        app = create_app(settings, ingestor.engine, ingestor.archive, ingestor.events)
        results: dict[str, tuple[float, float]] = {}
        with TestClient(app) as client:
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
            client.post("/login", data={"name": "bench", "password": "bench-password", "csrf_token": token})
            for label, url in _cases(n):
                timings = []
                for _ in range(requests):
                    response = client.get(url)
                    assert response.status_code == 200, (url, response.status_code)
                    timings.append(float(response.headers["Server-Timing"].split("dur=")[1]))
                results[label] = (statistics.median(timings), _p(timings, 0.95))
        return seconds, results
    finally:
        ingestor.close()


def _settings(data: Path, url: str | None = None) -> Settings:
    return load_settings(data_dir=data, database_url=url, web_secret="b" * 40, web_secure_cookies=False, ack_mode="off")


def _sqlite(args: argparse.Namespace) -> tuple[float | None, dict[str, tuple[float, float]]]:
    data = args.keep or Path(tempfile.mkdtemp(prefix="intake-web-bench-"))
    try:
        return _measure(_settings(data), args.messages, args.requests)
    finally:
        if args.keep is None:
            shutil.rmtree(data, ignore_errors=True)


def _postgresql(args: argparse.Namespace) -> tuple[float | None, dict[str, tuple[float, float]]]:
    # the cluster's own folder, as the tests make it: the postgres user must reach it when run as root
    server = PostgresServer(Path(tempfile.mkdtemp(prefix="intake-web-bench-pg-", dir="/tmp"))).start()
    data = Path(tempfile.mkdtemp(prefix="intake-web-bench-"))
    try:
        return _measure(_settings(data, server.create_database("bench")), args.messages, args.requests)
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)


def main() -> None:
    """Seed, then measure, on each database; print one table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=50)
    ap.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--keep", type=Path, help="SQLite data folder to reuse (seeded once); PostgreSQL is always fresh")
    args = ap.parse_args()
    wanted = list(NAMES) if args.database == "both" else [args.database]
    runs: dict[str, Callable[[argparse.Namespace], tuple[float | None, dict[str, tuple[float, float]]]]] = {
        "sqlite": _sqlite,
        "postgresql": _postgresql,
    }
    results: dict[str, dict[str, tuple[float, float]]] = {}
    seeding: list[str] = []
    missing: list[str] = []
    for name in wanted:
        if name == "postgresql" and not postgres_available():
            missing.append("PostgreSQL: not installed (Debian package postgresql), not measured")
            continue
        seconds, results[name] = runs[name](args)
        seeding.append(f"{NAMES[name]} {'reused' if seconds is None else f'{seconds:.0f} s'}")
    print(f"{args.messages} messages, {args.requests} requests each, server time (Server-Timing) in ms")
    if seeding:
        print("seeded: " + ", ".join(seeding))
    measured = list(results)
    print(f"  {'':45}" + "".join(f"  {NAMES[name]:>19}" for name in measured))
    print(f"  {'request':45}" + "".join(f"  {'p50':>9} {'p95':>9}" for _ in measured))
    slow = []
    for label, _ in _cases(args.messages):
        cells = ""
        for name in measured:
            p50, p95 = results[name][label]
            cells += f"  {p50:9.1f} {p95:9.1f}"
            if p95 >= SLOW_MS:
                slow.append(f"{label} on {NAMES[name]}")
        print(f"  {label:45}{cells}")
    for line in missing:
        print(line)
    print(f"p95 at or over {SLOW_MS} ms: " + ("; ".join(slow) if slow else "none"))


if __name__ == "__main__":
    main()
