"""The sender's own new text: without quoted replies, forwarded messages and signatures, in six languages.

A reply that quotes the whole circular mentions every category, so triage reads only what the sender
wrote. ``split_own_text`` cuts at the first reply or forward header (Gmail, Outlook, Apple Mail, Thunderbird
in the six languages), drops ``>`` lines and the signature, and returns the rest apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_REPLY_SEPARATOR = re.compile(
    r"^\s*[-_=*]{2,}\s*(?:original message|message d'origine|message original|mensaje original|"
    r"mensagem original|исходное сообщение|исходное письмо|الرسالة الأصلية|原始邮件|原始郵件|原邮件)\s*[-_=*]{2,}",
    re.IGNORECASE,
)
_FORWARD_SEPARATOR = re.compile(
    r"^\s*[-_=*>]{2,}\s*(?:forwarded message|message transféré|message transfere|mensaje reenviado|"
    r"пересылаемое сообщение|переадресованное сообщение|перенаправленное сообщение|الرسالة المعاد توجيهها|"
    r"رسالة معاد توجيهها|رسالة محولة|الرسالة المحولة|转发的邮件|轉寄的郵件|转发邮件|转发的消息|begin forwarded message)"
    r"\s*:?\s*[-_=*<]*",
    re.IGNORECASE,
)
_WROTE = re.compile(r"(?:\bwrote|a écrit|escribió|пишет|написал(?:\(а\)|а)?|كتب|写道|寫道)\s*[:：]\s*$", re.IGNORECASE)
_WROTE_START = re.compile(r"^\s*(?:on|le|el|в|في|于|在)\b", re.IGNORECASE)
_HEADER_FROM = re.compile(r"^\s*\*?(?:from|de|von|от|من|发件人|寄件者|發件人)\s*\*?\s*[:：]", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\s*\*?(?:sent|date|to|subject|envoyé|envoye|à|objet|enviado|fecha|para|asunto|отправлено|дата|кому|тема|"
    r"أرسل|أرسلت|التاريخ|إلى|الموضوع|发送时间|日期|收件人|主题|寄件日期|主旨|時間)\s*\*?\s*[:：]",
    re.IGNORECASE,
)
_OUTLOOK_RULE = re.compile(r"^\s*_{20,}\s*$")
_SIGNATURE = re.compile(r"^(?:--|—|__)\s*$")
_MOBILE = re.compile(
    r"^\s*(?:sent from my|envoyé de mon|enviado desde mi|отправлено с|تم الإرسال من|发自我的|從我的)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TextParts:
    """The message text cut in two: what the sender wrote now, and what it quotes or forwards."""

    own: str
    quoted: str
    forwarded: bool


def _is_header_block(lines: list[str], i: int) -> bool:
    if not _HEADER_FROM.match(lines[i]):
        return False
    following = [line for line in lines[i + 1 : i + 6] if line.strip()]
    return sum(bool(_HEADER_NEXT.match(line)) for line in following) >= 2


def split_own_text(text: str) -> TextParts:
    """Split ``text`` into the sender's own new text and the quoted/forwarded rest."""
    lines = text.replace("\r\n", "\n").split("\n")
    cut = len(lines)
    forwarded = False
    for i, line in enumerate(lines):
        if _FORWARD_SEPARATOR.match(line):
            cut, forwarded = i, True
            break
        if _REPLY_SEPARATOR.match(line) or _OUTLOOK_RULE.match(line) or _is_header_block(lines, i):
            cut = i
            break
        if _WROTE.search(line) and (_WROTE_START.match(line) or (i > 0 and _WROTE_START.match(lines[i - 1]))):
            cut = i - 1 if i > 0 and _WROTE_START.match(lines[i - 1]) and not _WROTE_START.match(line) else i
            break
    own_lines: list[str] = []
    for line in lines[:cut]:
        if _SIGNATURE.match(line):
            break
        if line.lstrip().startswith(">") or _MOBILE.match(line):
            continue
        own_lines.append(line)
    quoted = "\n".join([line for line in lines[:cut] if line.lstrip().startswith(">")] + lines[cut:])
    return TextParts("\n".join(own_lines).strip(), quoted.strip(), forwarded)
