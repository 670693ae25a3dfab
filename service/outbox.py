"""The outbox: decide, in the storing transaction, whether a message gets an acknowledgment, and queue it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import make_msgid
from pathlib import Path

from jinja2 import Environment
from sqlalchemy import and_, func, or_, update
from sqlmodel import Session, select

from config.ack_templates import template_environment
from config.settings import PACKAGE_DIR, AckMode, Settings
from handlers.acknowledge import recipient_of, reference_for, render_ack, reply_refused
from handlers.events import Event
from handlers.registry import ACKNOWLEDGED
from handlers.triage import Triage
from parsers.model import ParsedMessage
from service.models import Acknowledgment, Message

TEMPLATES = PACKAGE_DIR / "templates" / "ack"
COUNTED = ("pending", "sending", "sent", "dry_run", "uncertain")


@dataclass
class AckPolicy:
    """What the outbox needs from the settings, built once at start-up."""

    mode: AckMode
    own_address: str
    from_name: str
    per_sender_hours: int
    skip_auth_failures: bool
    events: dict[str, Event] = field(default_factory=dict)
    env: Environment | None = None

    @classmethod
    def from_settings(cls, settings: Settings, events: list[Event], templates: Path = TEMPLATES) -> AckPolicy:
        """Build the policy (and the template environment) from validated settings."""
        return cls(
            mode=settings.ack_mode,
            own_address=settings.ack_from,
            from_name=settings.ack_from_name,
            per_sender_hours=settings.ack_per_sender_hours,
            skip_auth_failures=settings.ack_skip_auth_failures,
            events={e.id: e for e in events},
            env=template_environment(templates),
        )

    @property
    def domain(self) -> str:
        """The service's own domain, for Message-IDs."""
        return self.own_address.rpartition("@")[2]


def enqueue(
    session: Session,
    *,
    policy: AckPolicy,
    message: Message,
    parsed: ParsedMessage,
    decision: Triage,
    now: datetime,
) -> Acknowledgment | None:
    """Queue (or record the refusal of) the acknowledgment of ``message``; None when acks are off."""
    if policy.mode is AckMode.OFF or not decision.acknowledge:
        return None
    ack = Acknowledgment(
        message_id=message.id,
        idempotency_key=f"ack:{message.sha256}",
        category=decision.category,
        language=decision.language,
        created_at=now,
    )
    return _prepare(session, ack, policy=policy, message=message, parsed=parsed, decision=decision, now=now)


def _recently_acknowledged(session: Session, ack: Acknowledgment, hours: int, arrived: datetime) -> bool:
    """Whether ``ack``'s recipient already had one for its category for mail that arrived within ``hours`` of
    ``arrived`` (``ack`` itself not counted). Arrival times, not the clock: a backlog of genuine submissions
    weeks apart, stored in one run, is not a burst."""
    window = timedelta(hours=hours)
    return bool(
        session.exec(
            select(func.count())
            .select_from(Acknowledgment)
            .join(Message, Message.id == Acknowledgment.message_id)
            .where(
                Acknowledgment.to_address == ack.to_address,
                Acknowledgment.category == ack.category,
                Acknowledgment.status.in_(COUNTED),
                Acknowledgment.id != (ack.id or 0),
                Message.received_at > arrived - window,
                Message.received_at < arrived + window,
            )
        ).one()
    )


def _prepare(
    session: Session,
    ack: Acknowledgment,
    *,
    policy: AckPolicy,
    message: Message,
    parsed: ParsedMessage,
    decision: Triage,
    now: datetime,
) -> Acknowledgment:
    """Fill ``ack`` for ``decision``: refused with its reason, or rendered and due (``pending`` / ``dry_run``)."""
    ack.category, ack.language = decision.category, decision.language
    ack.to_address = recipient_of(parsed) or ""
    ack.raw = ack.reference = ack.message_id_header = ack.next_attempt_at = None
    reason = reply_refused(
        parsed, decision, own_address=policy.own_address, skip_auth_failures=policy.skip_auth_failures
    )
    if reason is None and message.duplicate_of_id:
        reason = f"same Message-ID as message #{message.duplicate_of_id}"
    if (
        reason is None
        and policy.per_sender_hours
        and _recently_acknowledged(session, ack, policy.per_sender_hours, message.received_at or now)
    ):
        window = policy.per_sender_hours
        reason = (
            f"rate limit: already acknowledged {ack.to_address} for {decision.category} for mail that arrived"
            f" within {window} h of this one"
        )
    session.add(ack)
    if reason is not None:
        ack.status, ack.reason = "suppressed", reason
        return ack
    session.flush()
    event = policy.events.get(decision.event or "")
    ack.reference = reference_for(event, decision.category, ack.id or 0)
    ack.message_id_header = make_msgid(idstring=f"ack.{ack.reference}", domain=policy.domain)
    assert policy.env is not None
    try:
        rendered = render_ack(
            env=policy.env,
            parsed=parsed,
            decision=decision,
            event=event,
            reference=ack.reference,
            from_address=policy.own_address,
            from_name=policy.from_name,
            message_id=ack.message_id_header,
            now=now,
        )
        ack.raw = rendered.as_string()
    except Exception as exc:  # a template or header problem must not lose the message: staff see it
        ack.status, ack.reason = "failed", f"could not render: {type(exc).__name__}: {exc}"[:2000]
        return ack
    ack.status, ack.reason = ("pending" if policy.mode is AckMode.SEND else "dry_run"), None
    ack.next_attempt_at = now
    return ack


UNSENT = ("pending", "dry_run")
WITHDRAWN = "withdrawn: "


def after_reclassify(
    session: Session,
    *,
    policy: AckPolicy,
    message: Message,
    read: Callable[[], ParsedMessage],
    who: str,
    now: datetime,
) -> str | None:
    """Keep the outbox in step with a staff reclassification; says what changed (None: nothing).

    Into a category that is acknowledged: a message with no acknowledgment gets one (every robot and
    rate-limit check applies as at arrival; ``read`` parses the stored mail), and one not yet sent — or
    withdrawn by an earlier reclassification — is written again for the new category. Out of those
    categories: one not yet sent is withdrawn. A sent one stays sent; no message ever gets a second row."""
    existing = session.exec(select(Acknowledgment).where(Acknowledgment.message_id == message.id)).first()
    if message.category not in ACKNOWLEDGED:
        if existing is None:
            return None
        withdrawn = session.exec(
            update(Acknowledgment)
            .where(Acknowledgment.id == existing.id, Acknowledgment.status.in_(UNSENT))
            .values(status="suppressed", reason=f"{WITHDRAWN}reclassified as {message.category} by {who}")
        )
        return "acknowledgment withdrawn" if withdrawn.rowcount else None
    decision = Triage(
        category=message.category or "other",
        confidence=1.0,
        needs_triage=False,
        language=message.language or "und",
        event=message.event,
        deadline_status=message.deadline_status or "not_applicable",
        acknowledge=True,
        fields=message.fields or {},
    )
    parsed = read()  # before anything is changed: an unreadable mail leaves the outbox as it was
    if existing is None:
        ack = enqueue(session, policy=policy, message=message, parsed=parsed, decision=decision, now=now)
    else:
        # only a row nobody is sending may be written again: take it first (a sender claims with the same guard)
        taken = session.exec(
            update(Acknowledgment)
            .where(
                Acknowledgment.id == existing.id,
                or_(
                    Acknowledgment.status.in_(UNSENT),
                    and_(Acknowledgment.status == "suppressed", Acknowledgment.reason.startswith(WITHDRAWN)),
                ),
            )
            .values(status="suppressed", reason=f"{WITHDRAWN}being written again")
        )
        if not taken.rowcount:
            return None
        session.refresh(existing)
        ack = _prepare(session, existing, policy=policy, message=message, parsed=parsed, decision=decision, now=now)
    if ack is None:
        return None
    return f"acknowledgment {ack.status}" + (f" ({ack.reason})" if ack.reason else "")


def by_reference(*, session: Session, reference: str) -> Acknowledgment | None:
    """The acknowledgment with this reference (``FT12-NM-0042``), if any."""
    return session.exec(select(Acknowledgment).where(Acknowledgment.reference == reference)).first()


def listing(*, session: Session, status: str | None = None) -> list[Acknowledgment]:
    """Every acknowledgment in the order they were queued, or only those with ``status``."""
    query = select(Acknowledgment).order_by(Acknowledgment.id)
    if status:
        query = query.where(Acknowledgment.status == status)
    return list(session.exec(query))
