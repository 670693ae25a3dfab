"""The one settings loader: ``INTAKE_*`` environment variables (or a ``.env`` / TOML file), validated once.

Load it at the entry point with :func:`load_settings` and pass the :class:`Settings` value down; nothing
else in the code base reads the environment.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from sqlalchemy.engine import make_url

from handlers.retention import MAX_DAYS, Retention
from parsers.attachments import DEFAULT_LIMITS
from parsers.limits import MessageLimits

PACKAGE_DIR = Path(__file__).resolve().parent
SAMPLE_MAILBOX = PACKAGE_DIR / "samples" / "mailbox"
DEFAULT_EVENTS_FILE = PACKAGE_DIR / "events.toml"
PLACEHOLDER_SECRETS = {"changeme", "change-me", "password", "secret", "xxx"}


class Security(StrEnum):
    """How the connection to a mail server is protected."""

    SSL = "ssl"
    STARTTLS = "starttls"
    NONE = "none"


class PostAction(StrEnum):
    """What the IMAP source does to a message once it is durably stored."""

    NONE = "none"
    FLAG = "flag"
    MOVE = "move"


class AckMode(StrEnum):
    """What happens to acknowledgments that are due."""

    SEND = "send"
    DRY_RUN = "dry-run"
    OFF = "off"


class LogFormat(StrEnum):
    """How log records are written to standard error."""

    JSON = "json"
    TEXT = "text"


def is_loopback(host: str) -> bool:
    """True when ``host`` is a loopback address written out (``127.0.0.1``, ``::1``) or a ``localhost`` name.

    Never decided by asking DNS: a name that resolves to 127.0.0.1 while the settings are checked may resolve
    elsewhere when the service connects (a hostile network answers DNS too), and ``security=none`` would then
    send the password in clear across it."""
    name = host.strip().rstrip(".").lower()
    if name in {"localhost", "localhost.localdomain"} or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.removeprefix("[").removesuffix("]")).is_loopback
    except ValueError:
        return False


def redacted_url(url: str) -> str:
    """A database URL fit to show: its password (in the authority or as a ``password`` query parameter)
    replaced by ``***``; a URL that cannot be read is ``***`` whole."""
    try:
        parsed = make_url(url)
    except Exception:
        return "***"
    query = {key: "***" if "pass" in key.lower() else value for key, value in parsed.query.items()}
    return parsed.set(query=query).render_as_string(hide_password=True)


SMTP_STEPS = 10  # server round trips of one send, each allowed the whole INTAKE_SMTP_TIMEOUT_SECONDS


class Settings(BaseSettings):
    """Every knob of the service; the environment variable is ``INTAKE_`` + the upper-cased field name."""

    model_config = SettingsConfigDict(
        env_prefix="INTAKE_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        validate_default=True,
        env_ignore_empty=True,
    )

    data_dir: Path = Field(Path("data"), description="Folder for the raw archive and the default database.")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default a SQLite file in data_dir.")
    auto_migrate: bool = Field(
        True, description="Bring the database schema up to date at start-up; false: refuse an outdated one."
    )
    database_busy_seconds: float = Field(
        30.0, gt=0, le=3600, description="SQLite: how long a write waits for another process's lock before failing."
    )
    config: Path = Field(DEFAULT_EVENTS_FILE, description="Events and deadlines file (TOML).")

    imap_host: str | None = Field(None, description="IMAP server; when unset the Maildir source is used.")
    imap_port: int | None = Field(None, ge=1, le=65535, description="Default 993 for ssl, else 143.")
    imap_user: str | None = None
    imap_password: SecretStr | None = None
    imap_oauth2_token: SecretStr | None = Field(None, description="XOAUTH2 access token instead of a password.")
    imap_security: Security = Security.SSL
    imap_folder: str = "INBOX"
    imap_batch_size: int = Field(100, ge=1, le=5000)
    max_message_bytes: int = Field(50 * 1024 * 1024, ge=1024, description="Larger: stored whole, header read.")
    max_header_bytes: int = Field(1024 * 1024, ge=1024)
    max_header_fields: int = Field(1_000, ge=10)
    max_mime_parts: int = Field(1_000, ge=2)
    max_multiparts: int = Field(100, ge=1)
    max_attachment_bytes: int = Field(10 * 1024 * 1024, ge=1024, description="Larger attachments: kept, not read.")
    max_attachment_pages: int = Field(30, ge=1, description="PDF pages read per attachment.")
    max_attachment_chars: int = Field(50_000, ge=1000, description="Text kept per attachment.")
    max_unzipped_bytes: int = Field(20 * 1024 * 1024, ge=1024 * 1024, description="Uncompressed DOCX/XLSX read.")
    imap_post_action: PostAction = PostAction.NONE
    imap_post_flag: str = Field("$FrontierIntake", description="Keyword set by the `flag` post-action.")
    imap_move_folder: str = Field("Processed", description="Destination of the `move` post-action.")
    imap_timeout_seconds: float = Field(60.0, gt=0)
    imap_connect_attempts: int = Field(5, ge=1, le=100)
    imap_idle: bool = Field(True, description="Push: wait on IMAP IDLE and poll as soon as mail arrives.")
    imap_idle_renew_seconds: int = Field(
        25 * 60, ge=10, le=29 * 60, description="Re-issue IDLE this often (servers end it after 30 min)."
    )

    smtp_host: str | None = Field(None, description="SMTP relay for acknowledgments.")
    smtp_port: int | None = Field(None, ge=1, le=65535, description="Default 465 for ssl, else 587 (25 for none).")
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: Security = Security.STARTTLS
    smtp_timeout_seconds: float = Field(30.0, gt=0)
    ack_mode: AckMode = Field(AckMode.DRY_RUN, description="send | dry-run (render and store) | off.")
    ack_from: str = Field("frontier.tech@wipo.int", description="From address of acknowledgments.")
    ack_from_name: str = "WIPO Frontier Technologies"
    ack_envelope_from: str = Field("<>", description="SMTP MAIL FROM: <> (RFC 3834) or a bounce address.")
    ack_per_sender_hours: int = Field(24, ge=0, description="At most one ack per sender and category in this window.")
    ack_hourly_cap: int = Field(200, ge=1, description="Circuit breaker: acks sent per hour, all senders.")
    ack_max_attempts: int = Field(8, ge=1, le=50)
    ack_retry_seconds: float = Field(60.0, ge=0, description="First retry delay; doubles per attempt, max 1 h.")
    ack_skip_auth_failures: bool = Field(True, description="No ack when Authentication-Results shows DMARC/SPF fail.")
    ack_lease_seconds: float = Field(
        300.0, gt=0, description="A row `sending` for longer is taken for a crashed send and marked `uncertain`."
    )
    web_secret: SecretStr | None = Field(None, description="Key that signs review-UI session cookies (32+ chars).")
    web_secure_cookies: bool = Field(
        True, description="Mark session cookies Secure (set false only for plain-HTTP tests)."
    )
    web_trusted_user_header: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9-]+$",
        description="Header naming the user, set by an authenticating reverse proxy (off unless set).",
    )
    web_trusted_proxies: list[str] = Field(
        ["127.0.0.1", "::1"], description="Addresses whose user header is believed (the proxy's, not clients')."
    )
    maildir: Path = Field(SAMPLE_MAILBOX, description="Maildir read when no IMAP host is configured.")
    poll_seconds: int = Field(60, ge=1, le=86400)
    metrics_port: int | None = Field(None, ge=1, le=65535, description="`run` serves its own metrics here.")
    metrics_host: str = Field("127.0.0.1", description="Address the worker's metrics listen on.")
    lease_seconds: int = Field(
        30, ge=3, le=3600, description="A polling worker that dies is replaced by another within this time."
    )
    parse_workers: int = Field(0, ge=0, le=64, description="Parser processes; 0 = one per CPU core.")
    triage_model: bool = Field(True, description="Use the learned triage model (promoted, else shipped); off: rules.")
    log_format: LogFormat = LogFormat.TEXT
    log_level: str = "INFO"
    # retention of mail attributed to no event (an event's own is in the events file), counted from arrival
    retention_raw_messages_days: int | None = Field(
        None, ge=0, le=MAX_DAYS, description="Days raw mail with no event is kept after arrival; unset: kept."
    )
    retention_attachments_days: int | None = Field(
        None, ge=0, le=MAX_DAYS, description="Days attachments of mail with no event are kept; unset: kept."
    )
    retention_delegate_details_days: int | None = Field(
        None, ge=0, le=MAX_DAYS, description="Days delegates' details of mail with no event are kept; unset: kept."
    )

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        """As pydantic shows the fields (``repr``, ``str``), the database URL without its password (the other
        secrets are ``SecretStr``, shown as stars)."""
        for name, value in super().__repr_args__():
            yield name, redacted_url(value) if name == "database_url" and isinstance(value, str) else value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Init values, then the environment, then ``.env``, then secret files (``INTAKE_…_FILE``), then
        ``INTAKE_SETTINGS_FILE`` (TOML)."""
        sources: list[PydanticBaseSettingsSource] = [
            init_settings,
            env_settings,
            dotenv_settings,
            SecretFilesSource(settings_cls),
        ]
        toml_file = os.environ.get("INTAKE_SETTINGS_FILE")
        if toml_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_file))
        return tuple(sources)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @field_validator("web_secret")
    @classmethod
    def _strong_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and (
            len(value.get_secret_value()) < 32 or value.get_secret_value().lower() in PLACEHOLDER_SECRETS
        ):
            raise ValueError("must be a random string of at least 32 characters")
        return value

    @field_validator("web_trusted_proxies")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for address in value:
            ipaddress.ip_address(address)  # ValueError names the bad one
        return value

    @field_validator("imap_password", "imap_oauth2_token")
    @classmethod
    def _no_placeholder(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().strip().lower() in PLACEHOLDER_SECRETS:
            raise ValueError("is a placeholder; set the real secret")
        return value

    @model_validator(mode="after")
    def _coherent_smtp(self) -> Settings:
        if self.ack_mode is AckMode.SEND and not self.smtp_host:
            raise ValueError("INTAKE_SMTP_HOST: required when INTAKE_ACK_MODE is 'send'")
        if self.smtp_host and self.smtp_security is Security.NONE and not is_loopback(self.smtp_host):
            raise ValueError(
                "INTAKE_SMTP_SECURITY: 'none' is only allowed for a loopback host, not " + repr(self.smtp_host)
            )
        if self.ack_lease_seconds < SMTP_STEPS * self.smtp_timeout_seconds:
            raise ValueError(
                f"INTAKE_ACK_LEASE_SECONDS: must be at least {SMTP_STEPS} × INTAKE_SMTP_TIMEOUT_SECONDS "
                f"({SMTP_STEPS * self.smtp_timeout_seconds:g} s; connect, TLS, login and the transaction each may "
                "take the whole timeout), or a slow send still in progress would be taken for a crashed one"
            )
        if "@" not in self.ack_from or any(c in self.ack_from for c in "\r\n<> ,;"):
            raise ValueError("INTAKE_ACK_FROM: must be a plain e-mail address")
        return self

    @model_validator(mode="after")
    def _coherent_imap(self) -> Settings:
        if self.imap_host is None:
            return self
        if self.imap_security is Security.NONE and not is_loopback(self.imap_host):
            raise ValueError(
                "INTAKE_IMAP_SECURITY: 'none' sends the password in clear and is only allowed "
                f"for a loopback host, not {self.imap_host!r}"
            )
        if not self.imap_user:
            raise ValueError("INTAKE_IMAP_USER: required when INTAKE_IMAP_HOST is set")
        if self.imap_password is None and self.imap_oauth2_token is None:
            raise ValueError(
                "INTAKE_IMAP_PASSWORD: required when INTAKE_IMAP_HOST is set (or INTAKE_IMAP_OAUTH2_TOKEN)"
            )
        return self

    @property
    def effective_smtp_port(self) -> int:
        """The configured SMTP port, or the usual one for the security mode."""
        if self.smtp_port:
            return self.smtp_port
        return {Security.SSL: 465, Security.STARTTLS: 587, Security.NONE: 25}[self.smtp_security]

    @property
    def message_limits(self) -> MessageLimits:
        """The limits on one message, for every source (IMAP, Maildir, import)."""
        return MessageLimits(
            max_bytes=self.max_message_bytes,
            max_header_bytes=self.max_header_bytes,
            max_header_fields=self.max_header_fields,
            max_mime_parts=self.max_mime_parts,
            max_multiparts=self.max_multiparts,
            attachments=replace(
                DEFAULT_LIMITS,
                max_bytes=self.max_attachment_bytes,
                max_pages=self.max_attachment_pages,
                max_chars=self.max_attachment_chars,
                max_unzipped_bytes=self.max_unzipped_bytes,
            ),
        )

    @property
    def effective_imap_port(self) -> int:
        """The configured port, or the usual one for the security mode."""
        if self.imap_port:
            return self.imap_port
        return 993 if self.imap_security is Security.SSL else 143

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or a SQLite file in the data folder."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'intake.db').resolve()}"

    @property
    def no_event_retention(self) -> Retention:
        """The retention of mail attributed to no event (``INTAKE_RETENTION_…_DAYS``)."""
        return Retention(
            raw_messages_days=self.retention_raw_messages_days,
            attachments_days=self.retention_attachments_days,
            delegate_details_days=self.retention_delegate_details_days,
        )

    @property
    def archive_dir(self) -> Path:
        """Where raw messages and attachments are stored, content-addressed."""
        return self.data_dir / "archive"


SECRET_FIELDS = frozenset(
    name for name, field in Settings.model_fields.items() if field.annotation in (SecretStr, SecretStr | None)
)


NEVER_ECHOED = SECRET_FIELDS | {"database_url"}  # a URL holds the database's password


class SettingsError(Exception):
    """A configuration value is missing or wrong; the message names the variable."""


FILE_FIELDS = ("database_url", "imap_password", "imap_oauth2_token", "smtp_password", "web_secret")


class SecretFilesSource(PydanticBaseSettingsSource):
    """``INTAKE_<NAME>_FILE``: the value of a secret (and of the database URL, which holds a password) read
    from a file, as Docker and Kubernetes secrets are mounted; the variable itself wins when both are set."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in FILE_FIELDS:
            path = os.environ.get(f"INTAKE_{name.upper()}_FILE")
            if not path:
                continue
            try:
                values[name] = Path(path).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise SettingsError(f"INTAKE_{name.upper()}_FILE: cannot read {path}: {exc.strerror or exc}") from None
        return values


def _describe(error: dict[str, Any]) -> str:
    loc = [str(part) for part in error.get("loc", ()) if part != "__root__"]
    message = str(error.get("msg", "invalid value"))
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    if not loc:
        return message
    variable = "INTAKE_" + loc[0].upper()
    value = error.get("input")
    secret = loc[0] not in Settings.model_fields or loc[0] in NEVER_ECHOED  # never echo a secret
    shown = "" if isinstance(value, dict) or value is None or secret else f" (got {value!r})"
    return f"{variable}: {message}{shown}"


def load_settings(**overrides: Any) -> Settings:
    """Read and validate the settings; a bad value raises :class:`SettingsError` naming the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError("; ".join(_describe(err) for err in exc.errors())) from None
