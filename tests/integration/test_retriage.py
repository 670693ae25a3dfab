"""retriage: a changed events file re-decides stored mail from the raw archive; staff corrections stay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text as sql

from tests.conftest import REPO, cli, intake_env
from tests.support.db import engine, rows

pytestmark = pytest.mark.integration
LABELLED = REPO / "tests" / "triage" / "labelled" / "part-b"


def test_retriage_after_a_deadline_change_keeps_staff_corrections(make_settings, tmp_path: Path) -> None:
    settings = make_settings()
    env = intake_env(settings)
    assert cli("import", str(LABELLED), env=env).returncode == 0
    records = [json.loads(line) for line in cli("export", env=env).stdout.splitlines()]
    on_time = [r for r in records if r["deadline_status"] == "on_time"]
    assert len(on_time) > 20 and all(r["event"] == "ft12" for r in on_time)
    corrected = on_time[0]
    with engine(settings.effective_database_url).begin() as db:  # what the review UI will do
        db.execute(
            sql(
                "UPDATE message SET category='other', deadline_status='not_applicable', triage_corrected=true "
                "WHERE id=:id"
            ),
            {"id": corrected["id"]},
        )

    earlier = tmp_path / "events.toml"
    text = (REPO / "config" / "events.toml").read_text(encoding="utf-8")
    earlier.write_text(text.replace("= 2025-10-10", "= 2025-09-01"), encoding="utf-8")
    env["INTAKE_CONFIG"] = str(earlier)
    done = cli("retriage", "--all", env=env)
    assert done.returncode == 0, done.stderr
    assert f"changed {len(on_time) - 1}," in done.stdout and "kept 1 corrected by staff" in done.stdout

    after = {r["id"]: r for r in (json.loads(line) for line in cli("export", env=env).stdout.splitlines())}
    assert all(after[r["id"]]["deadline_status"] == "late" for r in on_time[1:])
    assert after[corrected["id"]]["category"] == "other" and after[corrected["id"]]["corrected"] is True
    audited = rows(settings, "SELECT count(*) FROM audit_event WHERE action='retriaged'")[0][0]
    assert audited == len(on_time) - 1


def test_retriage_needs_a_scope(make_settings) -> None:
    done = cli("retriage", env=intake_env(make_settings()))
    assert done.returncode == 2 and "--since DATE or --all" in done.stderr


def test_bad_events_file_names_the_field(make_settings, tmp_path: Path) -> None:
    bad = tmp_path / "events.toml"
    bad.write_text('[[events]]\nid = "x"\nname = "x"\nstarts = 2025-10-28\nends = 2025-10-29\ntimezone = "Mars/Base"\n')
    env = intake_env(make_settings()) | {"INTAKE_CONFIG": str(bad)}
    done = cli("poll", "--once", env=env)
    assert done.returncode == 2 and "events.0.timezone" in done.stderr and "Mars/Base" in done.stderr
