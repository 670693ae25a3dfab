"""Retention decisions over values: when each kind is due, from which clock, and what a purge leaves of fields."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from config.events import EventsError, load_events
from config.settings import SettingsError, load_settings
from handlers.events import Event
from handlers.retention import (
    KINDS,
    Held,
    Kind,
    Retention,
    due,
    named_people,
    removable_blobs,
    without_people,
)
from service.models import derived_columns

RAW, FILES, PEOPLE = Kind.RAW_MESSAGES, Kind.ATTACHMENTS, Kind.DELEGATE_DETAILS
ALL = frozenset(KINDS)
# the event's last day is 29 October; in Geneva that day ends at midnight CET, 23:00 UTC
EVENT = Event(
    id="ev",
    name="An event",
    starts=date(2025, 10, 28),
    ends=date(2025, 10, 29),
    timezone="Europe/Zurich",
    retention=Retention(raw_messages_days=30, attachments_days=0, delegate_details_days=None),
)
END = datetime(2025, 10, 29, 23, 0, tzinfo=UTC)
NOTHING = Retention()


def _held(event: str | None = "ev", arrived: datetime = datetime(2025, 10, 1, tzinfo=UTC), holds=ALL) -> Held:
    return Held(1, event, arrived, frozenset(holds))


def _kinds(held: Held, now: datetime, no_event: Retention = NOTHING, events=(EVENT,)) -> frozenset[Kind]:
    found = due([held], list(events), no_event, now)
    return found[0].kinds if found else frozenset()


def test_an_events_mail_is_counted_from_the_end_of_its_last_day_in_its_time_zone() -> None:
    assert EVENT.ends_at() == END
    assert _kinds(_held(), END - timedelta(seconds=1)) == frozenset()  # nothing before the event has ended
    assert _kinds(_held(), END) == {FILES}  # 0 days: due the moment the event ends
    assert _kinds(_held(), END + timedelta(days=30) - timedelta(seconds=1)) == {FILES}
    assert _kinds(_held(), END + timedelta(days=30)) == {FILES, RAW}
    # delegate details have no period: kept however long ago
    assert PEOPLE not in _kinds(_held(), END + timedelta(days=36_500))


def test_the_arrival_time_does_not_matter_for_an_events_mail() -> None:
    late = _held(arrived=END + timedelta(days=10))  # arrived after the event: the same clock
    assert _kinds(late, END + timedelta(days=30)) == {FILES, RAW}


def test_mail_with_no_event_or_an_event_no_longer_configured_is_counted_from_arrival() -> None:
    arrived = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    default = Retention(raw_messages_days=10, delegate_details_days=5)
    for event in (None, "an-event-taken-out-of-the-file"):
        held = _held(event=event, arrived=arrived)
        assert _kinds(held, arrived + timedelta(days=5) - timedelta(seconds=1), default) == frozenset()
        assert _kinds(held, arrived + timedelta(days=5), default) == {PEOPLE}
        assert _kinds(held, arrived + timedelta(days=10), default) == {PEOPLE, RAW}
        clock = due([held], [EVENT], default, arrived + timedelta(days=10))[0].clock
        assert (clock.rule, clock.start) == ("arrival", arrived)


def test_nothing_is_due_unless_configured() -> None:
    event = EVENT.model_copy(update={"retention": Retention()})
    assert due([_held(), _held(event=None)], [event], NOTHING, END + timedelta(days=36_500)) == []


def test_a_kind_already_purged_is_never_due_again() -> None:
    now = END + timedelta(days=365)
    assert _kinds(_held(holds={PEOPLE}), now) == frozenset()  # raw and files gone: nothing left to do
    assert due([_held(holds=set())], [EVENT], NOTHING, now) == []


def test_several_messages_keep_their_order_and_their_clock() -> None:
    held = [Held(3, "ev", END, ALL), Held(1, None, END, ALL), Held(2, "ev", END, frozenset({RAW}))]
    found = due(held, [EVENT], Retention(attachments_days=1), END + timedelta(days=1))
    assert [(d.id, d.kinds, d.clock.rule) for d in found] == [(3, {FILES}, "end of ev"), (1, {FILES}, "arrival")]


def test_a_blob_still_used_by_data_kept_is_not_removable() -> None:
    assert removable_blobs({"a", "b", "shared"}, {"shared", "other"}) == {"a", "b"}
    assert removable_blobs([], {"x"}) == set()


NOMINATION = {
    "country_or_org": "Chile",
    "delegates": [
        {"title": "Sra.", "name": "Ana Pérez", "email": "ana@mission.example"},
        {"title": "Sr.", "name": "Luis Soto", "email": None},
        {"title": None, "name": "Dr. Kim", "email": "kim@office.example"},
    ],
    "attendance": "mixed",
}


def test_delegate_details_go_and_the_counts_per_gender_stay() -> None:
    cleaned = without_people(NOMINATION)
    assert cleaned == {
        "country_or_org": "Chile",
        "delegates": [{"title": "Sra."}, {"title": "Sr."}, {}],
        "attendance": "mixed",
    }
    assert derived_columns(cleaned) == derived_columns(NOMINATION)  # the dashboard's figures are unchanged
    assert named_people(NOMINATION) == 3 and named_people(cleaned) == 0
    assert without_people(cleaned) == cleaned  # a second purge changes nothing
    assert NOMINATION["delegates"][0]["name"] == "Ana Pérez"  # the value given is not changed in place


def test_a_speaker_and_copies_in_audit_entries_go_too() -> None:
    speaker = {"speaker_name": "Ana Pérez", "format": "statement", "topic": "Synthetic media"}
    assert without_people(speaker) == {"speaker_name": None, "format": "statement", "topic": "Synthetic media"}
    assert named_people(speaker) == 1 and named_people({"speaker_name": None}) == 0
    audit = {"before": NOMINATION, "after": {"delegates": []}, "changes": {"fields": [NOMINATION, {}]}}
    text = str(without_people(audit))
    assert "Ana" not in text and "mission.example" not in text and "Sra." in text
    assert without_people(["a", 1, None]) == ["a", 1, None] and named_people(None) == 0


def test_retention_values_are_checked_and_typos_refused() -> None:
    with pytest.raises(ValidationError, match="raw_messages_days"):
        Retention(raw_messages_days=-1)
    with pytest.raises(ValidationError, match="raw_message_days"):
        Retention.model_validate({"raw_message_days": 30})
    assert Retention(attachments_days=7).describe() == "raw messages kept, attachments 7 d, delegate details kept"


def test_a_bad_retention_in_the_events_file_names_the_event_and_the_field(tmp_path: Path) -> None:
    shipped = (Path(__file__).resolve().parents[2] / "config" / "events.toml").read_text(encoding="utf-8")
    good = tmp_path / "good.toml"
    good.write_text(shipped + "\n[events.retention]\nraw_messages_days = 730\n", encoding="utf-8")
    assert load_events(good)[0].retention == Retention(raw_messages_days=730)
    for table, needle in [
        ("raw_messages_days = -3", "events.0.retention.raw_messages_days: Input should be greater than or equal"),
        ('attachments_days = "a year"', "events.0.retention.attachments_days: Input should be a valid integer"),
        ("delegates_days = 30", "events.0.retention.delegates_days: Extra inputs are not permitted"),
    ]:
        bad = tmp_path / "bad.toml"
        bad.write_text(shipped + f"\n[events.retention]\n{table}\n", encoding="utf-8")
        with pytest.raises(EventsError, match=needle):
            load_events(bad)
    assert load_events(Path(__file__).resolve().parents[2] / "config" / "events.toml")[0].retention == NOTHING


def test_the_retention_of_mail_with_no_event_is_a_checked_setting(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the working folder
    assert load_settings().no_event_retention == NOTHING  # nothing is purged unless configured
    monkeypatch.setenv("INTAKE_RETENTION_RAW_MESSAGES_DAYS", "365")
    monkeypatch.setenv("INTAKE_RETENTION_DELEGATE_DETAILS_DAYS", "90")
    assert load_settings().no_event_retention == Retention(raw_messages_days=365, delegate_details_days=90)
    for value, needle in [("-1", "greater than or equal to 0"), ("a year", "valid integer"), ("99999", "less than")]:
        monkeypatch.setenv("INTAKE_RETENTION_ATTACHMENTS_DAYS", value)
        with pytest.raises(SettingsError, match=f"INTAKE_RETENTION_ATTACHMENTS_DAYS: Input should be.*{needle}"):
            load_settings()
