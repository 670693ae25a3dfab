"""``triage``: a parsed message → category, language, fields, event, deadline, and why. Pure: no I/O, no clock.

The order is readable here in one place: the sender's own text first (quotes, forwards and signatures
removed), noise by structure (bounce, automatic reply, bulk and spam), then the submission categories by
the weighted phrases of the sender's own words (attachment text when the body only points at an
attachment), then the event, the deadline and the fields. Every step adds the signals it used.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pydantic import BaseModel, Field

from handlers.countries import find_country_or_org
from handlers.events import about_our_events, deadline_status, match_event, other_session
from handlers.fields import extract_delegates, extract_url
from handlers.kind import FieldInput
from handlers.knowledge import Knowledge
from handlers.language import detect_language, script_counts
from handlers.model import Features, features, top_features
from handlers.noise import ROBOT_SENDER, Verdict, classify_noise
from handlers.organisations import find_organisation
from handlers.phrases import Phrase, PhraseBook
from handlers.registry import BY_NAME, SUBMISSIONS, extract_fields
from handlers.text import split_own_text
from parsers.model import ParsedMessage

NEEDS_TRIAGE_BELOW = 0.6
MAX_SCORED_CHARS = 3000  # the request is near the top; long attachments and footers add nothing
MAX_READ_CHARS = 30000  # bounded work per message, whatever its size
MAX_CONTENT_CHARS = 10000  # own text read for evidence and fields (delegate lists can be long)
RULES_VERSION = 2


class Triage(BaseModel):
    """The machine's decision about one message, with its reasons."""

    category: str
    confidence: float
    needs_triage: bool
    language: str
    event: str | None = None
    deadline_status: str = "not_applicable"
    acknowledge: bool = False
    fields: dict[str, Any] = Field(default_factory=dict)
    signals: list[str] = Field(default_factory=list)
    rules_version: int = RULES_VERSION
    model_version: str | None = None  # the learned model that decided (None: the rules or structure did)


def score_categories(
    text: str, book: PhraseBook
) -> tuple[dict[str, float], dict[str, list[str]], dict[str, list[Phrase]]]:
    """Sum of weights of the distinct phrases found, per category; which words; which phrases."""
    scores: dict[str, float] = defaultdict(float)
    hits: dict[str, list[str]] = defaultdict(list)
    matched: dict[str, list[Phrase]] = defaultdict(list)
    text = book.simplify(text[:MAX_SCORED_CHARS]).lower()
    scripts = frozenset(name for name, n in script_counts(text).items() if n >= 3)
    for phrase in book.phrases:
        found = phrase.search(text, scripts)
        if found:
            scores[phrase.category] += phrase.weight
            hits[phrase.category].append(found.group(0).strip()[:40])
            matched[phrase.category].append(phrase)
    return dict(scores), dict(hits), dict(matched)


_QUESTION_MARK = re.compile(r"[?？؟]")
_SENTENCE_END = re.compile(r"[.!?。！？؟\n]")
_INDIRECT_QUESTION = re.compile(
    r"\bwhether\b|indicarnos si|saber si|savoir si|nous indiquer si|\b\w{3,40} ли\b|是否|\bهل\b"
)


def count_questions(text: str) -> int:
    """Questions asked: sentences of 12+ characters ending in a question mark, plus indirect questions."""
    count = 0
    for mark in _QUESTION_MARK.finditer(text):
        previous = max(
            (m.end() for m in _SENTENCE_END.finditer(text, max(0, mark.start() - 200), mark.start())),
            default=max(0, mark.start() - 200),
        )
        count += mark.start() - previous >= 12
    return count + len(_INDIRECT_QUESTION.findall(text.lower()))


INTENT = 3.0  # phrases of this weight state the request itself, not just its topic


@dataclass(frozen=True)
class Evidence:
    """Facts beyond wording: listed delegates, a link to a measure, a first-person request, questions."""

    delegates: int
    link: bool
    intent: dict[str, bool]
    questions: int
    submitting: bool


_LINE_WRAP = re.compile(r"(?<!\n)\n(?!\n)")


def _in_question(text: str, start: int) -> bool:
    """Whether the sentence around ``start`` is a question (ends with ? or opens with ¿).

    Mail wraps lines inside sentences, so only a blank line ends a sentence that has no punctuation.
    """
    text = _LINE_WRAP.sub(" ", text)
    ends = [text.find(mark, start) for mark in ".!?。！？؟\n"]
    end = min((e for e in ends if e != -1), default=len(text))
    begin = max(text.rfind(mark, 0, start) for mark in ".!。！\n?？")
    return text[end : end + 1] in ("?", "？", "؟") or "¿" in text[begin + 1 : start]


def _asserts(text: str, pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern`` occurs at least once outside a question."""
    return any(not _in_question(text, m.start()) for m in pattern.finditer(text))


def _states(text: str, phrases: list[Phrase]) -> bool:
    """Whether one of the request phrases (weight ≥ INTENT) is stated, not asked."""
    return any(phrase.weight >= INTENT and _asserts(text, phrase.pattern) for phrase in phrases)


def _choose(scores: dict[str, float], evidence: Evidence, about_this_event: bool) -> tuple[str, float, list[str]]:
    submissions = {c: scores.get(c, 0.0) for c in SUBMISSIONS}
    submissions["nomination"] += 3.0 if evidence.delegates else 0.0
    submissions["clearinghouse_update"] += 1.5 if evidence.link and submissions["clearinghouse_update"] else 0.0
    best = max(submissions, key=lambda c: submissions[c])
    top = submissions[best]
    question, other = scores.get("question", 0.0), scores.get("other", 0.0)
    meeting = scores.get("other_meeting", 0.0)
    hard = {
        "nomination": evidence.delegates > 0,
        "clearinghouse_update": evidence.link or evidence.submitting,
        "speaker_request": evidence.intent["speaker_request"],
    }
    reasons = [f"evidence: {evidence.delegates} delegate(s), link={evidence.link}, questions={evidence.questions}"]
    if scores.get("not_for_us") and not evidence.delegates:
        return "other", round(min(0.95, 0.7 + scores["not_for_us"] / 20), 3), [*reasons, "not for this event"]
    if scores.get("invitation") and not evidence.delegates and not evidence.intent["speaker_request"]:
        return "other", 0.8, [*reasons, "an invitation to another event"]
    if meeting and not about_this_event:
        return "other", round(min(0.95, 0.7 + meeting / 20), 3), [*reasons, "about another meeting"]
    if scores.get("misdirected") and not about_this_event and not hard[best]:
        return (
            "other",
            round(min(0.9, 0.6 + scores["misdirected"] / 10), 3),
            [*reasons, "meant for another service"],
        )
    if other >= 3.0 and not hard[best]:
        return "other", round(min(0.95, 0.6 + other / 12), 3), reasons
    asking = evidence.questions >= 2 and not evidence.delegates and not evidence.link
    if evidence.questions and (asking or not hard[best]) and question >= 1.5:
        return "question", round(min(0.95, 0.6 + question / 12), 3), [*reasons, "asks without submitting"]
    if top >= 2.5:
        ranked = sorted(submissions.values(), reverse=True)
        margin = (ranked[0] - ranked[1]) / ranked[0]
        confidence = 0.45 + 0.35 * margin + min(top, 9) / 45 + (0.1 if hard[best] else 0.0)
        return best, round(min(0.98, confidence), 3), reasons
    if question >= 1.5:
        return "question", round(min(0.95, 0.55 + question / 12), 3), reasons
    if top > 0:
        return best, 0.4, [*reasons, "weak submission wording"]
    if other > 0:
        return "other", 0.5, reasons
    return "other", 0.3, [*reasons, "no recognisable request"]


@dataclass
class Reading:
    """What the rules read in one message, the model's features, and the inputs of the fields.

    ``structural`` is a verdict that structure decides alone (a DSN, an auto-reply or list header, a spam flag);
    otherwise ``rule_category`` is what the rules alone would say and ``features`` what the model reads.
    """

    language: str
    signals: list[str]
    structural: Verdict | None
    rule_category: str
    rule_confidence: float
    later_session: bool  # names a session after every one the events file has: not for us, whatever the words
    subject: str
    own_text: str
    attachment_text: str
    content: str
    named: str
    address: str
    sender_name: str

    @property
    def field_text(self) -> str:
        """What the fields are read from: the content and, always, the attachments (a delegation list, a title)."""
        if not self.attachment_text or "text: attachment text read" in self.signals:
            return self.content
        return f"{self.content}\n{self.attachment_text[:MAX_CONTENT_CHARS]}"

    @cached_property
    def features(self) -> Features:
        """What the model reads (computed only when a model reads it: not for structure or the rules alone)."""
        return features(self.subject, self.own_text, self.attachment_text)


_STRUCTURE = ("header:", "structure:", "sender:")


def is_structural(verdict: Verdict) -> bool:
    """Whether a noise verdict rests on structure (headers, a DSN, a daemon sender, DMARC failing), not on words."""
    return any(
        s.startswith(_STRUCTURE) or (s.startswith("authentication:") and "dmarc=fail" in s) for s in verdict.signals
    )


def read_message(parsed: ParsedMessage, knowledge: Knowledge, attachment_text: str = "") -> Reading:
    """Everything the rules find in a message, and the rules' own decision."""
    book, calendar = knowledge.phrases, knowledge.calendar
    parts = split_own_text(parsed.text[:MAX_READ_CHARS])
    own = parts.own
    signals: list[str] = []
    if parts.quoted:
        signals.append(f"text: {len(own)} own characters, quoted/forwarded text ignored")
    language, _ = detect_language(own or parsed.subject or parts.quoted, knowledge.language)
    signals.append(f"language: {language}")
    sender = parsed.sender
    address = sender.address if sender else ""

    noise = classify_noise(parsed, own)

    content = own[:MAX_CONTENT_CHARS]
    if parts.forwarded and len(own) < 400:
        content = f"{own}\n{parts.quoted}"[:MAX_CONTENT_CHARS]
        signals.append("text: forwarded content read (little own text)")
    scores, hits, intents = score_categories(content, book)
    subject_scores, subject_hits, _ = score_categories(parsed.subject, book)
    if subject_scores.get("other_meeting") and not scores.get("other_meeting"):  # another meeting in the subject
        scores["other_meeting"] = subject_scores["other_meeting"]
        hits["other_meeting"] = [f"subject: {h}" for h in subject_hits["other_meeting"]]
    named = book.simplify(f"{parsed.subject}\n{content}")  # what names the session, the year, the circular
    elsewhere = other_session(named, calendar)
    if elsewhere:  # a session the events file does not have: a later one is not for us, an earlier one is past
        signal = "not_for_us" if elsewhere == "later" else "other_meeting"
        scores[signal] = scores.get(signal, 0.0) + 3.0
        hits.setdefault(signal, []).append(f"an {elsewhere} session than the events file has")
    if attachment_text and max((scores.get(c, 0.0) for c in SUBMISSIONS), default=0.0) < 2.5:
        extra, extra_hits, extra_intents = score_categories(attachment_text, book)
        for category, phrases in extra_intents.items():
            intents.setdefault(category, []).extend(phrases)
        for category, value in extra.items():
            scores[category] = scores.get(category, 0.0) + 0.8 * value
            hits.setdefault(category, []).extend(f"attachment: {h}" for h in extra_hits[category])
        content = f"{content}\n{attachment_text[:MAX_SCORED_CHARS]}"
        signals.append("text: attachment text read")
    simple = book.simplify(content[:MAX_SCORED_CHARS]).lower()
    about_this_event = about_our_events(book.simplify(f"{parsed.subject}\n{content}").lower(), calendar)
    evidence = Evidence(
        delegates=len(extract_delegates(content, address)),
        link=extract_url(content) is not None,
        intent={c: _states(simple, intents.get(c, [])) for c in SUBMISSIONS},
        questions=count_questions(book.simplify(own[:MAX_SCORED_CHARS])),
        submitting=_asserts(simple, book.submitting),
    )
    category, confidence, reasons = _choose(scores, evidence, about_this_event)
    if noise is not None:
        category, confidence = noise.category, noise.confidence
        signals.extend(noise.signals)
    for name in sorted(scores, key=lambda c: -scores[c]):
        signals.append(f"phrases {name} {scores[name]:.1f}: " + "; ".join(hits.get(name, [])[:4]))
    signals.extend(reasons)
    return Reading(
        language=language,
        signals=signals,
        structural=noise if noise is not None and is_structural(noise) else None,
        rule_category=category,
        rule_confidence=confidence,
        later_session=elsewhere == "later",
        subject=parsed.subject,
        own_text=own or parts.quoted,
        attachment_text=attachment_text,
        content=content,
        named=named,
        address=address,
        sender_name=sender.name if sender else "",
    )


def noise_free(reading: Reading) -> bool:
    """Whether the rules found no noise (a spam naming a future session is still spam)."""
    return reading.rule_category not in ("spam", "auto_reply", "bounce")


def triage(
    parsed: ParsedMessage, knowledge: Knowledge, attachment_text: str = "", *, rules_only: bool = False
) -> Triage:
    """Classify one message, pull out its fields and check its deadline.

    Structure decides what it can; for the rest the learned model of ``knowledge`` (when it has one and
    ``rules_only`` is false) gives each category a calibrated probability, reading the rules' signals beside
    the words. Below the model's threshold the decision waits for a person, and is not acknowledged until then.
    """
    reading = read_message(parsed, knowledge, attachment_text)
    signals = reading.signals
    model = None if rules_only else knowledge.model
    spam_like = False
    if reading.structural is not None:
        category, confidence = reading.structural.category, reading.structural.confidence
        needs = False
        signals.append("decided by structure")
    elif reading.later_session and noise_free(reading):
        category, confidence, needs = "other", 0.9, False
        signals.append("decided by the events file: a later session than it has")
    elif model is None:
        category, confidence = reading.rule_category, reading.rule_confidence
        needs = confidence < NEEDS_TRIAGE_BELOW
    else:
        found = model.lookup(reading.features)
        own = model.probabilities(reading.features, found)
        probabilities = model.blend(own, reading.rule_category, reading.rule_confidence)
        category = max(probabilities, key=probabilities.__getitem__)  # the rules' opinion helps to choose …
        confidence = round(own[category], 3)  # … the model's own calibrated probability says how sure
        needs = confidence < model.threshold
        if not needs and BY_NAME[category].acknowledged and not BY_NAME[reading.rule_category].acknowledged:
            needs = confidence < model.sure_alone  # two keys: the model and the rules, or the model very sure
            if needs:
                signals.append(f"the rules see no {category} and the model is under {model.sure_alone:.2f}")
        spam_like = probabilities.get("spam", 0.0) >= model.spam_block
        ranked = sorted(own.items(), key=lambda item: -item[1])[:3]
        signals.append(
            f"model {model.version}: "
            + ", ".join(f"{c} {p:.2f}" for c, p in ranked)
            + f"; rules said {reading.rule_category} {reading.rule_confidence:.2f}"
        )
        if category != ranked[0][0]:
            signals.append(f"the rules' {reading.rule_category} outweighs the model's {ranked[0][0]}")
        signals.append(
            f"model {category} words: " + "; ".join(top_features(model, reading.features, category, found=found))
        )
        if spam_like and category != "spam":
            signals.append(f"spam-like ({probabilities['spam']:.2f}): not acknowledged")

    event, event_signals = match_event(reading.named, parsed.received_at, knowledge.calendar)
    signals.extend(event_signals)
    kind = BY_NAME[category]
    status = deadline_status(category, parsed.received_at, event) if kind.has_deadline else "not_applicable"
    if status != "not_applicable":
        signals.append(f"deadline: {status} (arrived {parsed.received_at:%Y-%m-%d %H:%M} UTC)")
    fields: dict[str, Any] = {}
    if kind.extract is not None:
        domain = reading.address.rpartition("@")[2]
        country, _ = find_country_or_org(reading.content, knowledge.countries, sender_domain=domain)
        country = country or find_organisation(reading.content, reading.sender_name)
        found = FieldInput(reading.field_text, sender_name=reading.sender_name, sender_address=reading.address)
        fields = extract_fields(category, found, country)
    machine = any(v.strip().lower().startswith("auto-") for v in parsed.headers.get("auto-submitted", []))
    if machine and kind.acknowledged:
        signals.append("Auto-Submitted: sent by a machine, never answered (RFC 3834)")
    acknowledge = (
        kind.acknowledged and not ROBOT_SENDER.match(reading.address) and not needs and not spam_like and not machine
    )
    if kind.acknowledged and needs:
        signals.append("not sure: waits for a person before any acknowledgment")
    return Triage(
        category=category,
        confidence=confidence,
        needs_triage=needs,
        language=reading.language,
        event=event.id if event else None,
        deadline_status=status,
        acknowledge=acknowledge,
        fields=fields,
        signals=signals,
        model_version=model.version if model is not None and reading.structural is None else None,
    )
