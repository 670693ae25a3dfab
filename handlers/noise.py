"""Noise first, by structure: bounces, automatic replies, bulk and list mail, spam and phishing.

Each check reads headers and structure before words, returns a :class:`Verdict` with the signals that
produced it, or None. Order matters and is fixed in :data:`CHECKS`: a DSN is a bounce even though it is
also automatic; an out-of-office that carries ``Precedence: bulk`` is an automatic reply, not a newsletter.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from handlers.kind import Kind
from parsers.model import ParsedMessage

KINDS = (Kind("auto_reply", "robot"), Kind("bounce", "robot"), Kind("spam", "robot"))


@dataclass
class Verdict:
    """A category with its confidence and the human-readable reasons for it."""

    category: str
    confidence: float
    signals: list[str] = field(default_factory=list)


def _header(parsed: ParsedMessage, name: str) -> str:
    values = parsed.headers.get(name) or []
    return values[0].strip() if values else ""


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower().strip(">")


def _base_domain(domain: str) -> str:
    parts = domain.split(".")
    return ".".join(parts[-2:]) if len(parts) >= 2 else domain


def _lower_compile(*parts: str) -> re.Pattern[str]:
    """A pattern matched against lower-cased text (much faster than IGNORECASE on Unicode)."""
    return re.compile("".join(parts).lower())


ROBOT_SENDER = re.compile(  # programs, not people: never acknowledged
    r"^(?:mailer-daemon|postmaster|mail-daemon|mdaemon|no-?reply|do-?not-?reply|donotreply|bounces?|listserv|"
    r"majordomo)(?:[+.-][^@]*)?@|^bounce-[^@]*@|^[^@]*-(?:bounces|request|owner)@",
    re.IGNORECASE,
)
DAEMON_SENDER = re.compile(r"^(?:mailer-daemon|postmaster|mail-daemon|mailer|bounces?|mdaemon)(?:[+.-].*)?@", re.I)
BOUNCE_SUBJECT = _lower_compile(
    r"undeliver|undelivered mail|delivery status notification|delivery (?:has )?fail|mail delivery (?:failed|"
    r"subsystem|system)|returned mail|failure notice|delivery report|non remis|non distribu|impossible de "
    r"remettre|no se puede entregar|no entregado|error de entrega|недоставлен|не доставлен|отчет о доставке|"
    r"لم يتم التسليم|فشل التسليم|تعذر تسليم|退信|无法投递|未能送达|投递失败|系统退信|delivery delayed|"
    r"delayed mail|\(delay\)|warning: message .* delayed|remise différée|retraso en la entrega|задержка доставки",
)
DSN_BODY = _lower_compile(
    r"final-recipient:|diagnostic-code:|status: [45]\.\d+\.\d+|action: (?:failed|delayed)|"
    r"\b(?:550|551|552|553|554|450|451|452)[ -][45]\.\d\.\d|could not be delivered|couldn't be delivered|"
    r"delivery to the following recipients? failed|this is the mail system at host|"
    r"message could not be delivered|permanent error|user unknown|mailbox unavailable|no such user|"
    r"n'a pas pu être remis|no se pudo entregar|не может быть доставлено|не удалось доставить|"
    r"تعذر توصيل|لم يتم توصيل|无法送达|无法投递|退回",
)


def check_bounce(parsed: ParsedMessage, own: str) -> Verdict | None:
    """Delivery status notifications, delay warnings and backscatter."""
    signals: list[str] = []
    if "report-type=delivery-status" in parsed.content_type.lower() or parsed.delivery_status:
        signals.append("structure: multipart/report; report-type=delivery-status")
    sender = parsed.sender.address if parsed.sender else ""
    daemon = bool(DAEMON_SENDER.match(sender)) or "mail delivery" in (
        parsed.sender.name.lower() if parsed.sender else ""
    )
    if daemon:
        signals.append(f"sender: {sender or 'mail delivery system'}")
    if "return-path" in parsed.headers and _header(parsed, "return-path") in ("<>", ""):
        signals.append("header: Return-Path <>")
    subject = parsed.subject.lower()
    if BOUNCE_SUBJECT.search(subject):
        signals.append(f"subject: {BOUNCE_SUBJECT.search(subject).group(0)!r}")  # type: ignore[union-attr]
    body_hit = DSN_BODY.search(own[:5000].lower()) or DSN_BODY.search("\n".join(parsed.forwarded)[:3000].lower())
    if body_hit:
        signals.append(f"body: DSN wording {body_hit.group(0)!r}")
    if "x-failed-recipients" in parsed.headers:
        signals.append("header: X-Failed-Recipients")
    structural = signals and signals[0].startswith("structure")
    strong = (
        structural
        or (daemon and len(signals) >= 2)
        or (any(s.startswith("subject") for s in signals) and bool(body_hit))
    )
    if not strong:
        return None
    return Verdict("bounce", 0.99 if structural else 0.9, signals)


AUTO_SUBJECT = _lower_compile(
    r"^\s*(?:automatic reply|auto(?:matic)?[ -]?reply|autoreply|auto[ -]?response|out of (?:the )?office|"
    r"ooo\b|absent|absence|réponse automatique|reponse automatique|respuesta automática|respuesta automatica|"
    r"fuera de (?:la )?oficina|автоответ|автоматический ответ|нет на месте|رد تلقائي|رد آلي|الرد التلقائي|"
    r"خارج المكتب|自动回复|自動回覆|自动答复|自動回复|不在办公室|休假|read:|lu\s?:|leído:|leido:|прочитано:|"
    r"已读:|已讀:|تمت القراءة|read receipt|accusé de lecture|confirmación de lectura|уведомление о прочтении)",
)
# prefixes that mail clients put on automatic answers; people do not write them themselves
AUTO_SUBJECT_STRONG = _lower_compile(
    r"^\s*(?:automatic reply|auto(?:matic)?[ -]?reply|autoreply|auto[ -]?response|réponse automatique|"
    r"reponse automatique|respuesta automática|respuesta automatica|автоответ|автоматический ответ|رد تلقائي|"
    r"رد آلي|الرد التلقائي|自动回复|自動回覆|自动答复|自動回复)\s*[:：]",
)
AUTO_BODY = _lower_compile(
    r"i (?:am|will be) (?:currently )?(?:out of (?:the )?office|away|on (?:annual |sick )?leave|travell?ing)|"
    r"i am away from|(?:je suis|je serai) (?:actuellement )?(?:absent|en congé|en déplacement)|"
    r"(?:estoy|estaré|estare) (?:fuera|ausente|de vacaciones)|(?:я )?(?:нахожусь|буду) (?:в отпуске|в командировке|"
    r"вне офиса)|отсутствую|سأكون خارج المكتب|أنا خارج المكتب|في إجازة|أنا في إجازة|我(?:目前)?(?:正在)?休假|"
    r"我(?:目前)?不在办公室|this is an automated (?:message|response|reply)|do not reply to this (?:e-?mail|message)|"
    r"we have received your (?:e-?mail|enquiry|inquiry|message|request)|your (?:request|ticket) (?:has been|was) "
    r"(?:received|logged|created)|ticket (?:number|#|no\.?)|nous avons bien reçu votre (?:message|demande|courriel)|"
    r"hemos recibido su (?:mensaje|solicitud|correo)|ваше (?:обращение|письмо|сообщение) (?:получено|зарегистрировано)|"
    r"تم استلام (?:رسالتكم|رسالتك|طلبكم)|您的(?:邮件|来信|请求)已(?:收到|被接收)|这是一封自动|此邮件为系统自动|"
    r"ceci est un message automatique|este es un mensaje automático|это автоматическое сообщение|هذه رسالة آلية|"
    r"i(?:'m| am) away|(?:on|from) (?:annual |parental |maternity )?leave|will not be forwarded|limited access to "
    r"(?:my )?e-?mail|back in the office|return(?:ing)? to the office|je serai de retour|de retour le|"
    r"accès limité à (?:ma|mes) messagerie|regresaré|estaré de vuelta|acceso limitado al correo|вернусь|"
    r"нахожусь в отпуске|سأعود|سأكون في إجازة|休假|其间不(?:查看|处理)邮件|恢复办公|返回办公室|"
    r"i am (?:currently )?on (?:a |an official )?mission|on official (?:mission|travel) until|"
    r"(?:je suis|je serai) (?:actuellement )?en mission|(?:me encuentro|estoy|estaré) (?:fuera de la oficina|"
    r"de viaje|en misión)|нахожусь в (?:служебной )?командировке|я в отпуске|в отпуске до|"
    r"(?:أنا|إنني) (?:حاليا |حالياً )?في (?:مهمة|إجازة)|في مهمة رسمية حتى|本人于.{0,20}出差|我(?:正在|目前)?出差|"
    r"出差期间|automatically generated|generated automatically|généré automatiquement|"
    r"generado automáticamente|сформировано автоматически|(?:邮件|信息)为自动生成",
)


def check_auto_reply(parsed: ParsedMessage, own: str) -> Verdict | None:
    """Out-of-office and other automatic answers, ticket receipts, read receipts."""
    signals: list[str] = []
    auto = _header(parsed, "auto-submitted").lower()
    if auto and not auto.startswith("no"):
        signals.append(f"header: Auto-Submitted: {auto}")
    for name in ("x-autoreply", "x-autorespond", "x-autogenerated", "x-ms-exchange-inbox-rules-loop"):
        if name in parsed.headers:
            signals.append(f"header: {name}")
    if "report-type=disposition-notification" in parsed.content_type.lower():
        signals.append("structure: read receipt (disposition-notification)")
    subject = parsed.subject.lower()
    strong_subject = AUTO_SUBJECT_STRONG.search(subject)
    if AUTO_SUBJECT.search(subject):
        signals.append(f"subject: {AUTO_SUBJECT.search(subject).group(0).strip()!r}")  # type: ignore[union-attr]
    body_hit = AUTO_BODY.search(own[:3000].lower())
    if body_hit:
        signals.append(f"body: {body_hit.group(0)!r}")
    if not signals or (signals == [f"header: Auto-Submitted: {auto}"] and auto.startswith("auto-generated")):
        # RFC 3834: "auto-generated" is a machine's message, not a reply (a document system sending a
        # submission); the words decide what it is, and triage never answers it
        return None
    header_based = any(s.startswith(("header", "structure")) for s in signals)
    if header_based or len(signals) >= 2:
        return Verdict("auto_reply", 0.97 if header_based else 0.9, signals)
    if strong_subject:  # "Automatic reply:" with no header to say so: the client's own prefix
        return Verdict("auto_reply", 0.85, signals)
    if body_hit and len(own) < 1500:
        return Verdict("auto_reply", 0.75, signals)
    return None


PRECEDENCE_BULK = re.compile(r"^(?:bulk|list|junk)$", re.I)
SCAM = _lower_compile(
    r"lottery|you have won|beneficiary|inheritance|next of kin|compensation payment|processing fee|"
    r"strict confidence|verify your (?:account|password|mailbox)|(?:mailbox|storage) quota|mot de passe (?:de "
    r"votre compte )?expire|succession|héritier|frais de dossier|coordonnées bancaires|premio|sorteo|ganador|"
    r"datos bancarios|выигрыш|наследств\w*|中奖|صندوق البريد ممتلئ|"
    r"(?:USD|EUR|CHF|US\$|€)\s?\d{1,3}(?:[ ,.]\d{3}){2,}|\d{1,3}(?:[ ,.]\d{3}){2,}(?:[.,]\d{2})?\s?(?:EUR|USD|€|euros?|"
    r"dollars)",
)
LURE = _lower_compile(
    r"verify your (?:account|password|mailbox|identity)|(?:mailbox|storage) (?:quota|is full)|password (?:will )?"
    r"expire|confirm your (?:password|credentials|account)|account (?:will be )?(?:suspended|deactivated|closed)|"
    r"unusual sign-in|click (?:here|below) to (?:verify|restore|keep|update|validate)|invoice (?:attached|overdue)|"
    r"payment (?:overdue|pending|failed)|wire transfer|western union|lottery|you have won|beneficiary|inheritance|"
    r"next of kin|bitcoin|crypto(?:currency)? invest|guaranteed returns|million (?:us )?dollars|"
    r"(?:us)?\$\s?\d{1,3}(?:,\d{3}){2,}|vérifiez votre (?:compte|mot de passe)|boîte (?:aux lettres|mail) (?:est )?"
    r"pleine|verifique su (?:cuenta|contraseña)|buzón (?:está )?lleno|подтвердите (?:пароль|учетную запись)|"
    r"ящик переполнен|выигрыш|تحقق من (?:حسابك|كلمة المرور)|صندوق البريد ممتلئ|验证您的(?:账户|密码)|邮箱已满|"
    r"中奖|seo services|backlinks|rank your website|web design services|buy followers|paid speaking slot|"
    r"sponsored (?:speaking|keynote)|pay to (?:speak|present)|exhibitor package|overdue|invoice|settle (?:it|the|"
    r"your)|facture|impayée|recouvrement|счёт на оплату|счет на оплату|оплат\w+ (?:счёт|счет)|factura|pago "
    r"pendiente|document (?:pending|awaiting) (?:signature|review)|pendiente de firma|revisar documento|"
    r"mot de passe (?:de votre compte )?expire|contraseña (?:caduca|expira)|пароль истекает|succession|héritier|"
    r"bénéficiaire|beneficiario|premio|sorteo|ganador|compensation payment|processing fee|frais de dossier|"
    r"coordonnées bancaires|datos bancarios|банковски\w+ реквизит\w*|strict confidence|"
    r"(?:USD|EUR|CHF|US\$|€)\s?\d{1,3}(?:[ ,.]\d{3}){2,}|\d{1,3}(?:[ ,.]\d{3}){2,}(?:[.,]\d{2})?\s?(?:EUR|USD|€|euros?|"
    r"dollars)",
)
_LINK = re.compile(r"https?://", re.I)


def _auth_failures(parsed: ParsedMessage) -> list[str]:
    found: list[str] = []
    for value in parsed.headers.get("authentication-results", []):
        for method, result in re.findall(r"\b(spf|dkim|dmarc)\s*=\s*(\w+)", value.lower()):
            if result in ("fail", "softfail", "permerror") and f"{method}={result}" not in found:
                found.append(f"{method}={result}")
    return found


def check_bulk_or_spam(parsed: ParsedMessage, own: str) -> Verdict | None:
    """Mailing lists and newsletters (bulk, even on topic), spam, scams and phishing."""
    bulk: list[str] = []
    precedence = _header(parsed, "precedence")
    if PRECEDENCE_BULK.match(precedence):
        bulk.append(f"header: Precedence: {precedence}")
    for name in ("list-id", "list-unsubscribe", "list-post", "feedback-id"):
        if name in parsed.headers:
            bulk.append(f"header: {name}")
    if bulk:
        return Verdict("spam", 0.95, ["bulk mail", *bulk])

    signals: list[str] = []
    failures = _auth_failures(parsed)
    if failures:
        signals.append("authentication: " + ", ".join(failures))
    sender = parsed.sender.address if parsed.sender else ""
    reply_domains = {_base_domain(_domain(a.address)) for a in parsed.reply_to}
    if sender and reply_domains and _base_domain(_domain(sender)) not in reply_domains:
        signals.append(f"reply-to elsewhere: {', '.join(sorted(reply_domains))}")
    if "x-spam-flag" in parsed.headers and _header(parsed, "x-spam-flag").lower().startswith("yes"):
        signals.append("header: X-Spam-Flag: YES")
    text = (own or parsed.text)[:3000].lower()
    subject = parsed.subject.lower()
    lure = LURE.search(text) or LURE.search(subject)
    if lure:
        signals.append(f"lure: {lure.group(0)!r}")
    links = len(_LINK.findall(parsed.html or "")) or len(_LINK.findall(text))
    words = max(1, len(text.split()))
    if links >= 5 and links * 25 > words:
        signals.append(f"link-heavy: {links} links for {words} words")
    scam = SCAM.search(text) or SCAM.search(subject)
    if scam:
        signals.append(f"scam: {scam.group(0)!r}")
    score = (3.0 if scam else 2.0 if lure else 0.0) + len(failures) * 0.75
    score += 1.0 if any(s.startswith("reply-to") for s in signals) else 0.0
    score += 1.0 if any(s.startswith("link-heavy") for s in signals) else 0.0
    score += 3.0 if any(s.startswith("header: X-Spam") for s in signals) else 0.0
    if score >= 2.5:
        return Verdict("spam", round(min(0.99, 0.55 + 0.1 * score), 3), signals)
    return None


CHECKS: tuple[Callable[[ParsedMessage, str], Verdict | None], ...] = (
    check_bounce,
    check_auto_reply,
    check_bulk_or_spam,
)


def classify_noise(parsed: ParsedMessage, own: str) -> Verdict | None:
    """The first structural verdict, in the order of :data:`CHECKS`."""
    for check in CHECKS:
        verdict = check(parsed, own)
        if verdict is not None:
            return verdict
    return None
