"""SQLModel tables. Times are stored in UTC (SQLite drops offsets, so a type decorator enforces it)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from handlers.gender import GENDERS, gender_counts

JSONType = JSON().with_variant(JSONB(), "postgresql")
COUNTRY_LENGTH = 200
DELEGATE_COLUMNS = ("delegates_female", "delegates_male", "delegates_unknown")
# the dashboard's covering index: every figure it shows is read from these columns alone
COUNTED = ("category", "deadline_status", "received_at", "country_or_org", *DELEGATE_COLUMNS)
# the queue's counts: its four facets first (the GROUP BY), then every other filter, so one index covers it
FACETED = (
    "category",
    "review_status",
    "deadline_status",
    "language",
    "event",
    "needs_triage",
    "assignee",
    "country_or_org",
)


def derived_columns(fields: Mapping[str, Any] | None) -> dict[str, Any]:
    """The columns kept from a message's extracted ``fields``: country or organisation, delegates per gender."""
    fields = fields if isinstance(fields, Mapping) else {}
    country = fields.get("country_or_org")
    genders = gender_counts([fields])
    return {
        "country_or_org": country[:COUNTRY_LENGTH] if isinstance(country, str) and country else None,
        **{f"delegates_{g}": genders[g] for g in GENDERS},
    }


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None) if dialect.name == "sqlite" else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time, aware, in UTC (the shell's clock; the core never calls it)."""
    return datetime.now(UTC)


class MailboxState(SQLModel, table=True):
    """Where the IMAP source stands in one folder of one account."""

    __tablename__ = "mailbox_state"
    __table_args__ = (UniqueConstraint("account", "folder", name="uq_mailbox_state_account_folder"),)

    id: int | None = Field(default=None, primary_key=True)
    account: str = Field(max_length=320)
    folder: str = Field(max_length=512)
    uidvalidity: int = Field(sa_type=BigInteger)
    last_uid: int = Field(default=0, sa_type=BigInteger)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LoginFailure(SQLModel, table=True):
    """One failed login against a name or a client address (the review UI's throttle, shared by its processes)."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_key_at", "key", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=400)
    at: datetime = Field(sa_type=UTCDateTime, index=True)


class PollLease(SQLModel, table=True):
    """Which worker polls one mailbox folder, until when; and when a poll of it last finished."""

    __tablename__ = "poll_lease"

    name: str = Field(primary_key=True, max_length=600)  # the mailbox: account and folder (or the Maildir)
    holder: str = Field(max_length=200)  # host:pid:random of the worker that holds it
    expires_at: datetime = Field(sa_type=UTCDateTime)
    taken_at: datetime = Field(sa_type=UTCDateTime)
    last_poll_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_poll_seconds: float | None = None
    failing_since: datetime | None = Field(default=None, sa_type=UTCDateTime)  # first failed poll of a run of them
    failures: int = 0  # failed polls in a row
    last_error_kind: str | None = Field(default=None, max_length=40)  # service.faults.Fault.kind
    last_error: str | None = Field(default=None, sa_column=Column(Text))  # what happened and what to do


class Message(SQLModel, table=True):
    """One distinct message (distinct raw bytes); raw bytes live in the archive under ``sha256``."""

    __tablename__ = "message"
    # on PostgreSQL (0015) the queue's order indexes (these two and 0005's) are (column NULLS FIRST, …, id), the
    # order SQLite's have of themselves (NULL first, the rowid last), and ix_message_facets_by_id finds the
    # facets by id in an index, as SQLite's table stored by id does
    __table_args__ = (
        Index("ix_message_received_at", "received_at"),
        Index("ix_message_confidence", "confidence"),
        Index("ix_message_counts", *COUNTED),
        Index("ix_message_facets", *FACETED),
    )

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, unique=True)
    size: int
    source: str = Field(max_length=32, description="imap | maildir | import")
    origin: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: str = Field(
        default="parsed", max_length=32, index=True, description="parsed | parse_error | too_large | over_limit"
    )
    error: str | None = Field(default=None, sa_column=Column(Text))
    message_id: str | None = Field(default=None, max_length=998, index=True)
    duplicate_of_id: int | None = Field(default=None, foreign_key="message.id", index=True)
    from_name: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    from_address: str = Field(default="", max_length=320, index=True)
    subject: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    date_header: datetime | None = Field(default=None, sa_type=UTCDateTime)
    received_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    stored_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    body_text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    body_html: str | None = Field(default=None, sa_column=Column(Text))
    parsed: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False))
    # triage (handlers.triage); a staff correction sets triage_corrected and retriage leaves the row alone.
    # Low-cardinality filters have no index of their own: the queue's covering indexes serve them (0007).
    category: str | None = Field(default=None, max_length=32, index=True)
    language: str | None = Field(default=None, max_length=8)
    confidence: float | None = None
    needs_triage: bool = False
    event: str | None = Field(default=None, max_length=64)
    deadline_status: str | None = Field(default=None, max_length=16)
    acknowledge: bool = False
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False, default=dict))
    signals: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False, default=list))
    rules_version: int | None = None
    model_version: str | None = Field(default=None, max_length=32)  # the triage model that decided, if one did
    triaged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    triage_corrected: bool = False
    thread_id: int | None = Field(default=None, foreign_key="message.id", index=True)
    # review by staff (the web UI)
    review_status: str = Field(default="new", max_length=16)
    assignee: str | None = Field(default=None, max_length=128, index=True)
    # derived from ``fields`` (service.repository.set_fields writes both): what the dashboard and the country
    # filter read, so they are indexed columns rather than JSON parsed row by row
    country_or_org: str | None = Field(default=None, max_length=COUNTRY_LENGTH)
    delegates_female: int = 0
    delegates_male: int = 0
    delegates_unknown: int = 0
    # when each kind of its personal data was removed under the retention policy (``frontier-intake purge``,
    # handlers.retention.Kind): None while it is kept
    raw_messages_purged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attachments_purged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    delegate_details_purged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    def purged_at(self, kind: str) -> datetime | None:
        """When ``kind`` (``raw_messages`` | ``attachments`` | ``delegate_details``) was purged; None: kept."""
        return getattr(self, f"{kind}_purged_at")


class Attachment(SQLModel, table=True):
    """A file carried by a message; bytes in the archive under ``sha256``."""

    __tablename__ = "attachment"

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", index=True)
    filename: str = Field(sa_column=Column(Text, nullable=False))
    safe_filename: str = Field(max_length=255)
    content_type: str = Field(max_length=255)
    size: int
    sha256: str = Field(max_length=64, index=True)
    content_id: str | None = Field(default=None, max_length=998)
    inline: bool = False
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    text_note: str | None = Field(default=None, sa_column=Column(Text))


class MessageLocation(SQLModel, table=True):
    """Where a stored message was seen on an IMAP server: (account, folder, UIDVALIDITY, UID)."""

    __tablename__ = "message_location"
    __table_args__ = (UniqueConstraint("account", "folder", "uidvalidity", "uid", name="uq_message_location_uid"),)

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", index=True)
    account: str = Field(max_length=320)
    folder: str = Field(max_length=512)
    uidvalidity: int = Field(sa_type=BigInteger)
    uid: int = Field(sa_type=BigInteger)
    internaldate: datetime | None = Field(default=None, sa_type=UTCDateTime)
    seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AuditEvent(SQLModel, table=True):
    """What the worker (or later a person) did, and when."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor: str = Field(default="worker", max_length=128)
    action: str = Field(max_length=64, index=True)
    message_id: int | None = Field(default=None, foreign_key="message.id", index=True)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False))


class Correction(SQLModel, table=True):
    """A staff correction of triage, kept as a labelled example for training: who, when, from → to."""

    __tablename__ = "correction"

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    by: str = Field(max_length=128)
    what: str = Field(max_length=16, description="category | fields")
    before: Any = Field(default=None, sa_column=Column(JSONType))
    after: Any = Field(default=None, sa_column=Column(JSONType))
    model_version: str | None = Field(default=None, max_length=32)  # the model whose decision was corrected


class ModelTraining(SQLModel, table=True):
    """One run of ``frontier-intake train``: the model it built, on what, its figures, whether it was promoted."""

    __tablename__ = "model_training"

    id: int | None = Field(default=None, primary_key=True)
    version: str = Field(max_length=32)
    file: str = Field(max_length=128)
    trained_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    by: str = Field(max_length=128)
    examples: int
    corrections: int
    held_out: int
    macro_f1: float
    current_macro_f1: float
    promoted: bool = False
    forced: bool = False


class Acknowledgment(SQLModel, table=True):
    """The outbox: one acknowledgment per submission, written with the message, sent by a separate job.

    ``idempotency_key`` is unique (one per stored message), so a re-poll, a restart or a second worker can
    never queue a second one; ``status`` moves pending → sending → sent (or → failed / uncertain /
    suppressed / dry_run).
    """

    __tablename__ = "acknowledgment"

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", index=True)
    idempotency_key: str = Field(max_length=80, unique=True)
    status: str = Field(default="pending", max_length=16, index=True)
    reason: str | None = Field(default=None, sa_column=Column(Text))
    reference: str | None = Field(default=None, max_length=32, index=True)
    category: str = Field(max_length=32)
    language: str = Field(max_length=8)
    to_address: str = Field(default="", max_length=320, index=True)
    message_id_header: str | None = Field(default=None, max_length=998)
    raw: str | None = Field(default=None, sa_column=Column(Text))
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)


class User(SQLModel, table=True):
    """A staff account of the review UI."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=128, unique=True)
    password_hash: str = Field(max_length=255)
    role: str = Field(default="reviewer", max_length=16)
    disabled: bool = False
    session_version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Note(SQLModel, table=True):
    """A staff note on a message."""

    __tablename__ = "note"

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", index=True)
    author: str = Field(max_length=128)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
