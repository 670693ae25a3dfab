"""Events and their deadlines (loaded from the events file by ``config.events``), and the pure deadline check."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, field_validator

from handlers.registry import SUBMISSIONS
from handlers.retention import Retention


class Event(BaseModel):
    """One meeting that submissions are sent for."""

    id: str
    name: str
    theme: str = ""
    session: int | None = None
    circular: str | None = None
    starts: date
    ends: date
    timezone: str = "Europe/Zurich"
    open_from: date | None = None
    reference_prefix: str = ""
    names: dict[str, str] = Field(default_factory=dict, description="The event's name per language.")
    session_names: dict[str, list[str]] = Field(
        default_factory=dict, description="How mail names this session, per language (* = any word ending)."
    )
    theme_names: dict[str, list[str]] = Field(default_factory=dict, description="The theme's key words per language.")
    deadlines: dict[str, date] = Field(default_factory=dict)
    retention: Retention = Field(
        default_factory=Retention, description="Days its mail's personal data is kept after the event's end."
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except Exception as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("deadlines")
    @classmethod
    def _known_categories(cls, value: dict[str, date]) -> dict[str, date]:
        unknown = set(value) - set(SUBMISSIONS)
        if unknown:
            raise ValueError(f"deadlines for unknown categories {sorted(unknown)}; use {list(SUBMISSIONS)}")
        return value

    def deadline_instant(self, category: str) -> datetime | None:
        """The first instant that is late for ``category``: midnight after the deadline day, local time."""
        day = self.deadlines.get(category)
        if day is None:
            return None
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(self.timezone)).astimezone(UTC)

    def opens_at(self) -> datetime:
        """When submissions start to be attributed to this event (``open_from``, else 60 days before)."""
        first = self.open_from or (self.starts - timedelta(days=60))
        return datetime.combine(first, time(0), tzinfo=ZoneInfo(self.timezone))

    def ends_at(self) -> datetime:
        """The end of the event's last day: midnight after it, local time (where its retention starts)."""
        return datetime.combine(self.ends + timedelta(days=1), time(0), tzinfo=ZoneInfo(self.timezone))

    def is_open(self, when: datetime) -> bool:
        """Whether ``when`` falls between the opening and the end of the event's last day."""
        return self.opens_at() <= when < self.ends_at()


def deadline_status(category: str, received_at: datetime | None, event: Event | None) -> str:
    """``on_time`` | ``late`` | ``not_applicable``, from the server's arrival time only."""
    if event is None or received_at is None:
        return "not_applicable"
    cutoff = event.deadline_instant(category)
    if cutoff is None:
        return "not_applicable"
    return "on_time" if received_at < cutoff else "late"


class SessionWords(BaseModel):
    """The language of session numbers (``config/data/sessions.toml``): nouns, year phrases, ordinal words."""

    nouns: dict[str, list[str]]
    years: list[str]
    ordinals: dict[int, list[str]]


@dataclass(frozen=True, eq=False)  # compared (and cached) by identity
class Calendar:
    """The configured events and the patterns that tell which session a text names (see :func:`build_calendar`)."""

    events: tuple[Event, ...]
    names: re.Pattern[str]  # ordinal words and configured names, longest first
    numbers: tuple[tuple[str, bool, int], ...]  # (word, is a stem, session number), longest first
    numeral: re.Pattern[str]
    noun: re.Pattern[str]
    noun_hint: re.Pattern[str]  # the nouns without word boundaries: a fast first look
    noun_after: re.Pattern[str]
    noun_before: re.Pattern[str]
    years: re.Pattern[str]
    circulars: tuple[tuple[Event, re.Pattern[str]], ...]
    about: re.Pattern[str]

    @property
    def sessions(self) -> dict[int, Event]:
        """The configured events by session number."""
        return {e.session: e for e in self.events if e.session is not None}


_CJK = re.compile(r"[\u3400-\u9fff]")


def word_pattern(word: str) -> str:
    """A name or word as a regular expression: ``*`` is any word ending; whole words except in Chinese."""
    word = word.strip().lower()
    body = re.escape(word.rstrip("*")) + (r"\w*" if word.endswith("*") else "")
    before = "" if _CJK.match(word) else r"(?<!\w)"
    after = "" if word.endswith("*") or _CJK.match(word[-1:]) else r"(?!\w)"
    return before + body + after


def _alternatives(words: list[str]) -> str:
    return "|".join(word_pattern(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _word_start_alternatives(words: list[str]) -> str:
    """The same as :func:`_alternatives`, with the word-start test asked once per position rather than once
    per word (a few hundred ordinals: the engine otherwise tries each at every character)."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    latin = [word_pattern(w).removeprefix(r"(?<!\w)") for w in ordered if not _CJK.match(w.strip().lower())]
    cjk = [word_pattern(w) for w in ordered if _CJK.match(w.strip().lower())]
    parts = ([r"(?<!\w)(?:" + "|".join(latin) + ")"] if latin else []) + cjk
    return "|".join(parts)


def build_calendar(events: list[Event] | tuple[Event, ...], words: SessionWords, series: list[str]) -> Calendar:
    """Compile the session, year, circular and theme patterns of ``events`` (once, by the shell)."""
    by_number: dict[int, list[str]] = {n: list(w) for n, w in words.ordinals.items()}
    for event in events:
        if event.session is not None:
            by_number.setdefault(event.session, []).extend(w for ws in event.session_names.values() for w in ws)
    entries = sorted({(w.strip().lower(), n) for n, ws in by_number.items() for w in ws}, key=lambda e: -len(e[0]))
    numbers = tuple((w.rstrip("*"), w.endswith("*"), n) for w, n in entries)
    nouns = _alternatives([w for ws in words.nouns.values() for w in ws])
    digits = {e.id: re.sub(r"\D", "", e.circular or "") for e in events}
    circulars = tuple((e, re.compile(rf"(?<!\d){digits[e.id]}(?!\d)")) for e in events if digits[e.id])
    themes = [w for e in events for ws in e.theme_names.values() for w in ws]
    about = [*series, *(word_pattern(w) for w in themes), *(c.pattern for _, c in circulars)]
    return Calendar(
        events=tuple(events),
        names=re.compile(_word_start_alternatives([w for w, _ in entries])),
        numbers=numbers,
        numeral=re.compile(
            r"(?<![\d.,/:])(?:第\s*)?(\d{1,2})(?:(?P<suffix>st|nd|rd|th|ème|eme|e|ère|re|er|\.ª|ª|\.a|a|º|o|"
            r"-?(?:ая|ой|ий|ом|ей|я|й)))?(?=[\s\u3400-\u9fff]|$)"
        ),
        noun=re.compile(nouns),
        noun_hint=re.compile(
            "|".join(sorted({re.escape(w.strip().lower().rstrip("*")) for ws in words.nouns.values() for w in ws}))
        ),
        noun_after=re.compile(rf"[\s-]*(?:[^\W\d]+\s+){{0,2}}?(?:{nouns})"),
        noun_before=re.compile(rf"(?:{nouns})\s*$"),
        years=re.compile("|".join(y.replace("{year}", r"((?:19|20)\d\d)") for y in words.years)),
        circulars=circulars,
        about=re.compile("|".join(about) or r"(?!)"),
    )


@lru_cache(maxsize=8)  # triage asks twice of the same text: is it another session, which event is it
def sessions_named(text: str, calendar: Calendar) -> tuple[int, ...]:
    """The session numbers ``text`` names, by word, ordinal or numeral next to a word for "session"."""
    text = text.lower()
    found: list[int] = []
    for start, end in _near_nouns(text, calendar):  # a session is named next to a noun: look only there
        for match in calendar.names.finditer(text, start, end):
            alone = calendar.noun.search(match.group(0))
            if alone or calendar.noun_after.match(text, match.end()) or _noun_before(text, match.start(), calendar):
                found.extend(_number_of(match.group(0), calendar)[:1])
        for match in calendar.numeral.finditer(text, start, end):
            if _MONTH_AFTER.match(text, match.end()):
                continue  # a date
            marked = match.group("suffix") or match.group(0).startswith("第")
            after = marked and calendar.noun_after.match(text, match.end())
            if after or _noun_before(text, match.start(), calendar):
                found.append(int(match.group(1)))
    return tuple(found)


# a numeral followed by a month is a date ("сессии 28 октября", "la session du 28 octobre", "28日"), not a session
_MONTH_AFTER = re.compile(
    r"\s*(?:de\s+|-\s*\d{1,2}\s+)?(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|janvier|f[ée]vrier|mars|avril|mai|juin|juillet|"
    r"ao[uû]t|septembre|octobre|novembre|d[ée]cembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
    r"s[e]?ptiembre|setiembre|octubre|noviembre|diciembre|январ\w*|феврал\w*|март\w*|апрел\w*|ма[йя]\b|июн\w*|"
    r"июл\w*|август\w*|сентябр\w*|октябр\w*|ноябр\w*|декабр\w*|يناير|فبراير|مارس|أبريل|ابريل|مايو|يونيو|يوليو|"
    r"أغسطس|اغسطس|سبتمبر|أكتوبر|اكتوبر|نوفمبر|ديسمبر|تشرين|كانون|[日号號])"
)

NEAR = 60  # characters around a word for "session" where its ordinal or number can stand


def _near_nouns(text: str, calendar: Calendar) -> list[tuple[int, int]]:
    """The stretches of ``text`` around the words for "session", overlapping ones merged, cut at spaces."""
    spans: list[tuple[int, int]] = []
    for noun in calendar.noun_hint.finditer(text):
        start = text.rfind(" ", 0, max(0, noun.start() - NEAR)) + 1
        end = text.find(" ", noun.end() + NEAR)
        end = len(text) if end == -1 else end
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def _number_of(word: str, calendar: Calendar) -> list[int]:
    return [n for w, stem, n in calendar.numbers if word == w or (stem and word.startswith(w))]


def _noun_before(text: str, start: int, calendar: Calendar) -> bool:
    return bool(calendar.noun_before.search(text, max(0, start - 24), start))


def years_named(text: str, calendar: Calendar) -> list[int]:
    """The years ``text`` names a session by ("the <year> session", "in <year>")."""
    return [int(next(g for g in m.groups() if g)) for m in calendar.years.finditer(text.lower())]


def other_session(text: str, calendar: Calendar) -> str | None:
    """Whether ``text`` is about a session the events file does not have: ``later`` (a session or year after
    every configured one), ``earlier`` (only sessions before them), else None."""
    known = calendar.sessions
    numbers = sessions_named(text, calendar)
    unknown = [n for n in numbers if n not in known]
    latest_year = max((e.starts.year for e in calendar.events), default=0)
    if any(y > latest_year for y in years_named(text, calendar)) or any(n > max(known, default=0) for n in unknown):
        return "later"  # even beside this session: "not this year, but at the next one"
    return "earlier" if unknown and len(unknown) == len(numbers) else None


def about_our_events(text: str, calendar: Calendar) -> bool:
    """Whether ``text`` names the series, an event's theme or a circular."""
    return bool(calendar.about.search(text))


def match_event(text: str, received_at: datetime | None, calendar: Calendar) -> tuple[Event | None, list[str]]:
    """The event a message is about: its circular number, its session, else the one open at arrival."""
    events = calendar.events
    for event, circular in calendar.circulars:
        if circular.search(text):
            return event, [f"event: circular {event.circular} mentioned"]
    known = calendar.sessions
    for number in sessions_named(text, calendar):
        if number in known:
            return known[number], [f"event: session {number} mentioned"]
    by_year = {e.starts.year: e for e in events}
    for year in years_named(text, calendar):
        if year in by_year:
            return by_year[year], [f"event: {by_year[year].id} named by its year {year}"]
    if received_at is not None:
        open_events = [e for e in events if e.is_open(received_at)]
        if open_events:
            return open_events[0], [f"event: {open_events[0].id} open at arrival"]
        past = [e for e in events if e.opens_at() <= received_at]
        if past:  # after the event: still attributed (and late), never silently without a deadline
            latest = max(past, key=lambda e: e.opens_at())
            return latest, [f"event: {latest.id}, the latest opened before arrival"]
        upcoming = [e for e in events if e.opens_at() > received_at]
        if upcoming:  # before the circular's date (word of it travels ahead): the next one to open
            first = min(upcoming, key=lambda e: e.opens_at())
            return first, [f"event: {first.id}, the next to open after arrival"]
    return None, []
