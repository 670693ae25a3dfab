"""The review UI in-process (Starlette's test client): login, CSRF on every state change, actions, exports."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from handlers.gender import gender_counts
from service.models import Acknowledgment, AuditEvent, Message, User
from service.web import dashboard_data as dashboard
from service.web.app import create_app
from service.web.display import ack_text
from service.web.queue import SORTS, Filters, filtered, neighbours, ordered
from service.web.security import hash_password, verify_password
from service.worker import build_pipeline, ingest_files
from tests.conftest import REPO

pytestmark = pytest.mark.integration
LABELLED = REPO / "tests" / "triage" / "labelled" / "part-b"
SECRET = "test-secret-that-is-long-enough-for-itsdangerous-0123456789"
HOSTILE = (
    b'From: "<script>window.pwned=1</script>" <evil@attacker.example>\r\nTo: frontier.tech@wipo.int\r\n'
    b"Subject: <img src=x onerror=window.pwned=1>Question\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n\r\n"
    b'<html><body><script>window.pwned=1</script><a href="javascript:window.pwned=1">click</a>'
    b'<p onmouseover="window.pwned=1">hover</p><svg onload="window.pwned=1"></svg>'
    b'<style>body{background:url(https://exfil.example/x)}</style><img src="https://tracker.example/p.gif">'
    b"Could you please tell us where the session is?</body></html>\r\n"
)


@pytest.fixture
def ack_mode() -> str:
    """Acknowledgments are off for the UI tests, except where a test overrides this fixture."""
    return "off"


@pytest.fixture
def web(make_settings, tmp_path, ack_mode):
    settings = make_settings(web_secret=SECRET, web_secure_cookies=False, ack_mode=ack_mode)
    hostile = tmp_path / "hostile.eml"
    hostile.write_bytes(HOSTILE)
    with build_pipeline(settings) as ingestor:
        ingest_files(ingestor, [LABELLED, hostile], source="import", batch_size=50)
        with Session(ingestor.engine) as session:
            session.add(User(name="ana", password_hash=hash_password("correct horse battery"), role="reviewer"))
            session.commit()
        app = create_app(settings, ingestor.engine, ingestor.archive, ingestor.events)
        with TestClient(app, base_url="http://testserver") as client:
            client.engine, client.ingestor, client.tmp = ingestor.engine, ingestor, tmp_path
            yield client


def _login(client: TestClient, password: str = "correct horse battery") -> str:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    client.post("/login", data={"name": "ana", "password": password, "csrf_token": token})
    home = client.get("/")
    if home.url.path != "/":  # sent back to the login page
        return ""
    return re.search(r'name="csrf_token" value="([^"]+)"', home.text).group(1)


def _routes(app):
    for route in app.routes:
        path = getattr(route, "path", "")
        for method in getattr(route, "methods", None) or []:
            if method == "HEAD" or path.startswith("/static"):
                continue
            yield method, re.sub(r"\{[^}]+\}", "1", path.replace("{kind}.{fmt}", "speakers.csv"))


def test_every_route_needs_a_session(web: TestClient) -> None:
    checked = 0
    for method, path in _routes(web.app):
        if path in ("/login", "/healthz", "/readyz", "/metrics"):  # for orchestrators: counts, no personal data
            continue
        response = web.request(method, path, follow_redirects=False)
        assert response.status_code in (401, 303, 403), (method, path, response.status_code)
        if response.status_code == 303:
            assert response.headers["location"] == "/login"
        checked += 1
    assert checked >= 10 and web.get("/healthz").status_code == 200
    assert web.get("/openapi.json").status_code == 401 and web.get("/api/messages").status_code == 401


def test_every_state_change_needs_the_csrf_token(web: TestClient) -> None:
    _login(web)
    posts = [path for method, path in _routes(web.app) if method == "POST" and path != "/login"]
    assert {"/logout", "/bulk", "/messages/1/action"} <= set(posts)
    for path in posts:
        response = web.post(path, data={"action": "accepted", "ids": "1", "value": "x"}, follow_redirects=False)
        assert response.status_code == 403, path
    with Session(web.engine) as session:
        assert session.get(Message, 1).review_status == "new"


def test_login_is_throttled_and_sessions_are_checked(web: TestClient) -> None:
    for _ in range(5):
        assert _login(web, "wrong password!") == ""
    assert _login(web) == ""  # even the right password waits once the attempts are used up
    page = web.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    refused = web.post("/login", data={"name": "ana", "password": "correct horse battery", "csrf_token": token})
    assert "Too many attempts" in refused.text


def _login_via(client: TestClient, name: str, password: str, forwarded_for: str) -> bool:
    headers = {"X-Forwarded-For": forwarded_for}
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login", headers=headers).text).group(1)
    data = {"name": name, "password": password, "csrf_token": token}
    client.post("/login", data=data, headers=headers)
    return client.get("/", headers=headers, follow_redirects=False).status_code == 200


def test_behind_the_proxy_failed_logins_count_per_real_client(web: TestClient) -> None:
    """Every request reaches the app from the proxy (127.0.0.1 here, a trusted proxy by default): a mistyping
    colleague must not lock out the rest, while the one guessing stays locked out under any name."""
    with TestClient(web.app, client=("127.0.0.1", 40000)) as guesser:
        for name in ("omar", "lin", "sara", "ivan", "noor"):
            assert not _login_via(guesser, name, "a wrong password", "198.51.100.7, 203.0.113.5")
        assert not _login_via(guesser, "ana", "correct horse battery", "203.0.113.5")  # that address is blocked
        spoofed = "203.0.113.99, 203.0.113.5"  # a made-up first hop does not help: the proxy's own entry counts
        assert not _login_via(guesser, "ana", "correct horse battery", spoofed)
    with TestClient(web.app, client=("127.0.0.1", 40001)) as colleague:
        assert _login_via(colleague, "ana", "correct horse battery", "203.0.113.6")
    with TestClient(web.app, client=("198.51.100.20", 40002)) as direct:  # not a proxy: its header is ignored
        for _ in range(5):
            assert not _login_via(direct, "zoe", "a wrong password", f"203.0.113.{_ + 50}")
        assert not _login_via(direct, "ana", "correct horse battery", "203.0.113.77")


def test_review_actions_are_audited_and_exports_follow_them(web: TestClient) -> None:
    token = _login(web)
    with Session(web.engine) as session:
        nomination = session.exec(select(Message).where(Message.category == "nomination")).first()
        question = session.exec(select(Message).where(Message.category == "question")).first()
    page = web.get("/", params={"category": "nomination"})
    assert page.status_code == 200 and f"/messages/{nomination.id}" in page.text
    view = web.get(f"/messages/{nomination.id}")
    assert view.status_code == 200 and "Content-Security-Policy" in view.headers

    web.post(f"/messages/{nomination.id}/action", data={"action": "accepted", "csrf_token": token})
    web.post(
        f"/messages/{question.id}/action", data={"action": "reclassify", "value": "nomination", "csrf_token": token}
    )
    with Session(web.engine) as session:
        assert session.get(Message, nomination.id).review_status == "accepted"
        moved = session.get(Message, question.id)
        assert moved.category == "nomination" and moved.triage_corrected
        actions = {e.action for e in session.exec(select(AuditEvent).where(AuditEvent.actor == "ana"))}
    assert {"review_status", "reclassified"} <= actions

    rows = list(csv.reader(io.StringIO(web.get("/exports/delegates.csv").content.decode("utf-8-sig"))))
    assert rows[0][:7] == ["message", "received (Geneva)", "from", "country_or_org", "title", "gender", "name"]
    assert any(row[0] == str(nomination.id) and row[-1] == "accepted" for row in rows[1:])
    arrived = nomination.received_at.astimezone(ZoneInfo("Europe/Zurich")).strftime("%Y-%m-%d %H:%M")
    assert {(row[1], row[2]) for row in rows[1:] if row[0] == str(nomination.id)} == {
        (arrived, nomination.from_address)
    }
    for kind, column in (("speakers", "speaker_name"), ("clearinghouse", "measure_type")):
        head = next(csv.reader(io.StringIO(web.get(f"/exports/{kind}.csv").content.decode("utf-8-sig"))))
        assert head[:4] == rows[0][:4] and column in head and head[-1] == "review_status"
    book = load_workbook(io.BytesIO(web.get("/exports/delegates.xlsx").content))
    assert [c.value for c in book.active[1]] == rows[0]
    assert book.active.max_row == len(rows)


def test_hostile_mail_is_shown_inert(web: TestClient) -> None:
    _login(web)
    with Session(web.engine) as session:
        hostile = session.exec(select(Message).where(Message.from_address == "evil@attacker.example")).one()
    page = web.get(f"/messages/{hostile.id}")
    html = page.text
    assert "<script>window.pwned" not in html and "<img src=x" not in html  # shown as text, escaped
    assert "&lt;script&gt;window.pwned=1" in html
    srcdoc = re.search(r'<iframe sandbox title="[^"]*" srcdoc="([^"]*)"', html).group(1)
    for needle in ("script", "onmouseover", "onload", "javascript:", "tracker.example", "exfil.example", "<svg"):
        assert needle not in srcdoc.replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"')
    assert "script-src" not in page.headers["Content-Security-Policy"]  # default-src 'none': no script at all
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]


def test_full_text_search_finds_words_in_any_script(web: TestClient) -> None:
    _login(web)
    with Session(web.engine) as session:
        target = session.exec(select(Message).where(Message.category == "nomination")).first()
    word = max(target.subject.split(), key=len)
    found = web.get("/", params={"q": word})
    assert f"/messages/{target.id}" in found.text
    api = web.get("/api/messages", params={"q": word}).json()
    assert target.id in [item["id"] for item in api["items"]]
    assert web.get("/api/messages", params={"q": "zzqqxxnotthere"}).json()["total"] == 0
    assert web.get("/api/messages", params={"q": "de"}).json()["total"] > 0  # short queries too


def _mail(subject: str, body: str, sender: str = "Sender <someone@mission.example>") -> bytes:
    return (
        f"From: {sender}\r\nTo: frontier.tech@wipo.int\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
    ).encode()


def _ids(client: TestClient, **params: str) -> set[int]:
    response = client.get("/api/messages", params=params)
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


def test_search_folds_accents_vowel_marks_and_finds_chinese_inside_a_run(web: TestClient) -> None:
    _login(web)
    mails = {
        "fr": _mail("=?utf-8?q?D=C3=A9l=C3=A9gation_permanente?=", "La Délégation de la République du Zanzibaria"),
        "ar": _mail("=?utf-8?b?2LPYpNin2YQ=?=", "نرجو إفادتنا بموعد الدَّوْرَةِ القادمة"),
        "zh": _mail("=?utf-8?b?6Zeu6aKY?=", "我国代表团希望了解人工智能战略的展示安排"),
        "ru": _mail("Vopros", "Просим сообщить расписание, ёлочный вопрос"),
    }
    paths = []
    for name, raw in mails.items():
        path = web.tmp / f"search-{name}.eml"
        path.write_bytes(raw)
        paths.append(path)
    ingest_files(web.ingestor, paths, source="import", batch_size=10)
    with Session(web.engine) as session:
        by_body = {m.body_text[:4]: m.id for m in session.exec(select(Message).order_by(Message.id.desc()).limit(4))}
    fr, ar, zh, ru = (by_body[k] for k in ("La D", "نرجو", "我国代表", "Прос"))
    assert _ids(web, q="delegation zanzibaria") == {fr}  # accents folded, every word must match
    assert _ids(web, q="Zanzib") == {fr}  # the start of a word
    assert _ids(web, q="الدورة") == {ar}  # vowel marks ignored
    assert _ids(web, q="人工智能") == {zh} and _ids(web, q="战略") == {zh}  # inside a run of characters
    assert _ids(web, q="елочный") == {ru}
    assert _ids(web, q="someone@mission.example") >= {fr, ar, zh, ru}  # the sender
    assert _ids(web, q="delegation zzqqxx") == set()
    for typed in ('"', "NEAR(", "a OR", "subject:x", "*", "@@"):
        assert web.get("/", params={"q": typed}).status_code == 200


def test_edited_fields_and_reclassifying_move_the_country_filter_and_the_dashboard(web: TestClient) -> None:
    token = _login(web)
    event = next(e for e in web.app.state.events if e.id == "ft12")
    with Session(web.engine) as session:
        nomination = session.exec(select(Message).where(Message.category == "nomination")).first()
    before = dashboard.load(web.engine, event).genders
    fields = {
        "country_or_org": "Atlantis",
        "delegates": [{"name": "A", "title": "Sra."}, {"name": "B", "title": "г-н"}, {"name": "C", "title": "Dr."}],
    }
    old = gender_counts([nomination.fields])
    response = web.post(
        f"/messages/{nomination.id}/action",
        data={"action": "fields", "value": json.dumps(fields), "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code in (200, 303)
    assert _ids(web, country="Atlantis") == {nomination.id}
    after = dashboard.load(web.engine, event)
    assert after.genders == {g: before[g] - old[g] + {"female": 1, "male": 1, "unknown": 1}[g] for g in before}
    assert ("Atlantis", 1) in after.countries

    reclassify = {"action": "reclassify", "value": "question", "csrf_token": token}
    web.post(f"/messages/{nomination.id}/action", data=reclassify)
    moved = dashboard.load(web.engine, event)
    assert moved.genders == {g: after.genders[g] - 1 for g in before}  # a question has no delegates to count
    assert ("Atlantis", 1) not in moved.countries
    api = web.get("/api/dashboard", params={"event": "ft12"}).json()  # the same figures for a program
    assert api["delegates_by_gender"] == moved.genders and api["event"] == "ft12"
    assert sum(api["categories"].values()) == api["total"] == moved.total and "Atlantis" not in api["countries"]
    assert sum(d["submissions"] for d in api["per_day"]) + api["before_window"] + api["after_window"] == sum(
        api["categories"].get(c, 0) for c in ("nomination", "speaker_request", "clearinghouse_update")
    )


def _add_user(client: TestClient, name: str, role: str) -> None:
    with Session(client.engine) as session:
        session.add(User(name=name, password_hash=hash_password("correct horse battery"), role=role))
        session.commit()


def _login_as(client: TestClient, name: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"name": name, "password": "correct horse battery", "csrf_token": token})
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)


def test_only_admins_manage_accounts_and_a_change_ends_the_sessions(web: TestClient) -> None:
    _add_user(web, "root", "admin")
    with TestClient(web.app) as reviewer:
        reviewer_token = _login(reviewer)
        assert reviewer.get("/admin/users").status_code == 403
        assert "/admin/users" not in reviewer.get("/").text
        refused = reviewer.post("/admin/users/root", data={"action": "disable", "csrf_token": reviewer_token})
        assert refused.status_code == 403

        token = _login_as(web, "root")
        page = web.get("/admin/users")
        assert page.status_code == 200 and "ana" in page.text and 'href="/admin/users"' in page.text
        no_token = web.post("/admin/users/ana", data={"action": "disable"}, follow_redirects=False)
        assert no_token.status_code == 403
        assert web.post("/admin/users/root", data={"action": "disable", "csrf_token": token}).status_code == 422
        done = web.post("/admin/users/ana", data={"action": "disable", "csrf_token": token}, follow_redirects=False)
        assert done.status_code == 303
        with Session(web.engine) as session:
            assert session.exec(select(User).where(User.name == "ana")).one().disabled
        assert reviewer.get("/", follow_redirects=False).headers["location"] == "/login"  # her session ended
        web.post("/admin/users/ana", data={"action": "enable", "csrf_token": token})
        web.post("/admin/users/ana", data={"action": "admin", "csrf_token": token})
        assert _login(reviewer) and reviewer.get("/admin/users").status_code == 200  # promoted, after a new login


def test_api_docs_page_lists_the_routes_without_scripts(web: TestClient) -> None:
    _login(web)
    page = web.get("/docs")
    assert page.status_code == 200 and "/api/messages" in page.text and "<script" not in page.text
    assert web.get("/openapi.json").json()["paths"]["/api/messages"]


@pytest.fixture
def proxied(make_settings, web: TestClient):
    settings = make_settings(
        web_secret=SECRET, web_secure_cookies=False, ack_mode="off", web_trusted_user_header="X-Remote-User"
    )
    app = create_app(settings, web.engine, web.app.state.archive, web.app.state.events)
    return app


def test_a_trusted_proxy_user_header_is_believed_only_from_the_proxy(proxied, web: TestClient) -> None:
    with TestClient(proxied, client=("127.0.0.1", 40000)) as behind_proxy:
        page = behind_proxy.get("/", headers={"X-Remote-User": "ana"}, follow_redirects=False)
        assert page.status_code == 200 and "ana (reviewer)" in page.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        headers = {"X-Remote-User": "ana"}
        refused = behind_proxy.post("/messages/1/action", data={"action": "accepted"}, headers=headers)
        assert refused.status_code == 403  # the proxy's word is no CSRF token
        behind_proxy.post("/messages/1/action", data={"action": "accepted", "csrf_token": token}, headers=headers)
        assert behind_proxy.get("/", headers={"X-Remote-User": "nobody"}, follow_redirects=False).status_code == 303
    with Session(web.engine) as session:
        assert session.get(Message, 1).review_status == "accepted"
    with TestClient(proxied, client=("203.0.113.9", 40000)) as direct:  # not the proxy: header ignored
        assert direct.get("/", headers={"X-Remote-User": "ana"}, follow_redirects=False).status_code == 303
        assert direct.get("/api/messages", headers={"X-Remote-User": "ana"}).status_code == 401
    with TestClient(web.app, client=("127.0.0.1", 40000)) as not_configured:
        assert not_configured.get("/", headers={"X-Remote-User": "ana"}, follow_redirects=False).status_code == 303


def test_counts_follow_the_other_filters_and_every_filter_narrows(web: TestClient) -> None:
    token = _login(web)
    with Session(web.engine) as session:
        languages = [m.language for m in session.exec(select(Message)) if m.language not in (None, "en")]
        language = max(set(languages), key=languages.count)
        in_language = session.exec(select(Message).where(Message.language == language)).all()
        flagged = session.exec(select(Message.id).where(Message.needs_triage == True)).all()  # noqa: E712
    nominations = sum(m.category == "nomination" for m in in_language)
    assert nominations and len(in_language) < len(languages)
    page = web.get("/", params={"language": language})
    assert f">nomination ({nominations})</option>" in page.text
    late = sum(m.deadline_status == "late" for m in in_language)
    fresh = sum(m.review_status == "new" for m in in_language)
    assert f">late ({late})</option>" in page.text and f">new ({fresh})</option>" in page.text
    assert f">{language} ({len(in_language)})</option>" in page.text
    assert page.text.count("</tr>") - 1 == min(len(in_language), 50)  # header row + one per message
    assert f"{len(in_language)} message(s)" in page.text
    assert _ids(web, needs_triage="true") == set(flagged[:50])
    target = in_language[0].id
    web.post(f"/messages/{target}/action", data={"action": "assign", "value": "omar", "csrf_token": token})
    assert _ids(web, assignee="omar") == {target}
    assert _ids(web, assignee="omar", event="no-such-event") == set()
    oldest = web.get("/api/messages", params={"sort": "received", "language": language}).json()["items"]
    times = [item["received_at"] for item in oldest]
    assert times == sorted(times)


def test_a_wrong_field_edit_is_refused_named_and_kept_for_fixing(web: TestClient) -> None:
    token = _login(web)
    with Session(web.engine) as session:
        nomination = session.exec(select(Message).where(Message.category == "nomination")).first()
    before = dict(nomination.fields)
    typed = json.dumps({"country_or_org": "Chile", "delegates": [{"name": "Ana", "email": "ana-at-mission"}]})
    page = web.post(f"/messages/{nomination.id}/action", data={"action": "fields", "value": typed, "csrf_token": token})
    assert page.status_code == 422
    assert "delegates.0.email: not an e-mail address" in page.text
    box = re.search(r'<textarea name="value"[^>]*aria-label="fields"[^>]*>(.*?)</textarea>', page.text, re.S)
    assert html.unescape(box.group(1)) == typed  # nothing typed is lost
    broken = web.post(
        f"/messages/{nomination.id}/action", data={"action": "fields", "value": "{oops", "csrf_token": token}
    )
    assert broken.status_code == 422 and "not valid JSON" in broken.text
    with Session(web.engine) as session:
        assert session.get(Message, nomination.id).fields == before
        edits = session.exec(select(AuditEvent).where(AuditEvent.action == "fields_edited")).all()
    assert edits == []
    bulk = web.post("/bulk", data={"ids": [nomination.id], "action": "fields", "value": "[]", "csrf_token": token})
    assert bulk.status_code == 422


def test_bulk_actions_reclassify_and_assign_a_selection_and_return_to_the_same_page(web: TestClient) -> None:
    token = _login(web)
    with Session(web.engine) as session:
        questions = session.exec(select(Message).where(Message.category == "question").order_by(Message.id)).all()
    chosen = [m.id for m in questions[:3]]
    back = "category=question&sort=received"
    page = web.get("/?" + back)
    assert f'name="back" value="{html.escape(back)}"' in page.text and 'value="reclassify:nomination"' in page.text

    moved = web.post(
        "/bulk",
        data={"ids": chosen, "action": "reclassify:speaker_request", "back": back, "csrf_token": token},
        follow_redirects=False,
    )
    assert moved.status_code == 303 and moved.headers["location"] == "/?" + back
    web.post("/bulk", data={"ids": chosen[:2], "action": "assign:ana", "csrf_token": token})
    assert _ids(web, category="speaker_request", assignee="ana") == set(chosen[:2])
    nothing = web.post("/bulk", data={"action": "accepted", "back": back, "csrf_token": token}, follow_redirects=False)
    assert nothing.status_code == 303  # an empty selection changes nothing and is no error page
    escape = web.post(
        "/bulk",
        data={"ids": chosen[:1], "action": "new", "back": "//evil.test/x", "csrf_token": token},
        follow_redirects=False,
    )
    assert escape.headers["location"].startswith("/?")  # only a query string of the queue is taken
    with Session(web.engine) as session:
        rows = {m.id: m for m in session.exec(select(Message).where(Message.id.in_(chosen)))}
        audit = session.exec(select(AuditEvent).where(AuditEvent.action == "reclassified")).all()
    assert all(rows[i].category == "speaker_request" and rows[i].triage_corrected for i in chosen)
    assert {e.message_id for e in audit} == set(chosen) and all(e.actor == "ana" for e in audit)
    assert [rows[i].assignee for i in chosen] == ["ana", "ana", None]
    history = web.get(f"/messages/{chosen[0]}").text
    first = next(e for e in audit if e.message_id == chosen[0])
    when = first.at.astimezone(ZoneInfo("Europe/Zurich")).strftime("%Y-%m-%d %H:%M")
    assert f"<li>{when} · ana · reclassified" in history  # staff read the history in Geneva time


@pytest.mark.parametrize("ack_mode", ["dry-run"])
def test_reclassifying_keeps_the_outbox_in_step(web: TestClient) -> None:
    token = _login(web)
    with Session(web.engine) as session:
        acked = {a.message_id: a for a in session.exec(select(Acknowledgment))}
        messages = session.exec(select(Message).order_by(Message.id)).all()
    missed = next(m for m in messages if m.category == "other" and m.id not in acked)
    robot = next(m for m in messages if m.category == "auto_reply" and m.id not in acked)
    nomination = next(m for m in messages if m.category == "nomination" and m.id in acked)
    assert acked[nomination.id].status == "dry_run"

    def reclassify(message: Message, category: str) -> None:
        web.post(
            f"/messages/{message.id}/action", data={"action": "reclassify", "value": category, "csrf_token": token}
        )

    reclassify(missed, "question")  # a question the machine missed gets its acknowledgment now
    reclassify(robot, "question")  # an auto-reply stays unanswered whatever staff call it
    reclassify(nomination, "spam")  # a not-yet-sent acknowledgment is withdrawn
    with Session(web.engine) as session:
        withdrawn = session.exec(select(Acknowledgment).where(Acknowledgment.message_id == nomination.id)).one()
    assert withdrawn.status == "suppressed" and withdrawn.reason == "withdrawn: reclassified as spam by ana"
    reclassify(nomination, "speaker_request")  # a mistake undone: the same row, written for the new category
    with Session(web.engine) as session:
        rows = {
            m: session.exec(select(Acknowledgment).where(Acknowledgment.message_id == m)).all()
            for m in (missed.id, robot.id, nomination.id)
        }
        history = session.exec(
            select(AuditEvent).where(AuditEvent.message_id == missed.id, AuditEvent.action == "reclassified")
        ).one()
    [new], [refused], [restored] = rows[missed.id], rows[robot.id], rows[nomination.id]
    assert new.status == "dry_run" and new.category == "question" and new.reference and "Re:" in new.raw
    assert refused.status == "suppressed" and refused.reason.startswith("Auto-Submitted")
    assert restored.id == withdrawn.id and restored.status == "dry_run" and restored.category == "speaker_request"
    assert restored.reference.startswith("FT12-SR-") and restored.reason is None  # not the nomination's text
    assert history.detail["after"]["acknowledgment"] == "acknowledgment dry_run"
    shown = web.get(f"/messages/{missed.id}").text
    assert new.reference in shown and "What it says" in shown
    said = ack_text(new.raw)
    assert new.reference in said and html.escape(said.strip().splitlines()[0]) in shown  # the words the sender reads


def _neighbour_links(client: TestClient, message_id: int) -> tuple[int | None, int | None, str]:
    page = client.get(f"/messages/{message_id}").text
    prev = re.search(r'<a href="/messages/(\d+)" rel="prev">', page)
    after = re.search(r'<a href="/messages/(\d+)" rel="next">', page)
    back = re.search(r'<a href="([^"]*)">← back to the queue</a>', page).group(1)
    return (int(prev.group(1)) if prev else None), (int(after.group(1)) if after else None), html.unescape(back)


def test_a_message_leads_on_through_the_queue_it_was_opened_from(web: TestClient) -> None:
    token = _login(web)
    with Session(web.engine) as session:
        order = session.exec(
            select(Message.id)
            .where(Message.category == "nomination", Message.review_status == "new")
            .order_by(Message.received_at, Message.id)
        ).all()
    assert len(order) >= 3
    web.get("/", params={"category": "nomination", "status": "new", "sort": "received"})
    assert _neighbour_links(web, order[0]) == (None, order[1], "/?category=nomination&status=new&sort=received")
    assert _neighbour_links(web, order[1])[:2] == (order[0], order[2])
    assert _neighbour_links(web, order[-1])[:2] == (order[-2], None)

    # accepting a message takes it out of the "new" filter, yet its page still leads on to the next new one
    web.post(f"/messages/{order[1]}/action", data={"action": "accepted", "csrf_token": token})
    assert _neighbour_links(web, order[1])[:2] == (order[0], order[2])
    assert _neighbour_links(web, order[2])[:2] == (order[0], order[3] if len(order) > 3 else None)

    web.get("/", params={"category": "nomination", "status": "new"})  # newest first: the links turn around
    assert _neighbour_links(web, order[2])[:2] == ((order[3] if len(order) > 3 else None), order[0])


def test_staff_change_their_own_password_and_their_other_sessions_end(web: TestClient) -> None:
    token = _login(web)
    with TestClient(web.app) as laptop:
        assert _login(laptop)  # the same account signed in elsewhere

        def change(current: str, new: str, repeated: str | None = None) -> object:
            data = {"current": current, "new": new, "repeated": new if repeated is None else repeated}
            return web.post("/account/password", data=data | {"csrf_token": token}, follow_redirects=False)

        assert (
            web.post("/account/password", data={"current": "x", "new": "y" * 12, "repeated": "y" * 12}).status_code
            == 403
        )
        refused = change("not my password", "a brand new passphrase")
        assert refused.status_code == 422 and "current password is wrong" in refused.text
        assert "at least 10 characters" in change("correct horse battery", "short").text
        assert "differ" in change("correct horse battery", "a brand new passphrase", "another one entirely").text
        assert "is the old one" in change("correct horse battery", "correct horse battery").text

        done = change("correct horse battery", "a brand new passphrase")
        assert done.status_code == 303 and done.headers["location"] == "/account?done=true"
        after = web.get(done.headers["location"])
        assert after.url.path == "/account" and "Password changed" in after.text  # this session goes on
        assert laptop.get("/", follow_redirects=False).headers["location"] == "/login"  # the other one ended
    with TestClient(web.app) as fresh:
        assert _login(fresh) == ""  # the old password no longer opens the queue
        assert _login(fresh, "a brand new passphrase")


def test_guessing_the_current_password_is_throttled(web: TestClient) -> None:
    token = _login(web)
    for _ in range(5):
        data = {"current": "a guess", "new": "x" * 12, "repeated": "x" * 12, "csrf_token": token}
        assert "current password is wrong" in web.post("/account/password", data=data).text
    right = {"current": "correct horse battery", "new": "x" * 12, "repeated": "x" * 12, "csrf_token": token}
    assert "too many attempts" in web.post("/account/password", data=right).text
    with Session(web.engine) as session:
        still = session.exec(select(User).where(User.name == "ana")).one().password_hash
    assert verify_password(still, "correct horse battery")  # nothing changed


def test_fields_are_edited_in_a_form_of_the_category(web: TestClient) -> None:
    token = _login(web)
    with Session(web.engine) as session:
        nomination = session.exec(select(Message).where(Message.category == "nomination").order_by(Message.id)).first()
    page = web.get(f"/messages/{nomination.id}").text
    shown = dict(re.findall(r'<input name="(delegate\.\d+\.\w+)" value="([^"]*)"', page))
    listed = nomination.fields.get("delegates") or []
    assert [html.unescape(shown[f"delegate.{i}.name"]) for i in range(len(listed))] == [d["name"] for d in listed]
    assert shown[f"delegate.{len(listed)}.name"] == ""  # an empty row to add one

    posted = {
        f"delegate.{i}.{k}": str(d.get(k) or "") for i, d in enumerate(listed) for k in ("title", "name", "email")
    }
    posted |= {"field.country_or_org": "Republic of Testland", "field.attendance": "remote", "category": "nomination"}
    posted |= {f"delegate.{len(listed)}.name": "Ana Pérez", f"delegate.{len(listed)}.email": "ana-at-mission"}
    wrong = web.post(f"/messages/{nomination.id}/action", data=posted | {"action": "fields_form", "csrf_token": token})
    assert wrong.status_code == 422
    assert f"delegate {len(listed) + 1} email: not an e-mail address" in wrong.text
    assert 'value="ana-at-mission"' in wrong.text and 'value="Republic of Testland"' in wrong.text  # kept as typed

    posted[f"delegate.{len(listed)}.email"] = "ana.perez@mission.example"
    saved = web.post(f"/messages/{nomination.id}/action", data=posted | {"action": "fields_form", "csrf_token": token})
    assert saved.status_code == 200 and saved.url.path == f"/messages/{nomination.id}"
    with Session(web.engine) as session:
        stored = session.get(Message, nomination.id)
        edit = session.exec(select(AuditEvent).where(AuditEvent.action == "fields_edited")).one()
    assert stored.fields["country_or_org"] == "Republic of Testland" and stored.fields["attendance"] == "remote"
    assert [d["name"] for d in stored.fields["delegates"]] == [d["name"] for d in listed] + ["Ana Pérez"]
    assert stored.country_or_org == "Republic of Testland" and stored.triage_corrected  # filters and counts follow
    assert edit.actor == "ana" and edit.detail["before"] == nomination.fields


def test_a_fields_form_for_another_category_is_refused(web: TestClient) -> None:
    token = _login(web)
    with Session(web.engine) as session:
        nomination = session.exec(select(Message).where(Message.category == "nomination")).first()
    web.post(  # reclassified by someone else while the form was open
        f"/messages/{nomination.id}/action", data={"action": "reclassify", "value": "question", "csrf_token": token}
    )
    stale = {"action": "fields_form", "category": "nomination", "field.country_or_org": "X", "csrf_token": token}
    refused = web.post(f"/messages/{nomination.id}/action", data=stale)
    assert refused.status_code == 422 and "reclassified meanwhile" in refused.text
    with Session(web.engine) as session:
        assert session.get(Message, nomination.id).fields == nomination.fields  # nothing wiped


def test_least_certain_first_leads_through_messages_without_a_confidence_too(web: TestClient) -> None:
    _login(web)
    with Session(web.engine) as session:
        blank, *_ = session.exec(select(Message).order_by(Message.id)).all()
        blank.confidence = None  # as a message that could not be parsed has
        session.add(blank)
        session.commit()
        blank_id = blank.id
        order = session.exec(select(Message.id).order_by(Message.confidence.asc().nulls_first(), Message.id)).all()
    assert order[0] == blank_id  # no confidence first, as the queue states it for every database
    web.get("/", params={"sort": "confidence"})
    assert web.get("/api/messages", params={"sort": "confidence"}).json()["items"][0]["id"] == blank_id
    assert _neighbour_links(web, blank_id)[:2] == (None, order[1])
    assert _neighbour_links(web, order[1])[:2] == (blank_id, order[2])
    web.get("/", params={"sort": "-confidence"})
    assert _neighbour_links(web, blank_id)[:2] == (order[1], None)  # most certain first: empty ones come last


def test_neighbours_are_the_messages_beside_it_in_every_order(web: TestClient) -> None:
    """In each of the queue's orders, with several empty values (ordered among themselves by id) and many equal
    ones, a message's neighbours are exactly the messages before and after it in that order's list."""
    with Session(web.engine) as session:
        for i, message in enumerate(session.exec(select(Message).order_by(Message.id)).all()):
            message.confidence = None if i % 5 == 0 else (0.5, 0.7, 0.9)[i % 3]
            if i % 7 == 0:
                message.received_at = None
            if i % 4 == 0:
                message.review_status = "accepted"
            session.add(message)
        session.commit()
        for sort in SORTS:
            for filters in (Filters(sort=sort), Filters(sort=sort, status="new")):
                query = ordered(filtered(filters, session).with_only_columns(Message.id), sort)
                order = list(session.exec(query))
                assert len(order) > 20
                for k, message_id in enumerate(order):
                    expected = (order[k - 1] if k else None, order[k + 1] if k + 1 < len(order) else None)
                    found = neighbours(session, session.get(Message, message_id), filters)
                    assert found == expected, (sort, filters.status, k)


def test_a_duplicate_is_marked_with_the_message_it_repeats(web: TestClient) -> None:
    token = _login(web)
    with Session(web.engine) as session:
        first, second = session.exec(
            select(Message).where(Message.category == "nomination").order_by(Message.id)
        ).all()[:2]

    def mark(value: str) -> object:
        data = {"action": "duplicate", "value": value, "csrf_token": token}
        return web.post(f"/messages/{second.id}/action", data=data, follow_redirects=False)

    assert mark(str(second.id)).status_code == 422  # not of itself
    assert mark("999999").status_code == 422 and mark("abc").status_code == 422
    assert mark(f"#{first.id}").status_code == 303
    with Session(web.engine) as session:
        marked = session.get(Message, second.id)
        audit = session.exec(select(AuditEvent).where(AuditEvent.message_id == second.id)).all()[-1]
    assert marked.review_status == "duplicate" and marked.duplicate_of_id == first.id
    assert audit.detail["after"] == {"review_status": "duplicate", "duplicate_of": first.id}
    page = web.get(f"/messages/{second.id}").text
    assert f'<dt>Duplicate of</dt><dd><a href="/messages/{first.id}">#{first.id}</a>' in page


ABSURD_GETS = [
    "/?page=0",
    "/?page=99999999999999999999999",
    "/?sort=bogus",
    "/?q=" + "a" * 5000,
    '/?q="unbalanced',
    "/?q=NEAR(a b) OR *",
    "/?q=%00",
    "/messages/99999999999999999999",
    "/api/messages/99999999999999999999",
    "/attachments/99999999999999999999",
    "/api/messages?page=99999999999",
    "/exports/delegates.pdf",
    "/api/dashboard?event=%00",
]


@pytest.mark.parametrize("path", ABSURD_GETS)
def test_absurd_requests_get_an_answer_not_a_crash(web: TestClient, path: str) -> None:
    _login(web)
    assert web.get(path).status_code in (200, 404, 422)


def test_absurd_numbers_in_forms_are_refused(web: TestClient) -> None:
    token = _login(web)
    huge = "99999999999999999999999"
    refused = [
        web.post("/bulk", data={"ids": [huge], "action": "accepted", "csrf_token": token}),
        web.post("/messages/1/action", data={"action": "duplicate", "value": huge, "csrf_token": token}),
        web.post(f"/messages/{huge}/action", data={"action": "accepted", "csrf_token": token}),
    ]
    assert [r.status_code for r in refused] == [422, 422, 422]


@pytest.mark.parametrize("ack_mode", ["dry-run"])
def test_an_unreadable_stored_mail_leaves_the_outbox_as_it_was(web: TestClient) -> None:
    token = _login(web)
    with Session(web.engine) as session:
        acks = {a.message_id: a for a in session.exec(select(Acknowledgment)) if a.status == "dry_run"}
        nomination = session.exec(
            select(Message).where(Message.category == "nomination", Message.id.in_(list(acks)))
        ).first()
    web.app.state.archive.path_for(nomination.sha256).unlink()  # the raw file lost from the archive
    data = {"action": "reclassify", "value": "speaker_request", "csrf_token": token}
    assert web.post(f"/messages/{nomination.id}/action", data=data, follow_redirects=False).status_code == 303
    with Session(web.engine) as session:
        ack = session.exec(select(Acknowledgment).where(Acknowledgment.message_id == nomination.id)).one()
        audit = session.exec(
            select(AuditEvent).where(AuditEvent.message_id == nomination.id, AuditEvent.action == "reclassified")
        ).one()
        assert session.get(Message, nomination.id).category == "speaker_request"  # the correction itself holds
    before = acks[nomination.id]
    assert (ack.status, ack.category, ack.reference, ack.raw) == ("dry_run", "nomination", before.reference, before.raw)
    assert audit.detail["after"]["acknowledgment"].startswith("no acknowledgment: the stored mail could not be read")


def test_health_readiness_and_metrics_for_the_operator(web: TestClient) -> None:
    assert web.get("/healthz").json() == {"status": "ok"}
    ready = web.get("/readyz")  # no worker has polled this test's mailbox: not ready, and says why
    assert ready.status_code == 503 and ready.json()["database"] == "ok" and ready.json()["last_poll"] == "never"
    text = web.get("/metrics").text
    stored = sum(
        float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith("intake_messages_stored_total{")
    )
    with Session(web.engine) as session:
        assert stored == len(session.exec(select(Message)).all()) > 0
    assert "intake_acknowledgments" in text and "intake_outbox_oldest_pending_seconds" in text


def test_failed_logins_count_across_web_processes(web: TestClient) -> None:
    """Two review UI processes on one database (as behind a load balancer): guesses on one block the other."""
    ingestor = web.ingestor
    other_app = create_app(web.app.state.settings, ingestor.engine, ingestor.archive, ingestor.events)
    with TestClient(other_app, base_url="http://testserver") as other:
        for _ in range(5):
            assert _login(web, "wrong guess") == ""
        assert _login(other, "correct horse battery") == ""  # the right password, but this name is throttled
