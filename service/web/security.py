"""Review-UI security: Argon2 passwords, CSRF tokens, login throttling, sanitised e-mail HTML, headers."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta
from urllib.parse import quote

import nh3
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, func
from sqlmodel import Session, select

from service.models import LoginFailure, utcnow

HASHER = PasswordHasher()
MIN_PASSWORD = 10  # characters; the command line and the account page ask the same
_DUMMY = HASHER.hash("timing-equaliser-not-a-password")

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "*": {"dir", "lang"},
}
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; frame-src 'self'"
)


def hash_password(password: str) -> str:
    """An Argon2id hash."""
    return HASHER.hash(password)


def password_problem(new: str, repeated: str, old: str = "") -> str | None:
    """Why ``new`` cannot be a password (None when it can)."""
    if len(new) < MIN_PASSWORD:
        return f"the new password must have at least {MIN_PASSWORD} characters"
    if new != repeated:
        return "the two new passwords differ"
    if old and new == old:
        return "the new password is the old one"
    return None


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches; takes as long when the user does not exist (``stored`` None)."""
    try:
        return HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A random URL-safe token (CSRF)."""
    return secrets.token_urlsafe(32)


def same_token(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison of two tokens; absent never matches."""
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


def sanitise_html(html: str) -> str:
    """E-mail HTML reduced to harmless markup: no scripts, styles, event handlers, images or forms."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def attachment_disposition(filename: str) -> str:
    """``Content-Disposition: attachment`` keeping a name in any script (RFC 6266 ``filename*``), with an ASCII
    fallback for old clients; control characters, quotes and path separators never reach the header."""
    name = "".join(c for c in filename if c.isprintable() and c not in "/\\").strip() or "attachment"
    fallback = name.encode("ascii", "replace").decode().replace('"', "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


class LoginThrottle:
    """At most ``limit`` failed logins per name and per client address in ``window`` seconds, counted in the
    database (``login_failure``), so every web process behind a load balancer shares the count."""

    def __init__(self, engine: Engine, limit: int = 5, window: float = 300.0) -> None:
        self.engine, self.limit, self.window = engine, limit, window

    def blocked(self, *keys: str) -> bool:
        """Whether any of ``keys`` has used up its attempts."""
        since = utcnow() - timedelta(seconds=self.window)
        with Session(self.engine) as session:
            counts = session.exec(
                select(LoginFailure.key, func.count())
                .where(LoginFailure.key.in_(keys), LoginFailure.at > since)
                .group_by(LoginFailure.key)
            ).all()
        return any(count >= self.limit for _, count in counts)

    def failed(self, *keys: str) -> None:
        """Record a failed attempt against each key (and forget those older than the window)."""
        now = utcnow()
        with Session(self.engine) as session:
            session.add_all(LoginFailure(key=key[:400], at=now) for key in keys)
            session.exec(delete(LoginFailure).where(LoginFailure.at < now - timedelta(seconds=self.window)))
            session.commit()
