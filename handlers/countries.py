"""Which member state or organisation a message speaks for, as the English name WIPO uses (UN style).

Names in Arabic, Chinese, English, French, Russian and Spanish are matched through tables built once by the
shell (``config.countries.load_country_tables``) and passed in: Latin, Cyrillic and Arabic names as token
sequences through a trie of word forms (:mod:`handlers.word_forms`), Chinese names by substring through one
trie-shaped regex. Every hit keeps its offsets in the text; per-token work is cached on the tables.

Decision order: (1) a mission / delegation / office phrase (:mod:`handlers.country_phrases`), (2) an
organisation, (3) the most frequent country mention (earliest wins a tie), (4) the sender's e-mail domain.
The host country counts only in a phrase or as the sender; names inside e-mail addresses and URLs are ignored.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import accumulate, compress
from operator import itemgetter

from handlers.country_phrases import HEAD_PREFIXES, HEAD_WORDS, PhraseContext
from handlers.country_tables import END, CountryTables, Entry, TokenInfo, Trie
from handlers.word_forms import CJK_RE, STEM, name_words, prepare, token_variants

__all__ = ["canonical_names", "find_country_or_org", "resolve_name"]

_NOT_SPACE_RE = re.compile(r"\S+")

# --------------------------------------------------------------------------- matching


@dataclass(slots=True)
class _Hit:
    name: str
    kind: str
    start: int
    end: int
    weak: bool
    office: bool
    phrase: tuple[int, int] | None = None


_SPLIT_RE = re.compile(r"([^\W_]+)")
_CACHE_LIMIT = 20_000  # tokens cached per tables object: about 5 MB at most


def _token_info(raw: str, tables: CountryTables) -> TokenInfo:
    """What the matcher needs to know about one token, cached on the tables by its raw text."""
    trie = tables.trie
    if raw.isascii():  # the common case, kept cheap: one variant
        tok = raw.lower()
        info = ((tok,), tok in trie, tok in HEAD_WORDS or tok.startswith(HEAD_PREFIXES))
    else:
        forms = token_variants(raw, tables.word_forms)
        words = forms[:1] if forms[-1][0] == STEM else forms  # stems never start a phrase
        info = (
            forms,
            not trie.keys().isdisjoint(forms),
            any(w in HEAD_WORDS or w.startswith(HEAD_PREFIXES) for w in words),
        )
    cache = tables.token_info
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    cache[raw] = info
    return info


def _infos(tokens: list[str], tables: CountryTables) -> list[TokenInfo]:
    """Token infos, from the cache where possible."""
    get = tables.token_info.get
    infos = list(map(get, tokens))
    if None in infos:
        infos = [info or get(tok) or _token_info(tok, tables) for info, tok in zip(infos, tokens, strict=True)]
    return infos  # type: ignore[return-value]


def _match_tokens(infos: list[TokenInfo], trie: Trie) -> list[tuple[int, int, Entry]]:
    """Leftmost-longest, non-overlapping name matches over the tokens: (first token, end token, entry)."""
    variants = list(map(itemgetter(0), infos))
    n = len(variants)
    out = []
    free = 0
    for i in compress(range(n), map(itemgetter(1), infos)):
        if i < free:
            continue
        best_len = 0
        best: Entry | None = None
        for v in variants[i]:
            node = trie.get(v)
            if node is None:
                continue
            frontier = [(node, i + 1)]
            while frontier:
                node, j = frontier.pop()
                entry = node.get(END)
                if entry is not None and j - i > best_len:
                    best_len, best = j - i, entry
                if j < n:
                    for v2 in variants[j]:
                        child = node.get(v2)
                        if child is not None:
                            frontier.append((child, j + 1))
        if best is not None:
            out.append((i, i + best_len, best))
            free = i + best_len
    return out


def _link_spans(text: str) -> list[tuple[int, int]]:
    """Merged, sorted spans of e-mail addresses, handles and URLs: names inside them are not mentions."""
    spans = []
    for marker in ("@", "://", "www.", "WWW."):
        at = text.find(marker)
        while at != -1:
            m = _NOT_SPACE_RE.match(text, at)
            end = m.end() if m else at + len(marker)
            start = at
            while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "._+'-"):
                start -= 1
            spans.append((start, end))
            at = text.find(marker, end)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _in_link(links: list[tuple[int, int]], link_starts: list[int], start: int, end: int) -> bool:
    k = bisect.bisect_left(link_starts, end) - 1
    return k >= 0 and links[k][1] > start


def _scan(text: str, tables: CountryTables) -> list[_Hit]:
    """Every name in a prepared text, outside e-mail addresses and URLs, with its phrase span if any."""
    pieces = _SPLIT_RE.split(text)  # separator, token, separator, token, ..., separator
    tokens = pieces[1::2]
    offsets = list(accumulate(map(len, pieces)))  # token i starts at offsets[2 * i]
    infos = _infos(tokens, tables)
    found: list[tuple[int, int, Entry, int]] = [
        (offsets[2 * a], offsets[2 * b - 1], entry, a) for a, b, entry in _match_tokens(infos, tables.trie)
    ]
    if tables.zh_re is not None and CJK_RE.search(text):
        found.extend((m.start(), m.end(), tables.zh[m.group()], -1) for m in tables.zh_re.finditer(text))
        found.sort(key=lambda r: r[0])
    links = _link_spans(text)
    link_starts = [a for a, _ in links]
    ctx = PhraseContext(text)
    hits = []
    head_tokens: list[int] | None = None
    for start, end, entry, first in found:
        if entry.target is None or (links and _in_link(links, link_starts, start, end)):
            continue
        if entry.weak and text[start].islower():
            continue  # "того же мнения", "jordan" in a handle: only the capitalised name counts
        hit = _Hit(entry.target, entry.kind, start, end, entry.weak, entry.office)
        if entry.office:
            hit.phrase = (start, end)
        else:
            heads = []
            if first > 0:
                if head_tokens is None:
                    head_tokens = list(compress(range(len(infos)), map(itemgetter(2), infos)))
                k = bisect.bisect_left(head_tokens, first)
                lo = start - 140
                heads = [offsets[2 * t] for t in head_tokens[max(0, k - 12) : k] if offsets[2 * t] >= lo]
            head = ctx.before(heads, start) if heads else None
            if head is not None:
                hit.phrase = (head, end)
            else:
                stop = ctx.after(end, first < 0)
                hit.phrase = (start, stop) if stop is not None else None
        hits.append(hit)
    return hits


def _pick(hits: list[_Hit]) -> tuple[str, list[_Hit]]:
    """The most frequent name among the hits; the earliest first occurrence wins a tie."""
    groups: dict[str, list[_Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.name, []).append(hit)
    name = max(groups, key=lambda k: (len(groups[k]), -groups[k][0].start))
    return name, groups[name]


def _quote(text: str, start: int, end: int) -> str:
    snippet = " ".join(text[start:end].split())
    return snippet if len(snippet) <= 120 else snippet[:117] + "…"


def _times(n: int) -> str:
    return f" ×{n}" if n > 1 else ""


# --------------------------------------------------------------------------- sender domain


_RESERVED_TLDS = ("example", "test", "invalid", "localhost")  # RFC 2606: documentation and test names


def _from_domain(domain: str, tables: CountryTables) -> tuple[str | None, str]:
    """Resolve a sender domain by a name in its labels, its country-code TLD, or an ISO code after a dash."""
    rules = tables.domains
    domain = domain.strip().lower().rsplit("@", 1)[-1].strip(".")
    labels = [lab for lab in domain.split(".") if lab]
    if len(labels) > 2 and labels[-1] in _RESERVED_TLDS:  # "onapi.gob.do.example" reads as "onapi.gob.do"
        labels = labels[:-1]
    if not labels:
        return None, ""
    tld, inner = labels[-1], labels[:-1]
    for label in inner:
        parts = [p for p in re.split(r"[-_]", label) if p]
        for size in range(len(parts), 0, -1):
            for i in range(len(parts) - size + 1):
                hit = tables.slugs.get("".join(parts[i : i + size]))
                if hit:
                    return hit, f"'{'-'.join(parts[i : i + size])}'"
    if len(tld) == 2 and tld not in rules.generic_tlds:
        code = rules.tld_codes.get(tld, tld.upper())
        official = len(inner) >= 2 and inner[-1] in rules.official_slds
        if code in tables.codes and (tld not in rules.vanity_tlds or official):
            return tables.codes[code], f".{tld}"
    for pos, label in enumerate(inner):
        parts = re.split(r"[-_]", label)
        for k, part in enumerate(parts):
            code = rules.tld_codes.get(part, part.upper())
            if len(part) == 2 and (k > 0 or pos > 0) and part not in rules.words_not_codes and code in tables.codes:
                return tables.codes[code], f"'{part}'"
    return None, ""


# --------------------------------------------------------------------------- public API


def find_country_or_org(text: str, tables: CountryTables, *, sender_domain: str = "") -> tuple[str | None, list[str]]:
    """Name the member state or organisation a message speaks for, with the signals behind the decision."""
    host_name = tables.host
    text = prepare(text)
    hits = _scan(text, tables) if text else []
    signals: list[str] = []
    name: str | None = None

    phrased = [h for h in hits if h.phrase]
    orgs = [h for h in hits if h.kind == "org"]
    mentions = [h for h in hits if h.kind == "country" and not h.weak and h.name != host_name]
    if phrased:
        name, group = _pick(phrased)
        first = group[0]
        assert first.phrase is not None
        label = "office name" if first.office else "mission phrase"
        signals.append(f"{label}: '{_quote(text, *first.phrase)}'{_times(len(group))}")
    elif orgs and (not mentions or len(_pick(orgs)[1]) >= len(_pick(mentions)[1])):
        # an organisation named in passing ("the EU's AI Act") does not outweigh a country named more often
        name, group = _pick(orgs)
        signals.append(f"organisation: '{_quote(text, group[0].start, group[0].end)}'{_times(len(group))}")
    elif mentions:
        name, group = _pick(mentions)
        signals.append(f"mention: '{_quote(text, group[0].start, group[0].end)}' ×{len(group)}")
        others: dict[str, list[_Hit]] = {}
        for hit in mentions:
            if hit.name != name:
                others.setdefault(hit.name, []).append(hit)
        for other in sorted(others.values(), key=lambda g: (-len(g), g[0].start))[:2]:
            signals.append(f"also mentioned: '{_quote(text, other[0].start, other[0].end)}' ×{len(other)}")

    host = [h for h in hits if h.name == host_name and not h.phrase]
    if host and name != host_name:
        signals.append(f"ignored host context: '{_quote(text, host[0].start, host[0].end)}' ×{len(host)}")

    if sender_domain:
        by_domain, how = _from_domain(sender_domain, tables)
        if name is None and by_domain:
            name = by_domain
            signals.insert(0, f"sender domain: {sender_domain} ({how})")
        elif by_domain:
            verdict = "agrees" if by_domain == name else f"points to {by_domain}"
            signals.append(f"sender domain {verdict}: {sender_domain} ({how})")
    if name is None:
        signals.append("no country or organisation found")
    return name, signals


def resolve_name(name: str, tables: CountryTables) -> str | None:
    """One name in any of the six languages, any variant or an ISO code -> the canonical English name."""
    text = prepare(name).strip().strip(".,;:\"'«»“”")
    if not text:
        return None
    if text.isascii() and text.isalpha() and text.isupper() and len(text) in (2, 3) and text in tables.codes:
        return tables.codes[text]
    if CJK_RE.search(text):
        entry = tables.zh.get(re.sub(r"\s+", "", text))
        return entry.target if entry else None
    words = name_words(text)
    for skip in (0, 1):  # allow one leading article: "the Philippines", "la France", "el Perú"
        if skip and (not words or words[0] not in tables.lookup_articles):
            break
        rest = _infos(words[skip:], tables)
        found = _match_tokens(rest, tables.trie)
        if len(found) == 1 and found[0][0] == 0 and found[0][1] == len(rest) and found[0][2].target:
            return found[0][2].target
    return None


def canonical_names(tables: CountryTables) -> list[str]:
    """Every name `find_country_or_org` and `resolve_name` can return, sorted."""
    return list(tables.names)
