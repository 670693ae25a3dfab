"""The learning loop through the command line: a fresh install triages mail of a kind nobody trained it on, staff
correct half of it with `correct`, `train` promotes a model that learned from them, `retriage --all` puts it to
work on the other half; a deliberately mislabelled training set is refused by the no-worse check."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from handlers.learning import score
from tests.conftest import fresh_database_url
from tests.support.db import rows

REPO = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "service"]
# a national portal's forms: the form's code word is all that tells them apart, and no shipped mail has it
FORMS = {
    "KESTREL": "speaker_request",
    "HERON": "nomination",
    "OSPREY": "clearinghouse_update",
    "PLOVER": "question",
}
PEOPLE = [
    "Aino Virtanen",
    "Tomás Ferreira",
    "Leila Haddad",
    "Kwame Mensah",
    "Mei Lin",
    "Olga Petrova",
    "Jonas Berg",
    "Amara Diallo",
    "Ravi Menon",
    "Sofia Rossi",
    "Hana Novak",
    "Diego Paz",
    "Ines Moreau",
    "Yusuf Demir",
    "Eva Kral",
    "Noa Levi",
]


def _portal_mail(n: int, form: str, person: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Portal <portal@gov-portal.example>"
    msg["Reply-To"] = f"{person} <p{n}@gov-portal.example>"
    msg["To"] = "frontier.tech@wipo.int"
    msg["Subject"] = f"Portal form {form} / case {n:04d}"
    msg["Date"] = format_datetime(datetime(2025, 10, 1, 9, 0, tzinfo=timezone(timedelta(hours=2))) + timedelta(hours=n))
    msg["Message-ID"] = f"<portal-{n}@gov-portal.example>"
    msg.set_content(
        f"Form: {form}\nCase: {n:04d}\nFiled by: {person}\nOffice: Directorate of Digital Affairs\n\n"
        f"The case file {form} was filed on the portal by {person}. The filer's remarks: see the case file."
    )
    return bytes(msg)


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=900)


def _categories(db: str) -> dict[str, str | None]:
    return dict(rows(db, "SELECT subject, category FROM message"))


def _ids(db: str) -> dict[str, int]:
    return dict(rows(db, "SELECT subject, id FROM message"))


def _macro_f1(db: str, truth: dict[str, str]) -> float:
    got = _categories(db)
    return score(list(truth.values()), [got[s] or "other" for s in truth], sorted(set(FORMS.values()))).macro_f1


def test_corrections_teach_the_model_and_a_mislabelled_set_is_refused(tmp_path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    truth: dict[str, str] = {}
    for i, (form, category) in enumerate(sorted(FORMS.items()) * 16):
        n = i + 1
        (inbox / f"{n:03d}.eml").write_bytes(_portal_mail(n, form, PEOPLE[i % len(PEOPLE)]))
        truth[f"Portal form {form} / case {n:04d}"] = category
    data = tmp_path / "data"
    env = {**os.environ, "INTAKE_DATA_DIR": str(data), "INTAKE_ACK_MODE": "dry-run", "INTAKE_PARSE_WORKERS": "1"}
    db = fresh_database_url(data)
    env["INTAKE_DATABASE_URL"] = db

    imported = _cli(env, "import", str(inbox))
    assert imported.returncode == 0, imported.stderr
    ids = _ids(db)
    corrected = {s: c for k, (s, c) in enumerate(sorted(truth.items())) if k % 2 == 0}
    untouched = {s: c for s, c in truth.items() if s not in corrected}
    before = _macro_f1(db, untouched)

    for category in sorted(set(corrected.values())):
        numbers = [str(ids[s]) for s, c in corrected.items() if c == category]
        done = _cli(env, "correct", *numbers, "--category", category, "--by", "reviewer-1")
        assert done.returncode == 0, done.stderr
    [kept] = rows(db, 'SELECT count(*), count(DISTINCT message_id), min("by") FROM correction')
    assert kept == (len(corrected), len(corrected), "reviewer-1")

    trained = _cli(env, "train", "--by", "reviewer-1")
    assert trained.returncode == 0, trained.stdout + trained.stderr
    assert "promoted model-" in trained.stdout
    current = (data / "models" / "current").read_text().strip()
    retriaged = _cli(env, "retriage", "--all")
    assert retriaged.returncode == 0, retriaged.stderr
    after = _macro_f1(db, untouched)
    print(f"\nmacro-F1 on the {len(untouched)} uncorrected messages: before {before:.3f}, after {after:.3f}")
    assert after > before and after >= 0.9
    versions = {v for (v,) in rows(db, "SELECT DISTINCT model_version FROM message WHERE NOT triage_corrected")}
    assert versions == {current.removeprefix("model-").removesuffix(".json")}

    # a training set whose labels are all wrong (each writer's mail labelled as another category) is refused
    wrong = tmp_path / "mislabelled"
    rotate = dict(zip(FORMS.values(), [*list(FORMS.values())[1:], "other"], strict=True))
    rotate |= {"other": "spam", "spam": "question", "auto_reply": "nomination", "bounce": "speaker_request"}
    for writer in sorted((REPO / "tests" / "triage" / "corpus" / "train").iterdir()):
        if not (writer / "labels.jsonl").is_file():
            continue
        shutil.copytree(writer, wrong / writer.name)
        lines = [json.loads(line) for line in (writer / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
        for label in lines:
            label["category"] = rotate.get(label["category"], "other")
        (wrong / writer.name / "labels.jsonl").write_text("\n".join(json.dumps(x) for x in lines * 2) + "\n")
    refused = _cli(env, "train", "--by", "reviewer-2", "--data", str(wrong))
    print(refused.stdout)
    assert refused.returncode == 3 and "not promoted" in refused.stdout
    assert (data / "models" / "current").read_text().strip() == current
    trainings = rows(db, 'SELECT "by", promoted, forced FROM model_training ORDER BY id')
    audited = rows(db, "SELECT count(*) FROM audit_event WHERE action = 'model_trained'")[0][0]
    assert [(by, bool(p), bool(f)) for by, p, f in trainings] == [
        ("reviewer-1", True, False),
        ("reviewer-2", False, False),
    ]
    assert audited == 2


def test_the_shipped_model_is_what_the_shipped_data_builds_byte_for_byte(tmp_path) -> None:
    """Same data, same model: rebuilding the default model from the labelled files in the repository gives the
    shipped file exactly (a changed labelled file, label or feature code without a rebuild fails here)."""
    env = {**os.environ, "INTAKE_DATA_DIR": str(tmp_path)}
    built = _cli(env, "train", "--default", "--output", str(tmp_path / "model.json"))
    assert built.returncode == 0, built.stderr
    shipped = REPO / "config" / "data" / "triage-model.json"
    assert (tmp_path / "model.json").read_bytes() == shipped.read_bytes()
