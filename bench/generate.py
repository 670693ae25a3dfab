"""Deterministic generator of realistic e-mail for benchmarking the IMAP ingestion service.

The messages imitate what reaches frontier.tech@wipo.int around the 12th session of the WIPO
Conversation on IP and Frontier Technologies (28-29 October 2025): delegates, IP offices and
missions writing in Arabic, Chinese, English, French, Russian and Spanish (plus the odd Japanese
sender in iso-2022-jp), and a few robots (out-of-office replies, delivery-status bounces,
newsletters, calendar replies).

Everything is drawn from ``random.Random(seed)``: the same N and seed always give the same
bytes, and the same seed with another N gives the same senders, subjects, structures and
Message-IDs, only spread differently over the period (messages are dated in order, so that
IMAP UIDs follow arrival).  What varies:

* size: about 70 % of messages are 3-15 KiB of text or text+HTML, 20 % are 20-200 KiB with
  attachments, 8 % 200 KiB-1 MiB and 2 % 1 MiB-1.9 MB; none exceeds 1,990,000 bytes;
* charsets, with bytes really encoded in them: utf-8 (most), koi8-r, windows-1251, gb2312,
  GBK, gb18030, big5, windows-1256, iso-8859-1, windows-1252, us-ascii and iso-2022-jp; a few
  iso-8859-1 parts hold windows-1252 bytes (curly quotes, dashes), as Outlook sends them;
  bodies in quoted-printable, base64, 8bit and 7bit; RFC 2047 subjects and display names in B
  and Q, in the body's charset as most clients do;
* structures: text/plain, multipart/alternative, HTML only, multipart/mixed with PDF, DOCX,
  XLSX, PPTX, JPEG, PNG, ZIP, TNEF and message/rfc822 attachments (RFC 2231 and RFC 2047
  non-ASCII file names), multipart/related with inline images, multipart/report bounces,
  Auto-Submitted replies, List-Id newsletters, text/calendar replies;
* headers of the sending client (Outlook/Exchange, Gmail, Apple Mail, Thunderbird, Foxmail,
  Coremail, Yandex, Mail.ru), 1-3 Received hops, Date in September-October 2025 with the
  sender's offset, and threads whose replies carry In-Reply-To/References and quote their parent.

Messages are assembled with ``email.message.EmailMessage`` (already folded header values are
stored with ``set_raw``; bodies are encoded with binascii/base64).  Text messages are built
twice: once without paragraphs to measure headers, quote and signature, then with paragraphs
filling the rest of the target size.  Attachments are written as placeholders and replaced
afterwards by slices of one base64 text encoded once per run, so a megabyte attachment costs a
memory copy, not a megabyte of random numbers.

Usage::

    python bench/generate.py N OUTDIR [--seed S]

writes N ``.eml`` files to OUTDIR and prints the size distribution.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import html
import itertools
import math
import random
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, formataddr
from pathlib import Path
from urllib.parse import quote

__all__ = ["generate_messages", "main"]


class _PrefoldedPolicy(EmailPolicy):
    """policy.default with CRLF line endings, for header values stored already folded.

    Values are stored with ``set_raw`` and written verbatim (``max_line_length`` 998 keeps the
    policy from refolding, which would re-encode RFC 2047 words in UTF-8), and read back as
    plain strings: the generator asks for Content-Type and Content-Transfer-Encoding several
    times per part, and parsing them into header objects each time would cost more than the
    rest of the generation.
    """

    def header_fetch_parse(self, name: str, value: str) -> str:  # type: ignore[override]
        return value.replace("\n", "")


POLICY = _PrefoldedPolicy(linesep="\r\n", max_line_length=998)
MAILBOX = "frontier.tech@wipo.int"
KIB = 1024
MIB = 1024 * KIB
MAX_SIZE = 1_990_000  # hard ceiling for one message: below 2 MB however a MB is counted

# (share, low, high) of the target size; the target is log-uniform inside its bucket.
SIZE_BUCKETS: tuple[tuple[float, int, int], ...] = (
    (0.70, 3 * KIB, 15 * KIB),
    (0.20, 20 * KIB, 200 * KIB),
    (0.08, 200 * KIB, MIB),
    (0.02, MIB, MAX_SIZE),
)

# Sender offsets run from -07:00 to +13:00: these bounds keep every local Date in Sept-Oct 2025.
START = datetime(2025, 9, 1, 7, 0, tzinfo=UTC)
END = datetime(2025, 10, 31, 10, 0, tzinfo=UTC)
EU_DST_END = datetime(2025, 10, 26, 1, 0, tzinfo=UTC)

BLOB_LINES = 42_000  # 57 raw bytes per base64 line: about 2.3 MiB of random attachment data
MAX_LINE = 78

# Characters that legacy charsets often lack, and what a mail client would put instead.
_FALLBACK = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2026": "...",
        "\u00a0": " ",
        "\u20ac": "EUR",
        "\u0153": "oe",
        "\u2116": "No.",
        "\u00b0": "o",
        "\u00ba": "o",
        "\u00e9": "e",
        "\u00e8": "e",
        "\u00ea": "e",
        "\u00e0": "a",
        "\u00e7": "c",
        "\u00f4": "o",
        "\u00ee": "i",
        "\u00e1": "a",
        "\u00ed": "i",
        "\u00f3": "o",
        "\u00fa": "u",
        "\u00f1": "n",
        "\u00c9": "E",
        "\u00c0": "A",
    }
)
# The subset used for charsets that do have accented Latin letters (iso-8859-1 and friends).
_PUNCT_ONLY = {k: v for k, v in _FALLBACK.items() if k > 0x2000 or k in (0xAB, 0xBB, 0xA0, 0x153)}


# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lang:
    """Everything needed to write mail in one language."""

    code: str
    weight: float
    charsets: tuple[tuple[str, str, float], ...]  # (MIME label, Python codec, weight)
    first: tuple[tuple[str, str], ...]  # (native, latin); "a|b" = masculine|feminine surname
    last: tuple[tuple[str, str], ...]
    family_first: bool  # native display "LAST First"
    domains: tuple[tuple[str, int, bool, str], ...]  # (domain, UTC offset min, EU DST, client)
    greetings: tuple[str, ...]
    closings: tuple[str, ...]
    subjects: tuple[str, ...]
    sentences: tuple[str, ...]
    announce: tuple[str, ...]
    ooo: tuple[str, ...]
    countries: tuple[str, ...]
    topics: tuple[str, ...]
    roles: tuple[str, ...]
    orgs: tuple[str, ...]
    cities: tuple[str, ...]
    months: tuple[str, ...]  # "in <month>" form, January..September
    sessions: tuple[str, ...]
    dates: tuple[str, ...]  # ways of writing 28-29 October 2025
    langnames: tuple[str, ...]
    date_fmt: Callable[[int, int], str]  # (day, month) -> "28 October 2025"
    wrote: str  # attribution line of a quoted reply
    header_labels: tuple[str, str, str, str, str]  # Outlook From/Sent/To/Cc/Subject
    original: str  # "-----Original Message-----"
    reply: tuple[str, ...]
    forward: tuple[str, ...]
    auto_reply: str
    accepted: str
    disclaimer: str
    attachment_names: tuple[str, ...]
    wipo_staff: tuple[str, ...]
    cjk: bool = False
    rtl: bool = False
    sentence_sep: str = " "


def _en_date(day: int, month: int) -> str:
    return f"{day} {('September', 'October', 'November')[month - 9]} 2025"


def _fr_date(day: int, month: int) -> str:
    d = "1er" if day == 1 else str(day)
    return f"{d} {('septembre', 'octobre', 'novembre')[month - 9]} 2025"


def _es_date(day: int, month: int) -> str:
    return f"{day} de {('septiembre', 'octubre', 'noviembre')[month - 9]} de 2025"


def _ru_date(day: int, month: int) -> str:
    return f"{day} {('сентября', 'октября', 'ноября')[month - 9]} 2025 г."


def _zh_date(day: int, month: int) -> str:
    return f"2025年{month}月{day}日"


def _ar_date(day: int, month: int) -> str:
    return f"{day} {('سبتمبر', 'أكتوبر', 'نوفمبر')[month - 9]} 2025"


EN = Lang(
    code="en",
    weight=38,
    charsets=(
        ("utf-8", "utf-8", 60),
        ("us-ascii", "ascii", 15),
        ("iso-8859-1", "iso-8859-1", 10),
        ("windows-1252", "cp1252", 10),
        ("iso-8859-1", "cp1252", 5),
    ),
    first=(
        ("James", "James"),
        ("Sarah", "Sarah"),
        ("Michael", "Michael"),
        ("Emily", "Emily"),
        ("David", "David"),
        ("Olivia", "Olivia"),
        ("Daniel", "Daniel"),
        ("Grace", "Grace"),
        ("Kwame", "Kwame"),
        ("Priya", "Priya"),
        ("Thomas", "Thomas"),
        ("Aisha", "Aisha"),
        ("Wanjiru", "Wanjiru"),
        ("Rajesh", "Rajesh"),
        ("Chloe", "Chloe"),
        ("Samuel", "Samuel"),
    ),
    last=(
        ("Smith", "Smith"),
        ("Okafor", "Okafor"),
        ("Patel", "Patel"),
        ("Mwangi", "Mwangi"),
        ("Thompson", "Thompson"),
        ("Nguyen", "Nguyen"),
        ("O'Brien", "OBrien"),
        ("Mensah", "Mensah"),
        ("Tan", "Tan"),
        ("Williams", "Williams"),
        ("Sharma", "Sharma"),
        ("Campbell", "Campbell"),
        ("Adeyemi", "Adeyemi"),
        ("Walker", "Walker"),
    ),
    family_first=False,
    domains=(
        ("ipo.gov.uk", 0, True, ""),
        ("uspto.gov", -240, False, ""),
        ("state.gov", -240, False, "outlook"),
        ("ipaustralia.gov.au", 600, False, ""),
        ("ipos.gov.sg", 480, False, ""),
        ("ipindia.gov.in", 330, False, ""),
        ("kipi.go.ke", 180, False, ""),
        ("cipc.co.za", 120, False, ""),
        ("ipophil.gov.ph", 480, False, ""),
        ("mfa.gov.gh", 0, False, ""),
        ("iponz.govt.nz", 780, False, ""),
        ("oecd.org", 60, True, "outlook"),
        ("itu.int", 60, True, "outlook"),
        ("wipo.int", 60, True, "exchange"),
        ("gmail.com", -300, False, "gmail"),
        ("outlook.com", 0, True, "outlook"),
        ("yahoo.com", -420, False, "thunderbird"),
        ("ox.ac.uk", 0, True, "apple"),
    ),
    greetings=(
        "Dear Colleagues,",
        "Dear Sir or Madam,",
        "Dear {staff},",
        "Dear WIPO Secretariat,",
        "Hello,",
        "Good morning,",
        "Dear Frontier Technologies team,",
        "Dear all,",
    ),
    closings=(
        "Best regards,",
        "Kind regards,",
        "With best regards,",
        "Sincerely,",
        "Many thanks in advance,",
        "Thank you and best regards,",
        "Warm regards,",
    ),
    subjects=(
        "Nomination of delegates - {short}",
        "Request for the floor - delegation of {country}",
        "{country}: updated national AI strategy",
        "Question regarding the {short}",
        "Registration for the session on {dates}",
        "Delegation of {country} - list of participants",
        "Request to speak on agenda item {item}",
        "Hybrid participation in the {short}",
        "Side event proposal: {topic}",
        "Contribution of {country} on {topic}",
        "Note verbale No. {ref}",
        "Visa support letter - {short}",
        "Interpretation and documents for {dates}",
        "Change in the composition of the delegation of {country}",
        "Statement of {country} on {topic}",
    ),
    sentences=(
        "The Permanent Mission of {country} presents its compliments to the International "
        "Bureau of the World Intellectual Property Organization (WIPO) and has the honour to "
        "communicate the composition of its delegation to the {session}.",
        "We would like to nominate {name}, {role}, as head of delegation for the {session}, "
        "to be held in Geneva on {dates}.",
        "Could you please confirm whether remote participation will be available for the {session}?",
        "Our delegation wishes to request the floor during the discussion on {topic}.",
        "Please find attached the updated national AI strategy of {country}, adopted in {month} 2025.",
        "The strategy now includes a dedicated chapter on {topic} and on the role of the intellectual property office.",
        "We would be grateful if you could register the following participants: {name} ({role}) and {name2} ({role2}).",
        "Kindly let us know the deadline for written statements, as we intend to share our views on {topic}.",
        "Will interpretation be provided in all six official languages during the session?",
        "{name} will replace {name2} in the delegation, as the latter is unable to travel to Geneva on those dates.",
        "Our capital has asked whether the session will address {topic} in the context of patent examination.",
        "I am writing to follow up on my previous message regarding the request to speak on agenda item {item}.",
        "We note that the deadline for registration is {deadline} and would appreciate a confirmation of receipt.",
        "Could the Secretariat share the draft programme and the list of panellists for the session on {topic}?",
        "The {org} is currently consulting stakeholders on {topic} and will present "
        "preliminary results at the Conversation.",
        "Please note that our statement will be delivered in {langname} and will not exceed three minutes.",
        "We would like to organize a side event on {topic} during the lunch break on {day}.",
        "Thank you for the information note circulated on {deadline}; we have shared it with the relevant ministries.",
        "Our delegation supports continuing the Conversation in a hybrid format to allow "
        "broader participation from capitals.",
        "Is it possible to obtain a visa support letter for {name}, who will travel from {city}?",
        "The national AI strategy of {country} was revised in {month} 2025 to reflect recent developments in {topic}.",
        "We will have {n} delegates attending in person and {n2} following the session online.",
        "I would appreciate it if you could add my colleague {name} to the mailing list for the Conversation.",
        "Could you clarify whether observers may take the floor during the session on {topic}?",
        "We look forward to a productive exchange on {topic} and thank the Secretariat for its preparations.",
        "The presentation slides will be sent by {deadline} at the latest.",
        "Please accept our apologies for the late submission of the nomination letter.",
        "We understand that the meeting will start at {time} Geneva time on {day}.",
        "The {org} has set up a task force on {topic}, chaired by {name}.",
        "A short written contribution of about {n} pages will follow under separate cover.",
    ),
    announce=(
        "The International Bureau of WIPO is pleased to announce that the {session} will "
        "take place in Geneva and online on {dates}.",
        "Member States and accredited observers are invited to communicate the names of their delegates by {deadline}.",
        "Requests to take the floor should be sent to frontier.tech@wipo.int before the session.",
        "The draft programme and the information note are available on the meeting page.",
        "Interpretation will be provided in the six official languages of the United Nations.",
        "This session will focus on {topic}.",
    ),
    ooo=(
        "Thank you for your message.",
        "I am out of the office with limited access to e-mail and will return on {deadline}.",
        "For urgent matters, please contact {name} at {colleague}.",
        "I am attending meetings in {city} until {deadline}.",
        "Your message will not be forwarded.",
    ),
    countries=(
        "Kenya",
        "India",
        "Singapore",
        "Australia",
        "the United Kingdom",
        "Nigeria",
        "the Philippines",
        "South Africa",
        "Ghana",
        "New Zealand",
        "Jamaica",
        "Pakistan",
        "Bangladesh",
        "Malaysia",
        "Uganda",
        "Canada",
    ),
    topics=(
        "generative AI and copyright",
        "AI-assisted inventions",
        "training data and text and data mining",
        "synthetic media and deepfakes",
        "AI tools in IP office operations",
        "the patentability of AI-related inventions",
        "quantum computing",
        "virtual goods and the metaverse",
        "trade secrets and AI models",
        "transparency of training data",
        "AI governance frameworks",
        "capacity building for developing countries",
        "inventorship and AI",
        "AI and traditional knowledge",
    ),
    roles=(
        "Counsellor",
        "First Secretary",
        "Second Secretary",
        "Director of Patents",
        "Head of the AI Policy Unit",
        "Deputy Permanent Representative",
        "Senior Legal Adviser",
        "IP Attaché",
        "Chief Technology Officer",
    ),
    orgs=(
        "Ministry of Foreign Affairs",
        "Ministry of Digital Economy",
        "National Intellectual Property Office",
        "Ministry of Science and Technology",
        "National AI Agency",
        "Permanent Mission in Geneva",
        "Copyright Board",
    ),
    cities=(
        "Nairobi",
        "New Delhi",
        "Singapore",
        "Canberra",
        "Lagos",
        "Washington",
        "London",
        "Manila",
        "Pretoria",
        "Accra",
    ),
    months=("January", "February", "March", "April", "May", "June", "July", "August", "September"),
    sessions=(
        "12th session of the WIPO Conversation on Intellectual Property and Frontier Technologies",
        "twelfth session of the WIPO Conversation on IP and Frontier Technologies",
        "WIPO Conversation on IP and Frontier Technologies (12th session)",
    ),
    dates=("28\u201329 October 2025", "28 and 29 October 2025", "October 28-29, 2025"),
    langnames=("English", "French", "Spanish"),
    date_fmt=_en_date,
    wrote="On {date}, {name} <{addr}> wrote:",
    header_labels=("From:", "Sent:", "To:", "Cc:", "Subject:"),
    original="-----Original Message-----",
    reply=("RE: ", "Re: "),
    forward=("FW: ", "Fwd: "),
    auto_reply="Automatic reply: ",
    accepted="Accepted: ",
    disclaimer=(
        "CONFIDENTIALITY NOTICE: This e-mail message, including any attachments, is for the "
        "sole use of the intended recipient(s) and may contain confidential information. Any "
        "unauthorized review, use, disclosure or distribution is prohibited. If you are not "
        "the intended recipient, please contact the sender by reply e-mail and destroy all "
        "copies of the original message."
    ),
    attachment_names=(
        "Nomination_letter_{country}.pdf",
        "Note_verbale_{ref}.pdf",
        "National_AI_Strategy_2025_update.pdf",
        "Statement_{country}_CONV12.docx",
        "Credentials_{country}.pdf",
        "Speaker_bio_{last}.docx",
        "List_of_participants.xlsx",
        "Presentation_{topic}.pptx",
        "Scan_2025-{mm}-{dd}.pdf",
        "IMG_{n4}.jpg",
    ),
    wipo_staff=("Ms. Laurent", "Mr. Okonkwo", "Ms. Hoffmann", "Mr. Silva"),
)

FR = Lang(
    code="fr",
    weight=14,
    charsets=(
        ("utf-8", "utf-8", 55),
        ("iso-8859-1", "iso-8859-1", 25),
        ("iso-8859-1", "cp1252", 8),
        ("windows-1252", "cp1252", 12),
    ),
    first=(
        ("Marie", "Marie"),
        ("Jean", "Jean"),
        ("Claire", "Claire"),
        ("Pierre", "Pierre"),
        ("Sophie", "Sophie"),
        ("Nicolas", "Nicolas"),
        ("Camille", "Camille"),
        ("Julien", "Julien"),
        ("Élodie", "Elodie"),
        ("François", "Francois"),
        ("Aminata", "Aminata"),
        ("Moussa", "Moussa"),
        ("Hélène", "Helene"),
        ("Jérôme", "Jerome"),
    ),
    last=(
        ("Dupont", "Dupont"),
        ("Martin", "Martin"),
        ("Lefèvre", "Lefevre"),
        ("Moreau", "Moreau"),
        ("Girard", "Girard"),
        ("Rousseau", "Rousseau"),
        ("Diallo", "Diallo"),
        ("Traoré", "Traore"),
        ("Ndiaye", "Ndiaye"),
        ("Gagnon", "Gagnon"),
        ("Tremblay", "Tremblay"),
        ("Bélanger", "Belanger"),
        ("Kaboré", "Kabore"),
        ("Mercier", "Mercier"),
    ),
    family_first=False,
    domains=(
        ("inpi.fr", 60, True, ""),
        ("diplomatie.gouv.fr", 60, True, "outlook"),
        ("ige.ch", 60, True, ""),
        ("oapi.int", 60, False, ""),
        ("ised-isde.gc.ca", -240, False, "outlook"),
        ("economie.gouv.fr", 60, True, ""),
        ("diplomatie.gouv.sn", 0, False, ""),
        ("ompic.ma", 60, False, ""),
        ("diplomatie.belgium.be", 60, True, "outlook"),
        ("wipo.int", 60, True, "exchange"),
        ("orange.fr", 60, True, "thunderbird"),
        ("gmail.com", 60, True, "gmail"),
        ("yahoo.fr", 60, True, "apple"),
    ),
    greetings=(
        "Madame, Monsieur,",
        "Chers collègues,",
        "Bonjour,",
        "Madame {staff},",
        "Mesdames et Messieurs,",
        "Cher Secrétariat,",
        "Bonjour à toutes et à tous,",
    ),
    closings=(
        "Bien cordialement,",
        "Cordialement,",
        "Meilleures salutations,",
        "Avec mes remerciements,",
        "Je vous prie d'agréer mes salutations distinguées.",
        "Bien à vous,",
    ),
    subjects=(
        "Désignation des délégués - {short}",
        "Demande de prise de parole - délégation {country}",
        "Mise à jour de la stratégie nationale en matière d'IA {country}",
        "Question concernant la {short}",
        "Inscription à la session des {dates}",
        "Composition de la délégation {country}",
        "Demande de parole au titre du point {item} de l'ordre du jour",
        "Participation hybride à la {short}",
        "Proposition de manifestation parallèle : {topic}",
        "Note verbale n° {ref}",
        "Contribution écrite {country} sur {topic}",
        "Lettre d'appui pour visa - {short}",
    ),
    sentences=(
        "La Mission permanente {country} présente ses compliments au Bureau international de "
        "l'Organisation Mondiale de la Propriété Intellectuelle (OMPI) et a l'honneur de lui "
        "communiquer la composition de sa délégation à la {session}.",
        "Nous souhaitons désigner {name}, {role}, en qualité de chef de délégation pour la "
        "{session}, qui se tiendra à Genève les {dates}.",
        "Pourriez-vous nous confirmer si une participation à distance sera possible ?",
        "Notre délégation souhaiterait prendre la parole lors du débat consacré à {topic}.",
        "Veuillez trouver ci-joint la version actualisée de la stratégie nationale en matière "
        "d'intelligence artificielle {country}, adoptée en {month} 2025.",
        "La stratégie comporte désormais un chapitre consacré à {topic} et au rôle de "
        "l'office de propriété intellectuelle.",
        "Nous vous serions reconnaissants de bien vouloir inscrire les participants suivants : "
        "{name} ({role}) et {name2} ({role2}).",
        "Pourriez-vous nous indiquer la date limite de dépôt des déclarations écrites ?",
        "L'interprétation sera-t-elle assurée dans les six langues officielles ?",
        "{name} remplacera {name2}, qui ne pourra pas se rendre à Genève à ces dates.",
        "Notre capitale souhaite savoir si la session abordera la question de {topic} dans le "
        "cadre de l'examen des brevets.",
        "Je me permets de revenir vers vous au sujet de notre demande de prise de parole au titre du point {item}.",
        "Nous notons que la date limite d'inscription est fixée au {deadline} et vous "
        "remercions de bien vouloir accuser réception du présent message.",
        "Le Secrétariat pourrait-il nous transmettre le projet de programme et la liste des "
        "intervenants pour la séance sur {topic} ?",
        "Le {org} mène actuellement une consultation sur {topic} et en présentera les premiers "
        "résultats lors de la Conversation.",
        "Notre déclaration sera prononcée en {langname} et ne dépassera pas trois minutes.",
        "Nous aimerions organiser une manifestation parallèle sur {topic} pendant la pause déjeuner du {day}.",
        "Nous vous remercions pour la note d'information diffusée le {deadline}, que nous avons "
        "transmise aux ministères concernés.",
        "Notre délégation est favorable au maintien du format hybride, qui permet une plus "
        "large participation des capitales.",
        "Serait-il possible d'obtenir une lettre d'appui pour la demande de visa de {name}, "
        "qui voyagera depuis {city} ?",
        "La stratégie nationale {country} a été révisée en {month} 2025 afin de tenir compte "
        "des évolutions récentes concernant {topic}.",
        "{n} délégués participeront en présentiel et {n2} suivront les travaux en ligne.",
        "Je vous saurais gré d'ajouter ma collègue {name} à la liste de diffusion.",
        "Les observateurs pourront-ils prendre la parole lors de la séance sur {topic} ?",
        "Les diapositives de la présentation vous seront envoyées au plus tard le {deadline}.",
        "Nous vous prions de bien vouloir excuser la transmission tardive de la lettre de désignation.",
        "Nous croyons comprendre que la réunion débutera à {time}, heure de Genève, le {day}.",
        "Le {org} a créé un groupe de travail sur {topic}, présidé par {name}.",
    ),
    announce=(
        "Le Bureau international de l'OMPI a le plaisir d'annoncer que la {session} se tiendra "
        "à Genève et en ligne les {dates}.",
        "Les États membres et les observateurs accrédités sont invités à communiquer le nom "
        "de leurs délégués d'ici au {deadline}.",
        "Les demandes de prise de parole doivent être adressées à frontier.tech@wipo.int.",
        "Le projet de programme et la note d'information sont disponibles sur la page de la réunion.",
        "Cette session sera consacrée à {topic}.",
    ),
    ooo=(
        "Je vous remercie de votre message.",
        "Je suis absente du bureau avec un accès limité à ma messagerie jusqu'au {deadline}.",
        "En cas d'urgence, veuillez contacter {name} ({colleague}).",
        "Je participe à des réunions à {city} jusqu'au {deadline}.",
        "Votre message ne sera pas transféré.",
    ),
    countries=(
        "de la France",
        "du Sénégal",
        "de la Côte d'Ivoire",
        "du Canada",
        "de la Suisse",
        "du Maroc",
        "de la Tunisie",
        "du Cameroun",
        "de la Belgique",
        "du Bénin",
        "d'Haïti",
        "du Luxembourg",
        "de Madagascar",
        "du Burkina Faso",
        "du Gabon",
    ),
    topics=(
        "l'IA générative et le droit d'auteur",
        "les inventions assistées par l'IA",
        "les données d'entraînement et la fouille de textes et de données",
        "les hypertrucages",
        "l'utilisation de l'IA dans les offices de PI",
        "la brevetabilité des inventions liées à l'IA",
        "l'informatique quantique",
        "les biens virtuels et le métavers",
        "les secrets d'affaires et les modèles d'IA",
        "la transparence des données d'entraînement",
        "la gouvernance de l'IA",
        "le renforcement des capacités des pays en développement",
    ),
    roles=(
        "Conseiller",
        "Première secrétaire",
        "Deuxième secrétaire",
        "Directrice des brevets",
        "Chef du bureau de l'IA",
        "Représentant permanent adjoint",
        "Conseillère juridique",
        "Attaché chargé de la propriété intellectuelle",
    ),
    orgs=(
        "ministère des Affaires étrangères",
        "ministère de l'Économie numérique",
        "Office national de la propriété intellectuelle",
        "ministère de la Recherche",
        "Conseil national du numérique",
        "Bureau du droit d'auteur",
    ),
    cities=(
        "Paris",
        "Dakar",
        "Abidjan",
        "Ottawa",
        "Berne",
        "Rabat",
        "Tunis",
        "Yaoundé",
        "Bruxelles",
        "Cotonou",
    ),
    months=("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre"),
    sessions=(
        "douzième session de la Conversation de l'OMPI sur la propriété intellectuelle et les technologies de pointe",
        "12e session de la Conversation de l'OMPI sur la PI et les technologies de pointe",
    ),
    dates=("28 et 29 octobre 2025", "28\u201329 octobre 2025"),
    langnames=("français", "anglais"),
    date_fmt=_fr_date,
    wrote="Le {date}, {name} <{addr}> a écrit :",
    header_labels=("De :", "Envoyé :", "À :", "Cc :", "Objet :"),
    original="-----Message d'origine-----",
    reply=("RE : ", "RE: ", "Re: "),
    forward=("TR : ", "TR: ", "Fwd: "),
    auto_reply="Réponse automatique : ",
    accepted="Accepté: ",
    disclaimer=(
        "Ce message et toutes les pièces jointes sont confidentiels et établis à l'intention "
        "exclusive de ses destinataires. Toute utilisation ou diffusion non autorisée est "
        "interdite. Si vous avez reçu ce message par erreur, merci d'en avertir "
        "immédiatement l'expéditeur et de le détruire."
    ),
    attachment_names=(
        "Lettre_de_désignation_{country}.pdf",
        "Note_verbale_n°{ref}.pdf",
        "Stratégie_nationale_IA_2025.pdf",
        "Déclaration_{country}.docx",
        "Pouvoirs_délégation.pdf",
        "Biographie_{last}.docx",
        "Liste_des_participants.xlsx",
        "Présentation_{n}.pptx",
        "Numérisation_{n4}.pdf",
        "photo_{n4}.jpg",
    ),
    wipo_staff=("Laurent", "Hoffmann", "Mbaye"),
)

ES = Lang(
    code="es",
    weight=13,
    charsets=(
        ("utf-8", "utf-8", 60),
        ("iso-8859-1", "iso-8859-1", 28),
        ("windows-1252", "cp1252", 12),
    ),
    first=(
        ("María", "Maria"),
        ("José", "Jose"),
        ("Lucía", "Lucia"),
        ("Carlos", "Carlos"),
        ("Ana", "Ana"),
        ("Javier", "Javier"),
        ("Carmen", "Carmen"),
        ("Andrés", "Andres"),
        ("Sofía", "Sofia"),
        ("Diego", "Diego"),
        ("Valentina", "Valentina"),
        ("Martín", "Martin"),
        ("Íñigo", "Inigo"),
    ),
    last=(
        ("García", "Garcia"),
        ("Rodríguez", "Rodriguez"),
        ("Martínez", "Martinez"),
        ("López", "Lopez"),
        ("Fernández", "Fernandez"),
        ("González", "Gonzalez"),
        ("Pérez", "Perez"),
        ("Sánchez", "Sanchez"),
        ("Ramírez", "Ramirez"),
        ("Torres", "Torres"),
        ("Núñez", "Nunez"),
        ("Díaz", "Diaz"),
        ("Castillo", "Castillo"),
    ),
    family_first=False,
    domains=(
        ("oepm.es", 60, True, ""),
        ("exteriores.gob.es", 60, True, "outlook"),
        ("impi.gob.mx", -360, False, ""),
        ("inapi.cl", -180, False, ""),
        ("sic.gov.co", -300, False, ""),
        ("inpi.gob.ar", -180, False, ""),
        ("indecopi.gob.pe", -300, False, ""),
        ("cancilleria.gob.ec", -300, False, "outlook"),
        ("rree.go.cr", -360, False, ""),
        ("mrree.gub.uy", -180, False, ""),
        ("gmail.com", -300, False, "gmail"),
        ("hotmail.com", -360, False, "outlook"),
        ("yahoo.es", 60, True, "apple"),
    ),
    greetings=(
        "Estimados colegas:",
        "Estimada Secretaría:",
        "Buenos días:",
        "Estimada Sra. {staff}:",
        "Señoras y señores:",
        "Hola,",
        "Estimados señores:",
    ),
    closings=(
        "Saludos cordiales,",
        "Atentamente,",
        "Un cordial saludo,",
        "Muchas gracias de antemano,",
        "Reciba un atento saludo,",
        "Quedo a su disposición,",
    ),
    subjects=(
        "Designación de delegados - {short}",
        "Solicitud de uso de la palabra - delegación {country}",
        "Actualización de la estrategia nacional de IA {country}",
        "Consulta sobre la {short}",
        "Inscripción para la sesión del {dates}",
        "Composición de la delegación {country}",
        "Solicitud para intervenir en el punto {item} del orden del día",
        "Participación híbrida en la {short}",
        "Propuesta de evento paralelo: {topic}",
        "Nota verbal N.º {ref}",
        "Contribución {country} sobre {topic}",
    ),
    sentences=(
        "La Misión Permanente {country} saluda atentamente a la Oficina Internacional de la "
        "Organización Mundial de la Propiedad Intelectual (OMPI) y tiene el honor de "
        "comunicarle la composición de su delegación para la {session}.",
        "Deseamos designar a {name}, {role}, como jefe de delegación para la {session}, que "
        "se celebrará en Ginebra los días {dates}.",
        "¿Podrían confirmarnos si será posible participar a distancia?",
        "Nuestra delegación desea hacer uso de la palabra durante el debate sobre {topic}.",
        "Adjuntamos la versión actualizada de la estrategia nacional de inteligencia "
        "artificial {country}, aprobada en {month} de 2025.",
        "La estrategia incluye ahora un capítulo dedicado a {topic} y a la función de la "
        "oficina de propiedad intelectual.",
        "Les agradeceríamos que inscribieran a los siguientes participantes: {name} ({role}) y {name2} ({role2}).",
        "¿Cuál es el plazo para presentar declaraciones por escrito?",
        "¿Habrá interpretación en los seis idiomas oficiales durante la sesión?",
        "{name} sustituirá a {name2}, quien no podrá viajar a Ginebra en esas fechas.",
        "Nuestra capital pregunta si en la sesión se abordará {topic} en el contexto del examen de patentes.",
        "Le escribo para dar seguimiento a mi mensaje anterior sobre la solicitud de intervenir en el punto {item}.",
        "Tomamos nota de que el plazo de inscripción vence el {deadline} y agradeceríamos un acuse de recibo.",
        "¿Podría la Secretaría compartir el proyecto de programa y la lista de panelistas de la sesión sobre {topic}?",
        "El {org} está consultando a las partes interesadas sobre {topic} y presentará los "
        "resultados preliminares en el Diálogo.",
        "Nuestra declaración se pronunciará en {langname} y no superará los tres minutos.",
        "Quisiéramos organizar un evento paralelo sobre {topic} durante la pausa del almuerzo del {day}.",
        "Agradecemos la nota informativa distribuida el {deadline}, que hemos remitido a los ministerios competentes.",
        "Nuestra delegación apoya mantener el formato híbrido para facilitar la participación desde las capitales.",
        "¿Sería posible obtener una carta de apoyo para el visado de {name}, que viajará desde {city}?",
        "La estrategia nacional {country} se revisó en {month} de 2025 para reflejar los "
        "avances recientes en materia de {topic}.",
        "Asistirán {n} delegados de forma presencial y {n2} seguirán la sesión en línea.",
        "Les agradecería que incluyeran a mi colega {name} en la lista de distribución.",
        "¿Podrán los observadores intervenir en la sesión sobre {topic}?",
        "Enviaremos las diapositivas de la presentación a más tardar el {deadline}.",
        "Les pedimos disculpas por el envío tardío de la carta de designación.",
        "Entendemos que la reunión comenzará a las {time}, hora de Ginebra, el {day}.",
        "El {org} ha creado un grupo de trabajo sobre {topic}, presidido por {name}.",
    ),
    announce=(
        "La Oficina Internacional de la OMPI se complace en anunciar que la {session} se "
        "celebrará en Ginebra y en línea los días {dates}.",
        "Se invita a los Estados miembros y observadores acreditados a comunicar los nombres "
        "de sus delegados antes del {deadline}.",
        "Las solicitudes de uso de la palabra deben enviarse a frontier.tech@wipo.int.",
        "El proyecto de programa y la nota informativa están disponibles en la página de la reunión.",
        "Esta sesión estará dedicada a {topic}.",
    ),
    ooo=(
        "Gracias por su mensaje.",
        "Me encuentro fuera de la oficina con acceso limitado al correo hasta el {deadline}.",
        "Para asuntos urgentes, diríjase a {name} ({colleague}).",
        "Estoy participando en reuniones en {city} hasta el {deadline}.",
        "Su mensaje no será reenviado.",
    ),
    countries=(
        "de España",
        "de México",
        "de Chile",
        "de Colombia",
        "de la Argentina",
        "del Perú",
        "del Ecuador",
        "de Costa Rica",
        "del Uruguay",
        "de Panamá",
        "de la República Dominicana",
        "del Paraguay",
        "de Guatemala",
    ),
    topics=(
        "la IA generativa y el derecho de autor",
        "las invenciones asistidas por IA",
        "los datos de entrenamiento y la minería de textos y datos",
        "los contenidos sintéticos y las ultrafalsificaciones",
        "el uso de la IA en las oficinas de PI",
        "la patentabilidad de las invenciones relacionadas con la IA",
        "la computación cuántica",
        "los bienes virtuales y el metaverso",
        "los secretos comerciales y los modelos de IA",
        "la transparencia de los datos de entrenamiento",
        "la gobernanza de la IA",
        "el fortalecimiento de capacidades en los países en desarrollo",
    ),
    roles=(
        "Consejero",
        "Primera Secretaria",
        "Segundo Secretario",
        "Directora de Patentes",
        "Jefe de la Unidad de IA",
        "Representante Permanente Alterna",
        "Asesora Jurídica",
        "Agregado de Propiedad Intelectual",
    ),
    orgs=(
        "Ministerio de Relaciones Exteriores",
        "Ministerio de Ciencia, Tecnología e Innovación",
        "Instituto Nacional de Propiedad Industrial",
        "Agencia de Gobierno Digital",
        "Ministerio de Economía",
    ),
    cities=(
        "Madrid",
        "Ciudad de México",
        "Santiago",
        "Bogotá",
        "Buenos Aires",
        "Lima",
        "Quito",
        "San José",
        "Montevideo",
        "Asunción",
    ),
    months=("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre"),
    sessions=(
        "duodécima sesión del Diálogo de la OMPI sobre Propiedad Intelectual y Tecnologías de Vanguardia",
        "12.ª sesión del Diálogo de la OMPI sobre PI y Tecnologías de Vanguardia",
    ),
    dates=("28 y 29 de octubre de 2025", "28\u201329 de octubre de 2025"),
    langnames=("español", "inglés"),
    date_fmt=_es_date,
    wrote="El {date}, {name} (<{addr}>) escribió:",
    header_labels=("De:", "Enviado el:", "Para:", "CC:", "Asunto:"),
    original="-----Mensaje original-----",
    reply=("RE: ", "Re: ", "RV: "),
    forward=("RV: ", "Fwd: "),
    auto_reply="Respuesta automática: ",
    accepted="Aceptado: ",
    disclaimer=(
        "Este mensaje y sus archivos adjuntos son confidenciales y están dirigidos "
        "exclusivamente a su destinatario. Si usted lo ha recibido por error, le rogamos que "
        "lo comunique al remitente y proceda a su eliminación."
    ),
    attachment_names=(
        "Carta_de_designación_{country}.pdf",
        "Nota_verbal_N.º{ref}.pdf",
        "Estrategia_Nacional_de_IA_2025.pdf",
        "Declaración_{country}.docx",
        "Credenciales.pdf",
        "Biografía_{last}.docx",
        "Lista_de_participantes.xlsx",
        "Presentación_{n}.pptx",
        "Escaneo_{n4}.pdf",
        "foto_{n4}.jpg",
    ),
    wipo_staff=("Laurent", "Hoffmann", "Silva"),
)

RU = Lang(
    code="ru",
    weight=12,
    charsets=(
        ("utf-8", "utf-8", 50),
        ("koi8-r", "koi8-r", 25),
        ("windows-1251", "cp1251", 25),
    ),
    first=(
        ("Алексей", "Aleksey"),
        ("Ирина", "Irina"),
        ("Дмитрий", "Dmitry"),
        ("Ольга", "Olga"),
        ("Сергей", "Sergey"),
        ("Наталья", "Natalia"),
        ("Андрей", "Andrey"),
        ("Екатерина", "Ekaterina"),
        ("Михаил", "Mikhail"),
        ("Татьяна", "Tatiana"),
        ("Владимир", "Vladimir"),
        ("Анна", "Anna"),
        ("Юлия", "Yulia"),
        ("Илья", "Ilya"),
    ),
    last=(
        ("Иванов|Иванова", "Ivanov|Ivanova"),
        ("Смирнов|Смирнова", "Smirnov|Smirnova"),
        ("Кузнецов|Кузнецова", "Kuznetsov|Kuznetsova"),
        ("Попов|Попова", "Popov|Popova"),
        ("Соколов|Соколова", "Sokolov|Sokolova"),
        ("Лебедев|Лебедева", "Lebedev|Lebedeva"),
        ("Новиков|Новикова", "Novikov|Novikova"),
        ("Морозов|Морозова", "Morozov|Morozova"),
        ("Волков|Волкова", "Volkov|Volkova"),
        ("Ковальчук", "Kovalchuk"),
        ("Назарбаев|Назарбаева", "Nazarbaev|Nazarbaeva"),
        ("Шевчук", "Shevchuk"),
    ),
    family_first=False,
    domains=(
        ("rupto.ru", 180, False, ""),
        ("mid.ru", 180, False, "outlook"),
        ("fips.ru", 180, False, ""),
        ("belgospatent.by", 180, False, ""),
        ("kazpatent.kz", 300, False, ""),
        ("kyrgyzpatent.kg", 360, False, ""),
        ("economy.gov.ru", 180, False, "outlook"),
        ("yandex.ru", 180, False, "yandex"),
        ("mail.ru", 180, False, "mailru"),
        ("gmail.com", 180, False, "gmail"),
    ),
    greetings=(
        "Уважаемые коллеги!",
        "Добрый день!",
        "Уважаемая г-жа {staff}!",
        "Уважаемый Секретариат!",
        "Здравствуйте!",
        "Дорогие коллеги,",
    ),
    closings=(
        "С уважением,",
        "С наилучшими пожеланиями,",
        "Заранее благодарю,",
        "С уважением и благодарностью,",
        "Всего доброго,",
    ),
    subjects=(
        "Назначение делегатов - {short}",
        "Просьба о предоставлении слова - делегация {country}",
        "Обновление национальной стратегии в области ИИ {country}",
        "Вопрос о {short}",
        "Регистрация на сессию {dates}",
        "Состав делегации {country}",
        "Выступление по пункту {item} повестки дня",
        "Гибридный формат участия - {short}",
        "Предложение о параллельном мероприятии: {topic}",
        "Вербальная нота № {ref}",
    ),
    sentences=(
        "Постоянное представительство {country} свидетельствует свое уважение Международному "
        "бюро Всемирной организации интеллектуальной собственности (ВОИС) и имеет честь "
        "сообщить состав делегации для участия в работе {session}.",
        "Просим зарегистрировать {name} ({role}) в качестве главы делегации на заседании {dates} в Женеве.",
        "Просим подтвердить, будет ли обеспечена возможность дистанционного участия.",
        "Наша делегация хотела бы выступить в ходе обсуждения темы «{topic}».",
        "Направляем обновленную редакцию национальной стратегии развития искусственного "
        "интеллекта {country}, утвержденную в {month} 2025 года.",
        "В стратегию включен отдельный раздел, посвященный теме «{topic}», а также роли "
        "ведомства по интеллектуальной собственности.",
        "Просим внести в список участников {name} ({role}) и {name2} ({role2}).",
        "Просим сообщить крайний срок представления письменных заявлений.",
        "Будет ли обеспечен синхронный перевод на все шесть официальных языков?",
        "{name} заменит в составе делегации {name2}, который не сможет приехать в Женеву.",
        "В столице интересуются, будет ли в ходе {session} рассматриваться тема «{topic}».",
        "Пишу в продолжение своего предыдущего письма о выступлении по пункту {item}.",
        "Принимаем к сведению, что регистрация завершается {deadline}, и просим подтвердить "
        "получение настоящего письма.",
        "Не могли бы вы направить проект программы и список докладчиков по теме «{topic}»?",
        "В настоящее время {org} проводит консультации по теме «{topic}» и представит "
        "предварительные результаты в ходе Диалога.",
        "Выступление делегации будет сделано на {langname} языке и не превысит трех минут.",
        "Мы хотели бы провести параллельное мероприятие по теме «{topic}» во время обеденного перерыва {day}.",
        "Благодарим за информационную записку от {deadline}, которая направлена в профильные министерства.",
        "Наша делегация поддерживает сохранение гибридного формата работы.",
        "Возможно ли получить письмо для оформления визы для {name}, который вылетает из г. {city}?",
        "Национальная стратегия {country} была пересмотрена в {month} 2025 года.",
        "Очно будут присутствовать {n} делегатов, еще {n2} подключатся онлайн.",
        "Прошу добавить мою коллегу {name} в список рассылки.",
        "Презентация будет направлена не позднее {deadline}.",
        "Приносим извинения за задержку с направлением письма о назначении.",
        "Правильно ли мы понимаем, что заседание начнется в {time} по женевскому времени?",
        "При {org} создана рабочая группа по теме «{topic}» под руководством {name}.",
    ),
    announce=(
        "Международное бюро ВОИС сообщает, что заседание {session} состоится в Женеве и в онлайн-формате {dates}.",
        "Государствам-членам и аккредитованным наблюдателям предлагается сообщить имена делегатов до {deadline}.",
        "Просьбы о предоставлении слова следует направлять по адресу frontier.tech@wipo.int.",
        "Проект программы размещен на странице заседания.",
    ),
    ooo=(
        "Благодарю за ваше письмо.",
        "Я нахожусь вне офиса с ограниченным доступом к почте до {deadline}.",
        "По срочным вопросам просьба обращаться к {name} ({colleague}).",
        "До {deadline} я нахожусь в командировке в г. {city}.",
    ),
    countries=(
        "Российской Федерации",
        "Республики Беларусь",
        "Республики Казахстан",
        "Кыргызской Республики",
        "Республики Узбекистан",
        "Республики Армения",
        "Азербайджанской Республики",
        "Республики Таджикистан",
        "Туркменистана",
        "Республики Молдова",
        "Монголии",
        "Республики Сербия",
    ),
    topics=(
        "генеративный ИИ и авторское право",
        "изобретения, созданные с помощью ИИ",
        "данные для обучения моделей",
        "дипфейки и синтетический контент",
        "применение ИИ в патентных ведомствах",
        "патентоспособность изобретений в области ИИ",
        "квантовые вычисления",
        "виртуальные товары и метавселенная",
        "коммерческая тайна и модели ИИ",
        "прозрачность обучающих данных",
        "регулирование ИИ",
        "наращивание потенциала развивающихся стран",
    ),
    roles=(
        "советник",
        "первый секретарь",
        "второй секретарь",
        "начальник патентного отдела",
        "руководитель отдела ИИ",
        "заместитель постоянного представителя",
        "старший юрисконсульт",
        "атташе по вопросам ИС",
    ),
    orgs=(
        "Министерство иностранных дел",
        "Министерство цифрового развития",
        "Национальное патентное ведомство",
        "Министерство науки и высшего образования",
        "Агентство по развитию ИИ",
    ),
    cities=("Москва", "Минск", "Астана", "Бишкек", "Ташкент", "Ереван", "Баку", "Душанбе"),
    months=("январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе", "сентябре"),
    sessions=(
        "двенадцатой сессии Диалога ВОИС по интеллектуальной собственности и передовым технологиям",
        "12-й сессии Диалога ВОИС по ИС и передовым технологиям",
    ),
    dates=("28\u201329 октября 2025 г.", "28 и 29 октября 2025 года"),
    langnames=("русском", "английском"),
    date_fmt=_ru_date,
    wrote="{date}, {name} <{addr}> пишет:",
    header_labels=("От:", "Отправлено:", "Кому:", "Копия:", "Тема:"),
    original="-----Исходное сообщение-----",
    reply=("RE: ", "Re: ", "Ответ: "),
    forward=("FW: ", "Fwd: "),
    auto_reply="Автоматический ответ: ",
    accepted="Принято: ",
    disclaimer=(
        "Это сообщение и любые приложения к нему являются конфиденциальными и предназначены "
        "исключительно для адресата. Если вы получили это сообщение по ошибке, пожалуйста, "
        "сообщите об этом отправителю и удалите его."
    ),
    attachment_names=(
        "Письмо_о_назначении_делегации.pdf",
        "Вербальная_нота_№{ref}.pdf",
        "Национальная_стратегия_ИИ_2025.pdf",
        "Выступление_делегации_{country}.docx",
        "Полномочия.pdf",
        "Биография_{last}.docx",
        "Список_участников.xlsx",
        "Презентация_{n}.pptx",
        "Скан_{n4}.pdf",
        "IMG_{n4}.jpg",
    ),
    wipo_staff=("Лоран", "Хоффман"),
)

ZH = Lang(
    code="zh",
    weight=10,
    charsets=(
        ("utf-8", "utf-8", 45),
        ("gb2312", "gb2312", 25),
        ("gb18030", "gb18030", 20),
        ("GBK", "gbk", 10),
    ),
    first=(
        ("芳", "Fang"),
        ("伟", "Wei"),
        ("静", "Jing"),
        ("磊", "Lei"),
        ("敏", "Min"),
        ("洋", "Yang"),
        ("晓明", "Xiaoming"),
        ("丽娟", "Lijuan"),
        ("建国", "Jianguo"),
        ("海燕", "Haiyan"),
        ("志强", "Zhiqiang"),
        ("雪", "Xue"),
        ("喆", "Zhe"),
    ),
    last=(
        ("王", "Wang"),
        ("李", "Li"),
        ("张", "Zhang"),
        ("刘", "Liu"),
        ("陈", "Chen"),
        ("杨", "Yang"),
        ("赵", "Zhao"),
        ("黄", "Huang"),
        ("周", "Zhou"),
        ("吴", "Wu"),
        ("徐", "Xu"),
        ("孙", "Sun"),
    ),
    family_first=True,
    domains=(
        ("cnipa.gov.cn", 480, False, ""),
        ("mfa.gov.cn", 480, False, ""),
        ("most.gov.cn", 480, False, ""),
        ("163.com", 480, False, "coremail"),
        ("126.com", 480, False, "coremail"),
        ("qq.com", 480, False, "foxmail"),
        ("sina.com", 480, False, "foxmail"),
        ("gmail.com", 480, False, "gmail"),
    ),
    greetings=(
        "尊敬的秘书处：",
        "各位同事：",
        "您好！",
        "尊敬的{staff}女士：",
        "世界知识产权组织秘书处：",
    ),
    closings=("此致\n敬礼！", "顺颂商祺！", "谢谢！", "祝好！", "感谢您的支持！"),
    subjects=(
        "关于{short}代表团名单的函",
        "{country}代表团申请发言",
        "{country}国家人工智能战略更新",
        "关于{short}的询问",
        "{dates}会议注册事宜",
        "申请在议程第{item}项下发言",
        "关于{topic}的边会提议",
        "照会第{ref}号",
        "关于混合形式参会的问题",
    ),
    sentences=(
        "{country}常驻日内瓦代表团向世界知识产权组织国际局致意，并谨通报出席{session}的代表团组成。",
        "我们拟指派{role}{name}担任{session}的代表团团长，该会议将于{dates}在日内瓦举行。",
        "请问本届会议是否提供远程参会方式？",
        "我代表团希望在关于{topic}的讨论中发言。",
        "随函附上{country}于2025年{month}通过的国家人工智能战略更新版本。",
        "新版战略专门增加了关于{topic}以及知识产权局作用的章节。",
        "请为以下人员办理注册：{name}（{role}）和{name2}（{role2}）。",
        "请告知提交书面发言的截止日期。",
        "会议期间是否提供六种正式语言的同声传译？",
        "{name}将接替{name2}参加代表团，后者因故无法前往日内瓦。",
        "国内主管部门询问，本届会议是否会讨论专利审查中的{topic}问题。",
        "现就议程第{item}项下发言申请一事再次与您联系。",
        "我们注意到注册截止日期为{deadline}，烦请确认收到本邮件。",
        "能否请秘书处提供关于{topic}专题的会议议程草案和发言人名单？",
        "{org}目前正在就{topic}征求各方意见，并将在对话会上介绍初步成果。",
        "我代表团的发言将使用{langname}，时长不超过三分钟。",
        "我们希望于{day}午休期间举办一场关于{topic}的边会。",
        "感谢贵处于{deadline}分发的情况说明，我们已转交国内相关部委。",
        "我代表团支持继续采用线上线下相结合的会议形式。",
        "能否为从{city}出发的{name}出具签证支持函？",
        "{country}国家战略已于2025年{month}修订，以反映{topic}领域的最新发展。",
        "我方将有{n}名代表现场参会，另有{n2}名代表在线参会。",
        "请将我的同事{name}加入对话会邮件列表。",
        "观察员能否在关于{topic}的会议上发言？",
        "演示文稿将于{deadline}前发送。",
        "提名函提交较晚，敬请谅解。",
        "据我们了解，会议将于{day}日内瓦时间{time}开始。",
        "{org}已成立{topic}工作组，由{name}负责。",
    ),
    announce=(
        "世界知识产权组织国际局谨此宣布，{session}将于{dates}在日内瓦以线上线下相结合的方式举行。",
        "请各成员国和经认可的观察员于{deadline}前提交代表名单。",
        "发言申请请发送至frontier.tech@wipo.int。",
        "本届会议将重点讨论{topic}。",
    ),
    ooo=(
        "感谢您的来信。",
        "本人{deadline}前外出，查阅邮件不便。",
        "如有急事，请联系{name}（{colleague}）。",
        "本人正在{city}出差，将于{deadline}返回。",
    ),
    countries=(
        "中国",
        "新加坡",
        "马来西亚",
        "泰国",
        "越南",
        "老挝",
        "柬埔寨",
        "蒙古",
        "巴基斯坦",
        "印度尼西亚",
        "哈萨克斯坦",
        "斯里兰卡",
    ),
    topics=(
        "生成式人工智能与版权",
        "人工智能辅助发明",
        "训练数据与文本数据挖掘",
        "深度伪造",
        "人工智能在知识产权局中的应用",
        "人工智能相关发明的可专利性",
        "量子计算",
        "虚拟商品与元宇宙",
        "商业秘密与人工智能模型",
        "训练数据透明度",
        "人工智能治理",
        "发展中国家能力建设",
    ),
    roles=(
        "参赞",
        "一等秘书",
        "二等秘书",
        "专利局副局长",
        "人工智能处处长",
        "副常驻代表",
        "高级法律顾问",
        "知识产权专员",
    ),
    orgs=("外交部", "国家知识产权局", "科学技术部", "工业和信息化部", "国家数据局"),
    cities=("北京", "上海", "深圳", "广州", "杭州", "成都"),
    months=("1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月"),
    sessions=(
        "产权组织知识产权与前沿技术对话会第十二届会议",
        "世界知识产权组织知识产权与前沿技术对话会第12届会议",
    ),
    dates=("2025年10月28日至29日", "10月28日至29日"),
    langnames=("中文", "英文"),
    date_fmt=_zh_date,
    wrote="在 {date}，{name} <{addr}> 写道：",
    header_labels=("发件人:", "发送时间:", "收件人:", "抄送:", "主题:"),
    original="------------------ 原始邮件 ------------------",
    reply=("回复：", "答复: ", "Re: "),
    forward=("转发：", "Fw: "),
    auto_reply="自动回复: ",
    accepted="已接受: ",
    disclaimer="本邮件及其附件含有保密信息，仅限于发送给上述收件人。如果您错收了本邮件，请立即通知发件人并删除本邮件。",
    attachment_names=(
        "代表团名单.pdf",
        "发言稿_{n}.docx",
        "国家人工智能战略更新.pdf",
        "照会{ref}.pdf",
        "{country}代表团发言.docx",
        "参会人员名单.xlsx",
        "演示文稿_{n}.pptx",
        "扫描件{n4}.pdf",
        "IMG_{n4}.jpg",
    ),
    wipo_staff=("洛朗", "霍夫曼"),
    cjk=True,
    sentence_sep="",
)

ZH_HANT = Lang(
    code="zh-Hant",
    weight=1.5,
    charsets=(("big5", "big5", 65), ("utf-8", "utf-8", 35)),
    first=(
        ("嘉欣", "Ka Yan"),
        ("志偉", "Chi Wai"),
        ("美玲", "Mei Ling"),
        ("家豪", "Ka Ho"),
        ("詠詩", "Wing Sze"),
        ("俊傑", "Chun Kit"),
    ),
    last=(("陳", "Chan"), ("黃", "Wong"), ("李", "Lee"), ("張", "Cheung"), ("林", "Lam"), ("梁", "Leung")),
    family_first=True,
    domains=(
        ("ipd.gov.hk", 480, False, ""),
        ("cedb.gov.hk", 480, False, "outlook"),
        ("dsedt.gov.mo", 480, False, ""),
        ("yahoo.com.hk", 480, False, "apple"),
    ),
    greetings=("各位同事：", "您好：", "敬啟者："),
    closings=("順頌時祺", "謝謝！", "此致"),
    subjects=("關於{short}的查詢", "代表團名單", "申請發言", "關於{topic}的資料", "會議登記事宜 {dates}"),
    sentences=(
        "謹此通知出席{session}的代表團名單。",
        "請問會議是否提供遙距參與的安排？",
        "我們希望在有關{topic}的討論中發言。",
        "隨函附上有關{topic}的最新政策文件。",
        "請為{name}（{role}）辦理登記手續。",
        "請告知提交書面發言的截止日期。",
        "{name}將代替{name2}出席會議。",
        "我們注意到登記截止日期為{deadline}，煩請確認收到本電郵。",
        "能否提供有關{topic}的議程草案？",
        "感謝 貴處的協助。",
    ),
    announce=("世界智慧財產權組織謹此宣佈，{session}將於{dates}舉行。", "請於{deadline}前提交代表名單。"),
    ooo=(
        "多謝來函。",
        "本人於{deadline}前休假，未能即時回覆電郵。",
        "如有急事，請聯絡{name}（{colleague}）。",
    ),
    countries=("香港", "澳門"),
    topics=("生成式人工智能與版權", "人工智能輔助發明", "訓練數據", "量子運算", "人工智能管治"),
    roles=("高級知識產權主任", "助理署長", "政策研究主任"),
    orgs=("知識產權署", "商務及經濟發展局"),
    cities=("香港", "澳門"),
    months=("1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月"),
    sessions=("世界智慧財產權組織智慧財產權與前沿技術對話第十二屆會議",),
    dates=("2025年10月28日至29日",),
    langnames=("中文", "英文"),
    date_fmt=_zh_date,
    wrote="{name} <{addr}> 於 {date} 寫道：",
    header_labels=("寄件者:", "寄件日期:", "收件者:", "副本:", "主旨:"),
    original="-----原始郵件-----",
    reply=("回覆：", "RE: "),
    forward=("轉寄：", "FW: "),
    auto_reply="自動回覆: ",
    accepted="已接受: ",
    disclaimer="本電郵及其附件可能載有機密資料，只供指定收件人使用。",
    attachment_names=("代表團名單.pdf", "發言稿.docx", "政策文件_{n}.pdf", "IMG_{n4}.jpg"),
    wipo_staff=("洛朗",),
    cjk=True,
    sentence_sep="",
)

AR = Lang(
    code="ar",
    weight=9,
    charsets=(("utf-8", "utf-8", 60), ("windows-1256", "cp1256", 40)),
    first=(
        ("محمد", "Mohamed"),
        ("أحمد", "Ahmed"),
        ("فاطمة", "Fatima"),
        ("ليلى", "Leila"),
        ("خالد", "Khaled"),
        ("نور", "Nour"),
        ("عمر", "Omar"),
        ("سارة", "Sara"),
        ("يوسف", "Youssef"),
        ("مريم", "Mariam"),
        ("عبد الله", "Abdullah"),
        ("هدى", "Hoda"),
    ),
    last=(
        ("العتيبي", "Alotaibi"),
        ("المنصوري", "Almansoori"),
        ("حسن", "Hassan"),
        ("إبراهيم", "Ibrahim"),
        ("الشامي", "Alshami"),
        ("بن علي", "Benali"),
        ("الحربي", "Alharbi"),
        ("عبد الرحمن", "Abdelrahman"),
        ("القحطاني", "Alqahtani"),
        ("السيد", "Elsayed"),
        ("مراد", "Mourad"),
        ("الزهراني", "Alzahrani"),
    ),
    family_first=False,
    domains=(
        ("saip.gov.sa", 180, False, ""),
        ("egypo.gov.eg", 180, False, ""),
        ("mofa.gov.ae", 240, False, "outlook"),
        ("ompic.ma", 60, False, ""),
        ("mfa.gov.dz", 60, False, ""),
        ("mofa.gov.qa", 180, False, "outlook"),
        ("inorpi.ind.tn", 60, False, ""),
        ("mit.gov.jo", 180, False, ""),
        ("gmail.com", 180, False, "gmail"),
        ("hotmail.com", 240, False, "outlook"),
    ),
    greetings=(
        "السادة الأفاضل،",
        "تحية طيبة وبعد،",
        "الزملاء الأعزاء،",
        "السيدة {staff} المحترمة،",
        "السلام عليكم ورحمة الله وبركاته،",
    ),
    closings=("مع خالص التحية،", "وتفضلوا بقبول فائق الاحترام،", "شكراً جزيلاً،", "مع أطيب التمنيات،"),
    subjects=(
        "تسمية أعضاء الوفد - {short}",
        "طلب الكلمة - وفد {country}",
        "تحديث الاستراتيجية الوطنية للذكاء الاصطناعي - {country}",
        "استفسار بشأن {short}",
        "التسجيل في الدورة {dates}",
        "تشكيل وفد {country}",
        "طلب الكلمة في إطار البند {item} من جدول الأعمال",
        "مذكرة شفوية رقم {ref}",
        "اقتراح تنظيم حدث جانبي: {topic}",
    ),
    sentences=(
        "تهدي البعثة الدائمة لدى مكتب الأمم المتحدة في جنيف أطيب تحياتها إلى المكتب الدولي "
        "للمنظمة العالمية للملكية الفكرية (الويبو)، وتتشرف بإبلاغه بتشكيل وفد {country} إلى "
        "{session}.",
        "نود تسمية {name}، {role}، رئيساً للوفد في {session} التي ستعقد في جنيف يومي {dates}.",
        "يرجى التكرم بتأكيد إمكانية المشاركة عن بعد في هذه الدورة.",
        "يرغب وفدنا في أخذ الكلمة خلال المناقشة المتعلقة بموضوع {topic}.",
        "نرفق طيه النسخة المحدثة من الاستراتيجية الوطنية للذكاء الاصطناعي التي اعتمدتها "
        "حكومة {country} في {month} 2025.",
        "تتضمن الاستراتيجية الآن فصلاً مخصصاً لموضوع {topic} ولدور مكتب الملكية الفكرية.",
        "نرجو تسجيل المشاركين التاليين: {name} ({role}) و{name2} ({role2}).",
        "يرجى إفادتنا بالموعد النهائي لتقديم البيانات المكتوبة.",
        "هل ستتوفر الترجمة الفورية باللغات الرسمية الست خلال الدورة؟",
        "سيحل {name} محل {name2} في الوفد لتعذر سفره إلى جنيف في هذه التواريخ.",
        "تستفسر العاصمة عما إذا كانت الدورة ستتناول موضوع {topic} في سياق فحص البراءات.",
        "أكتب إليكم متابعةً لرسالتي السابقة بشأن طلب الكلمة في إطار البند {item}.",
        "نحيط علماً بأن آخر موعد للتسجيل هو {deadline}، ونرجو تأكيد استلام هذه الرسالة.",
        "هل يمكن للأمانة موافاتنا بمشروع البرنامج وقائمة المتحدثين في الجلسة المخصصة لموضوع {topic}؟",
        "تجري {org} حالياً مشاورات بشأن {topic} وستعرض النتائج الأولية خلال الحوار.",
        "سيلقي وفدنا كلمته باللغة {langname} ولن تتجاوز ثلاث دقائق.",
        "نود تنظيم حدث جانبي حول {topic} خلال استراحة الغداء يوم {day}.",
        "نشكركم على المذكرة الإعلامية المعممة بتاريخ {deadline}، وقد أحلناها إلى الوزارات المعنية.",
        "يؤيد وفدنا مواصلة الحوار بصيغة هجينة لإتاحة مشاركة أوسع من العواصم.",
        "هل يمكن الحصول على رسالة دعم لطلب تأشيرة {name} القادم من {city}؟",
        "سيحضر {n} من أعضاء الوفد شخصياً وسيتابع {n2} آخرون الدورة عبر الإنترنت.",
        "أرجو إضافة زميلتي {name} إلى القائمة البريدية الخاصة بالحوار.",
        "سنرسل شرائح العرض في موعد أقصاه {deadline}.",
        "نعتذر عن التأخر في إرسال خطاب التسمية.",
        "نفهم أن الاجتماع سيبدأ الساعة {time} بتوقيت جنيف يوم {day}.",
        "أنشأت {org} فريق عمل معنياً بموضوع {topic} برئاسة {name}.",
    ),
    announce=(
        "يسر المكتب الدولي للويبو أن يعلن أن {session} ستعقد في جنيف وعبر الإنترنت يومي {dates}.",
        "تدعى الدول الأعضاء والمراقبون المعتمدون إلى إرسال أسماء مندوبيهم قبل {deadline}.",
        "ترسل طلبات أخذ الكلمة إلى العنوان frontier.tech@wipo.int.",
        "ستركز هذه الدورة على موضوع {topic}.",
    ),
    ooo=(
        "شكراً على رسالتكم.",
        "أنا خارج المكتب حتى {deadline} مع إمكانية محدودة للاطلاع على البريد الإلكتروني.",
        "للأمور العاجلة يرجى الاتصال بـ{name} ({colleague}).",
        "أشارك في اجتماعات في {city} حتى {deadline}.",
    ),
    countries=(
        "المملكة العربية السعودية",
        "جمهورية مصر العربية",
        "الإمارات العربية المتحدة",
        "المملكة المغربية",
        "الجمهورية الجزائرية",
        "دولة قطر",
        "سلطنة عمان",
        "المملكة الأردنية الهاشمية",
        "الجمهورية التونسية",
        "دولة الكويت",
        "مملكة البحرين",
        "الجمهورية اللبنانية",
    ),
    topics=(
        "الذكاء الاصطناعي التوليدي وحق المؤلف",
        "الاختراعات بمساعدة الذكاء الاصطناعي",
        "بيانات التدريب واستخراج النصوص والبيانات",
        "التزييف العميق",
        "استخدام الذكاء الاصطناعي في مكاتب الملكية الفكرية",
        "أهلية الاختراعات المتعلقة بالذكاء الاصطناعي للحماية بالبراءات",
        "الحوسبة الكمومية",
        "السلع الافتراضية والميتافيرس",
        "الأسرار التجارية ونماذج الذكاء الاصطناعي",
        "شفافية بيانات التدريب",
        "حوكمة الذكاء الاصطناعي",
        "بناء القدرات في البلدان النامية",
    ),
    roles=(
        "مستشار",
        "سكرتير أول",
        "سكرتيرة ثانية",
        "مدير إدارة البراءات",
        "رئيسة وحدة الذكاء الاصطناعي",
        "نائب المندوب الدائم",
        "مستشار قانوني أول",
        "ملحق الملكية الفكرية",
    ),
    orgs=(
        "وزارة الخارجية",
        "الهيئة السعودية للملكية الفكرية",
        "وزارة الاقتصاد الرقمي",
        "أكاديمية البحث العلمي والتكنولوجيا",
        "الهيئة الوطنية للبيانات والذكاء الاصطناعي",
    ),
    cities=("الرياض", "القاهرة", "أبوظبي", "الرباط", "الجزائر", "الدوحة", "تونس", "عمّان"),
    months=("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر"),
    sessions=(
        "الدورة الثانية عشرة لحوار الويبو بشأن الملكية الفكرية والتكنولوجيات الحدودية",
        "الدورة 12 لحوار الويبو حول الملكية الفكرية والتكنولوجيات الحدودية",
    ),
    dates=("28 و29 أكتوبر 2025", "28-29 أكتوبر 2025"),
    langnames=("العربية", "الإنجليزية"),
    date_fmt=_ar_date,
    wrote="في {date}، كتب {name} <{addr}>:",
    header_labels=("من:", "تم الإرسال:", "إلى:", "نسخة:", "الموضوع:"),
    original="-----الرسالة الأصلية-----",
    reply=("رد: ", "RE: "),
    forward=("إعادة توجيه: ", "FW: "),
    auto_reply="رد تلقائي: ",
    accepted="تم القبول: ",
    disclaimer=(
        "هذه الرسالة وأي مرفقات بها سرية ومخصصة فقط للمرسل إليه. إذا تلقيت هذه الرسالة عن "
        "طريق الخطأ، يرجى إبلاغ المرسل وحذفها."
    ),
    attachment_names=(
        "مذكرة_شفوية_{ref}.pdf",
        "قائمة_الوفد.pdf",
        "كلمة_وفد_{country}.docx",
        "الاستراتيجية_الوطنية_للذكاء_الاصطناعي.pdf",
        "السيرة_الذاتية_{last}.docx",
        "عرض_{n}.pptx",
        "IMG_{n4}.jpg",
    ),
    wipo_staff=("لوران", "هوفمان"),
    rtl=True,
)

JA = Lang(
    code="ja",
    weight=1.5,
    charsets=(("iso-2022-jp", "iso-2022-jp", 80), ("utf-8", "utf-8", 20)),
    first=(
        ("健太", "Kenta"),
        ("由美", "Yumi"),
        ("大輔", "Daisuke"),
        ("さくら", "Sakura"),
        ("浩", "Hiroshi"),
        ("直子", "Naoko"),
    ),
    last=(
        ("佐藤", "Sato"),
        ("鈴木", "Suzuki"),
        ("高橋", "Takahashi"),
        ("田中", "Tanaka"),
        ("渡辺", "Watanabe"),
        ("山本", "Yamamoto"),
    ),
    family_first=True,
    domains=(
        ("jpo.go.jp", 540, False, ""),
        ("mofa.go.jp", 540, False, "outlook"),
        ("meti.go.jp", 540, False, ""),
    ),
    greetings=("WIPO事務局 ご担当者様", "ご担当者様", "お世話になっております。"),
    closings=("よろしくお願いいたします。", "以上、よろしくお願い申し上げます。"),
    subjects=(
        "{short} 出席者登録について",
        "発言申請（議題{item}）",
        "{topic}に関する資料送付",
        "会議日程（{dates}）についての質問",
    ),
    sentences=(
        "{session}に出席する日本代表団の名簿をお送りいたします。",
        "{name}（{role}）が代表団長として出席いたします。",
        "遠隔での参加は可能でしょうか。",
        "{topic}に関する議論において発言を希望いたします。",
        "資料は{deadline}までにお送りいたします。",
        "登録の締切は{deadline}と理解しておりますが、受領のご確認をお願いいたします。",
        "{name}が{name2}に代わって出席いたします。",
        "{org}では{topic}について検討を進めております。",
        "当日は{time}開始と理解しております。",
    ),
    announce=("{session}は{dates}にジュネーブで開催されます。",),
    ooo=(
        "ご連絡ありがとうございます。",
        "{deadline}まで不在にしております。",
        "急ぎの場合は{name}（{colleague}）までご連絡ください。",
    ),
    countries=("日本",),
    topics=("生成AIと著作権", "AIを利用した発明", "学習データ", "量子コンピュータ", "AIガバナンス"),
    roles=("参事官", "一等書記官", "国際政策課長"),
    orgs=("特許庁", "外務省", "経済産業省"),
    cities=("東京", "大阪"),
    months=("1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月"),
    sessions=("知的財産とフロンティア技術に関するWIPO対話第12回会合",),
    dates=("2025年10月28日から29日",),
    langnames=("日本語", "英語"),
    date_fmt=_zh_date,
    wrote="{date} {name} <{addr}>:",
    header_labels=("差出人:", "送信日時:", "宛先:", "CC:", "件名:"),
    original="-----Original Message-----",
    reply=("RE: ", "Re: "),
    forward=("FW: ", "転送: "),
    auto_reply="自動応答: ",
    accepted="承諾: ",
    disclaimer="本メールは機密情報を含む場合があります。誤って受信された場合は削除してください。",
    attachment_names=("出席者名簿.pdf", "発言要旨.docx", "資料_{n}.pdf"),
    wipo_staff=("ローラン",),
    cjk=True,
    sentence_sep="",
)

LANGS: tuple[Lang, ...] = (EN, FR, ES, RU, ZH, ZH_HANT, AR, JA)

SHORT_NAMES = {
    "en": ("WIPO Conversation, 12th session", "CONV/12", "WIPO/IP/CONV/GE/25"),
    "fr": ("Conversation de l'OMPI, 12e session", "WIPO/IP/CONV/GE/25"),
    "es": ("12.ª sesión del Diálogo de la OMPI", "WIPO/IP/CONV/GE/25"),
    "ru": ("12-й сессии Диалога ВОИС", "WIPO/IP/CONV/GE/25"),
    "zh": ("对话会第十二届会议", "WIPO/IP/CONV/GE/25"),
    "zh-Hant": ("對話第十二屆會議",),
    "ar": ("الدورة الثانية عشرة للحوار", "WIPO/IP/CONV/GE/25"),
    "ja": ("WIPO対話第12回会合",),
}

WIPO_SUBJECTS = (
    "WIPO Conversation on IP and Frontier Technologies - Twelfth Session: Information Note",
    "Invitation: 12th session of the WIPO Conversation on IP and Frontier Technologies",
    "Reminder: registration for the WIPO Conversation closes soon",
    "Conversation de l'OMPI - douzième session : note d'information",
    "Diálogo de la OMPI - duodécima sesión: nota informativa",
)

NEWSLETTERS = (
    ("OECD.AI Policy Observatory", "newsletter@oecd.ai", "oecd.ai", "en"),
    ("AI for Good", "news@aiforgood.itu.int", "itu.int", "en"),
    ("Managing IP Daily", "newsletters@managingip.com", "managingip.com", "en"),
    ("IP Watch", "info@ip-watch.org", "ip-watch.org", "en"),
    ("WIPO Newsletter", "newsletter@wipo.int", "wipo.int", "en"),
    ("La Lettre du numérique", "lettre@numerique.gouv.fr", "numerique.gouv.fr", "fr"),
    ("Boletín de Propiedad Intelectual", "boletin@ompi-noticias.org", "ompi-noticias.org", "es"),
)

BOUNCE_REASONS = (
    "550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox table",
    "552 5.2.2 <{rcpt}>: Mailbox full",
    "550 5.7.1 Message rejected as spam by Content Filtering",
    "554 5.4.14 Hop count exceeded - possible mail loop ATTR34",
    "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
)


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _fit(text: str, label: str, codec: str) -> tuple[str, str, str]:
    """(text, label, codec) such that ``text`` encodes in ``codec``: swap punctuation the
    charset lacks, as mail clients do, else move to a superset (GB2312 to GB18030) or UTF-8."""
    try:
        text.encode(codec)
        return text, label, codec
    except UnicodeEncodeError:
        pass
    text = text.translate(_PUNCT_ONLY if codec in ("iso-8859-1", "cp1252") else _FALLBACK)
    try:
        text.encode(codec)
        return text, label, codec
    except UnicodeEncodeError:
        pass
    if codec == "gb2312":
        return text, "gb18030", "gb18030"
    return text, "utf-8", "utf-8"


def _ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _fold(name: str, value: str, sep: str = " ", split_long: bool = False) -> str:
    """Fold ``value`` at spaces so that each line, the first one with "Name: ", fits 78 chars.

    ``sep`` is the whitespace starting continuation lines.  A first word too long for the
    first line starts on a continuation line (as Outlook does with long Message-IDs).  With
    ``split_long`` long tokens are cut to fill lines (only for values where whitespace does not
    matter, such as DKIM ``b=`` or Exchange anti-spam blobs).
    """
    if len(name) + 2 + len(value) <= MAX_LINE:
        return value
    lines: list[str] = []
    cur = ""
    room = MAX_LINE - len(name) - 2
    for word in value.split(" "):
        while word:
            space = room - len(cur) - (1 if cur else 0)
            if len(word) <= space:
                cur = f"{cur} {word}" if cur else word
                word = ""
            elif split_long and space >= 8 and len(word) > MAX_LINE - 2:
                cur = f"{cur} {word[:space]}" if cur else word[:space]
                word = word[space:]
                lines.append(cur)
                cur, room = "", MAX_LINE - 1
            elif cur:
                lines.append(cur)
                cur, room = "", MAX_LINE - 1
            elif not lines:
                lines.append("")
                room = MAX_LINE - 1
            else:  # longer than any line: leave it long (still far below 998)
                cur, word = word, ""
    lines.append(cur)
    return ("\n" + sep).join(lines)


def _encoded_words(text: str, label: str, codec: str, q: bool, room: int = 75, first_room: int = 75) -> list[str]:
    """RFC 2047 encoded words for ``text`` in ``codec``: the first at most ``first_room``
    characters long, the others at most ``room``."""
    prefix = f"=?{label}?{'Q' if q else 'B'}?"
    overhead = len(prefix) + 2
    words: list[str] = []
    start = 0
    while start < len(text):
        end = len(text)
        while True:
            chunk = text[start:end].encode(codec)
            body = _q_encode(chunk) if q else base64.b64encode(chunk).decode("ascii")
            limit = room if words else first_room
            if len(body) + overhead <= limit or end - start <= 1:
                break
            # shrink proportionally, at least by one character
            end = start + max(1, min(end - start - 1, (end - start) * (limit - overhead) // len(body)))
        words.append(f"{prefix}{body}?=")
        start = end
    return words


_Q_SAFE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!*+-/")


def _q_encode(data: bytes) -> str:
    return "".join(chr(b) if b in _Q_SAFE else "_" if b == 32 else f"={b:02X}" for b in data)


def _percentiles(sizes: Sequence[int]) -> dict[str, float]:
    ordered = sorted(sizes)

    def rank(p: float) -> int:
        return ordered[min(len(ordered) - 1, max(0, math.ceil(p * len(ordered)) - 1))]

    return {"median": rank(0.5), "p90": rank(0.9), "p99": rank(0.99), "max": ordered[-1]}


# --------------------------------------------------------------------------------------------
# Attachments: file-type framing around slices of one random blob
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileKind:
    """A kind of attachment: MIME type, magic header and trailer bytes."""

    mime: str
    ext: str
    head: bytes
    tail: bytes


def _zip_head(name: bytes) -> bytes:
    return (
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\x8a\x1c\xe4\x91\x7f\x01\x00\x00"
        b"\xd4\x05\x00\x00" + len(name).to_bytes(2, "little") + b"\x00\x00" + name
    )


ZIP_TAIL = b"PK\x05\x06\x00\x00\x00\x00\x0c\x00\x0c\x00\x1e\x03\x00\x00\xc2\x8f\x01\x00\x00\x00"

FILE_KINDS: dict[str, FileKind] = {
    "pdf": FileKind(
        "application/pdf",
        "pdf",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<</Type/Catalog/Pages 2 0 R/Lang(en-GB)>>\n"
        b"endobj\n4 0 obj\n<</Filter/FlateDecode/Length 5120>>\nstream\n",
        b"\nendstream\nendobj\nstartxref\n116\n%%EOF\n",
    ),
    "docx": FileKind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        _zip_head(b"[Content_Types].xml"),
        ZIP_TAIL,
    ),
    "xlsx": FileKind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        _zip_head(b"[Content_Types].xml"),
        ZIP_TAIL,
    ),
    "pptx": FileKind(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
        _zip_head(b"[Content_Types].xml"),
        ZIP_TAIL,
    ),
    "zip": FileKind("application/zip", "zip", _zip_head(b"documents/"), ZIP_TAIL),
    "jpg": FileKind(
        "image/jpeg",
        "jpg",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x01\x00H\x00H\x00\x00\xff\xe1\x00\x22Exif"
        b"\x00\x00MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x01\x00",
        b"\xff\xd9",
    ),
    "png": FileKind(
        "image/png",
        "png",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02\x80\x00\x00\x01\xe0\x08\x06\x00\x00"
        b"\x00\x35\xd1\xdc\xe4\x00\x00\x00\x01sRGB\x00\xae\xce\x1c\xe9",
        b"\x00\x00\x00\x00IEND\xaeB`\x82",
    ),
    "tnef": FileKind("application/ms-tnef", "dat", b"\x78\x9f\x3e\x22\x01\x00\x01\x06\x90\x08", b"\x00\x00"),
}

ATTACHMENT_KIND_WEIGHTS = (
    ("pdf", 45),
    ("docx", 24),
    ("jpg", 11),
    ("png", 6),
    ("xlsx", 5),
    ("pptx", 5),
    ("zip", 3),
    ("tnef", 1),
)
EXT_TO_KIND = {
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
    "pptx": "pptx",
    "jpg": "jpg",
    "png": "png",
    "zip": "zip",
    "dat": "tnef",
}


class _Blob:
    """Random bytes encoded once as CRLF base64 lines of 57 raw bytes, sliced per attachment."""

    def __init__(self, seed: int) -> None:
        raw = random.Random(seed * 7919 + 17).randbytes(BLOB_LINES * 57)
        self.lines = base64.encodebytes(raw).replace(b"\n", b"\r\n")
        self.flat = base64.b64encode(raw[:300_000]).decode("ascii")
        self._framed: dict[str, tuple[bytes, bytes]] = {}
        for key, kind in FILE_KINDS.items():
            pad = (-len(kind.head)) % 57
            head = kind.head + raw[-pad:] if pad else kind.head
            head_b64 = base64.encodebytes(head).replace(b"\n", b"\r\n")
            tail_b64 = base64.b64encode(kind.tail)
            self._framed[key] = (head_b64, tail_b64)

    def encoded(self, kind: str, budget: int, rng: random.Random) -> bytes:
        """Base64 of a file of ``kind`` whose encoding (no final CRLF) fits in ``budget``."""
        head, tail = self._framed[kind]
        lines = max(1, (budget - len(head) - len(tail)) // 78)
        lines = min(lines, BLOB_LINES - 1)
        start = rng.randrange(0, BLOB_LINES - lines + 1) * 78
        return head + self.lines[start : start + lines * 78] + tail

    def token(self, rng: random.Random, length: int) -> str:
        start = rng.randrange(0, len(self.flat) - length)
        return self.flat[start : start + length]


# --------------------------------------------------------------------------------------------
# People, clients and text
# --------------------------------------------------------------------------------------------


@dataclass
class Persona:
    """A sender: who they are and what their mail client does."""

    lang: Lang
    name: str
    latin: str
    addr: str
    domain: str
    offset: int
    eu_dst: bool
    client: str
    label: str
    codec: str
    cte: str
    role: str
    org: str
    show_latin: bool
    disclaimer: bool
    signature: tuple[str, ...]
    female: bool


@dataclass(frozen=True)
class Placeholder:
    """Where an attachment goes in the serialized skeleton, its file kind and size weight."""

    token: str
    kind: str
    weight: float


@dataclass
class Sent:
    """A generated message remembered for threading."""

    msgid: str
    refs: tuple[str, ...]
    subject: str
    persona: Persona
    date: datetime
    text: str


FREEMAIL = frozenset(
    (
        "gmail.com",
        "163.com",
        "126.com",
        "yandex.ru",
        "mail.ru",
        "hotmail.com",
        "yahoo.com",
        "yahoo.fr",
        "yahoo.es",
        "sina.com",
        "outlook.com",
        "orange.fr",
        "yahoo.com.hk",
        "qq.com",
    )
)

GOV_CLIENTS = (("outlook", 48), ("exchange", 22), ("thunderbird", 10), ("apple", 10), ("gmail", 10))


class _Slots(dict[str, str]):
    """str.format_map mapping that picks a random value for each slot the template uses."""

    def __init__(self, gen: _MessageFactory, lang: Lang, persona: Persona | None) -> None:
        super().__init__()
        self.gen = gen
        self.lang = lang
        self.persona = persona

    def __missing__(self, key: str) -> str:
        g = self.gen
        rng = g.rng
        lang = self.lang
        value: str
        if key in ("name", "name2"):
            value = g.person_name(lang)[0]
        elif key in ("role", "role2"):
            value = rng.choice(lang.roles)
        elif key == "country":
            value = rng.choice(lang.countries)
        elif key == "topic":
            value = rng.choice(lang.topics)
        elif key == "org":
            value = rng.choice(lang.orgs)
        elif key == "city":
            value = rng.choice(lang.cities)
        elif key == "month":
            value = rng.choice(lang.months)
        elif key == "session":
            value = rng.choice(lang.sessions)
        elif key == "short":
            value = rng.choice(SHORT_NAMES[lang.code])
        elif key == "dates":
            value = rng.choice(lang.dates)
        elif key == "langname":
            value = rng.choice(lang.langnames)
        elif key == "deadline":
            day, month = rng.choice(((15, 9), (30, 9), (1, 10), (10, 10), (15, 10), (20, 10), (24, 10), (3, 11)))
            value = lang.date_fmt(day, month)
        elif key == "day":
            value = lang.date_fmt(rng.choice((28, 29)), 10)
        elif key == "time":
            value = rng.choice(("10:00", "9:30", "15:00", "14:30", "10h00"))
        elif key == "item":
            value = str(rng.randint(3, 9))
        elif key in ("n", "n2"):
            value = str(rng.randint(2, 12))
        elif key == "n4":
            value = str(rng.randint(1000, 9999))
        elif key == "ref":
            value = f"{rng.choice(('GVA', 'NV', 'PM', 'IP'))}/{rng.randint(100, 4999)}/2025"
        elif key == "staff":
            value = rng.choice(lang.wipo_staff)
        elif key == "colleague":
            p = self.persona
            domain = p.domain if p else "wipo.int"
            value = f"{g.person_name(EN)[1].split()[0].lower()}.{rng.randint(1, 99)}@{domain}"
        elif key == "last":
            value = g.person_name(lang)[0].split()[-1]
        elif key == "mm":
            value = f"{rng.randint(9, 10):02d}"
        elif key == "dd":
            value = f"{rng.randint(1, 28):02d}"
        else:
            value = key
        self[key] = value
        return value


# --------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------


class _MessageFactory:
    """Holds the random state, the blob, the personas and the thread history of one run."""

    def __init__(self, seed: int, total: int) -> None:
        self.rng = random.Random(seed)
        self.total = max(total, 1)
        self.blob = _Blob(seed)
        self.seen_ids: set[str] = set()
        self.history: deque[Sent] = deque(maxlen=400)
        self.tokens = 0
        # Senders per language, a few of them writing much more than the others (Zipf-like).
        self.lang_cum = list(itertools.accumulate(lang.weight for lang in LANGS))
        self.personas: list[list[Persona]] = []
        self.persona_cum: list[list[float]] = []
        for lang in LANGS:
            count = max(6, int(lang.weight * 12))
            self.personas.append([self._persona(lang) for _ in range(count)])
            self.persona_cum.append(list(itertools.accumulate(1.0 / (i + 4) for i in range(count))))

    # ---- people --------------------------------------------------------------------------

    def person_name(self, lang: Lang, female: bool | None = None) -> tuple[str, str, bool]:
        rng = self.rng
        first, first_latin = rng.choice(lang.first)
        last, last_latin = rng.choice(lang.last)
        if lang is RU:
            female = first[-1] in "ая"
        elif female is None:
            female = rng.random() < 0.5
        if "|" in last:
            last = last.split("|")[female]
            last_latin = last_latin.split("|")[female]
        if lang.family_first:
            native = f"{last}{first}" if lang.cjk else f"{last} {first}"
            latin = f"{last_latin.upper()} {first_latin}"
        else:
            if lang is ES and rng.random() < 0.4:
                last2 = rng.choice(lang.last)[0]
                last = f"{last} {last2}"
            native = f"{first} {last}"
            latin = f"{first_latin} {last_latin}"
        return native, latin, female

    def _persona(self, lang: Lang) -> Persona:
        rng = self.rng
        native, latin, female = self.person_name(lang)
        domain, offset, eu_dst, client = rng.choice(lang.domains)
        if not client:
            client = rng.choices([c for c, _ in GOV_CLIENTS], [w for _, w in GOV_CLIENTS])[0]
        parts = _ascii_fold(latin).lower().replace("'", "").split()
        if lang.family_first:
            parts = parts[1:] + parts[:1]
        first, last = parts[0], parts[-1]
        if domain == "qq.com":
            local = str(rng.randint(10_000_000, 2_999_999_999))
        elif domain in FREEMAIL:
            local = rng.choice(
                (
                    f"{first}.{last}{rng.randint(1, 99)}",
                    f"{first}{last}",
                    f"{last}.{first}{rng.randint(1960, 2001)}",
                    f"{first[0]}{last}",
                )
            )
        else:
            local = rng.choice(
                (f"{first}.{last}", f"{first[0]}.{last}", f"{first}.{last}", f"{last}", f"{first}{last[0]}")
            )
        labels = [c[:2] for c in lang.charsets]
        label, codec = rng.choices(labels, [c[2] for c in lang.charsets])[0]
        if client == "gmail" and codec != "ascii":
            label, codec = "UTF-8", "utf-8"
        elif client in ("foxmail", "coremail") and rng.random() < 0.7:
            label, codec = rng.choice((("gb2312", "gb2312"), ("GBK", "gbk"), ("gb18030", "gb18030")))
        if codec == "iso-2022-jp":
            cte = "7bit"
        elif client == "thunderbird" or client in ("yandex", "mailru"):
            cte = rng.choice(("8bit", "8bit", "base64"))
        elif client in ("foxmail", "coremail"):
            cte = "base64"
        elif codec == "ascii":
            cte = "7bit"
        elif lang.code in ("en", "fr", "es"):
            cte = "quoted-printable"
        else:
            cte = rng.choice(("base64", "quoted-printable", "base64", "8bit"))
        role = rng.choice(lang.roles)
        org = rng.choice(lang.orgs)
        persona = Persona(
            lang=lang,
            name=native,
            latin=latin,
            addr=f"{local}@{domain}",
            domain=domain,
            offset=offset,
            eu_dst=eu_dst,
            client=client,
            label=label,
            codec=codec,
            cte=cte,
            role=role,
            org=org,
            show_latin=rng.random() < 0.15 and lang is not EN,
            disclaimer=rng.random() < 0.3,
            signature=(),
            female=female,
        )
        persona.signature = self._signature(persona)
        return persona

    def _signature(self, p: Persona) -> tuple[str, ...]:
        rng = self.rng
        lines = [p.name]
        if p.lang is not EN and rng.random() < 0.5:
            lines.append(p.latin)
        lines += [p.role, p.org]
        if rng.random() < 0.7:
            lines.append(f"Tel: +41 22 {rng.randint(700, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}")
        if rng.random() < 0.4:
            lines.append(
                f"Mob: +{rng.randint(1, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
            )
        lines.append(p.addr)
        if p.domain not in FREEMAIL and rng.random() < 0.5:
            lines.append(f"www.{p.domain}")
        return tuple(lines)

    def colleagues(self, p: Persona, count: int) -> list[tuple[str, str]]:
        out = []
        for _ in range(count):
            native, latin, _ = self.person_name(p.lang)
            parts = _ascii_fold(latin).lower().replace("'", "").split()
            out.append((native if self.rng.random() < 0.7 else latin, f"{parts[-1]}.{parts[0]}@{p.domain}"))
        return out

    # ---- identifiers and dates -----------------------------------------------------------

    def hexid(self, n: int, upper: bool = False) -> str:
        s = f"{self.rng.getrandbits(n * 4):0{n}x}"
        return s.upper() if upper else s

    def msgid(self, client: str, domain: str) -> str:
        rng = self.rng
        while True:
            if client == "outlook":
                host = (
                    f"{rng.choice(('AM9PR', 'DB9PR', 'PAXPR', 'GV0P', 'DU2PR', 'BN6PR'))}"
                    f"{rng.randint(1, 9):02d}MB{rng.randint(1000, 9999)}"
                )
                region = rng.choice(("eurprd07", "eurprd02", "namprd05", "apcprd03"))
                mid = f"{host}{self.hexid(28, True)}@{host}.{region}.prod.outlook.com"
            elif client == "exchange":
                mid = f"{self.hexid(32)}@{rng.choice(('mbx01', 'mbx02', 'exch'))}.{domain}"
            elif client == "gmail":
                mid = f"CA{self.blob.token(rng, 40).replace('/', '_')}@mail.gmail.com"
            elif client == "apple":
                mid = f"{self.uuid().upper()}@{domain}"
            elif client == "thunderbird":
                mid = f"{self.uuid()}@{domain}"
            elif client == "foxmail":
                mid = f"tencent_{self.hexid(40, True)}@qq.com"
            elif client == "coremail":
                mid = f"{rng.randint(10**11, 10**12)}.{rng.randint(1000, 99999)}.{self.hexid(12)}@{domain}"
            elif client == "yandex":
                mid = f"{rng.randint(10**5, 10**6)}{rng.randint(10**9, 10**10)}@mail.yandex.ru"
            elif client == "mailru":
                mid = f"{rng.randint(1_700_000_000, 1_800_000_000)}.{self.hexid(8)}@f{rng.randint(100, 999)}.i.mail.ru"
            else:
                mid = f"{self.hexid(24)}.{rng.randint(1, 10**6)}@{domain}"
            mid = f"<{mid}>"
            if mid not in self.seen_ids:
                self.seen_ids.add(mid)
                return mid

    def uuid(self) -> str:
        h = self.hexid(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def boundary(self, client: str) -> str:
        rng = self.rng
        if client in ("outlook", "exchange"):
            return f"_{rng.randint(0, 9):03d}_{self.hexid(20, True)}{rng.choice(('eurp', 'namp', 'wipo'))}_"
        if client == "gmail":
            return f"0000000000{self.hexid(16)}"
        if client == "apple":
            return f"Apple-Mail={self.uuid().upper()}"
        if client == "thunderbird":
            return f"------------{self.blob.token(rng, 24).replace('/', '0').replace('+', '1')}"
        if client in ("foxmail", "coremail"):
            return f"----=_NextPart_{self.hexid(8, True)}_{self.hexid(8, True)}_{self.hexid(8, True)}"
        if client == "postfix":
            return f"{self.hexid(10, True)}.{rng.randint(1756700000, 1761900000)}/mx1.wipo.int"
        if client in ("yandex", "mailru"):
            return f"----==--bound.{rng.randint(10**5, 10**6)}.{self.hexid(10)}"
        return f"----=_Part_{rng.randint(1, 99999)}_{rng.randint(10**8, 10**9)}.{rng.randint(10**12, 10**13)}"

    def local(self, when: datetime, offset: int, eu_dst: bool) -> datetime:
        if eu_dst and when < EU_DST_END:
            offset += 60
        return when.astimezone(timezone(timedelta(minutes=offset)))

    def ip(self, client: str) -> str:
        rng = self.rng
        prefix = {
            "outlook": "40.107",
            "gmail": "209.85",
            "yandex": "77.88",
            "mailru": "94.100",
            "foxmail": "43.163",
            "coremail": "220.181",
        }.get(client)
        if prefix is None:
            prefix = f"{rng.randint(62, 213)}.{rng.randint(1, 254)}"
        return f"{prefix}.{rng.randint(1, 254)}.{rng.randint(1, 254)}"

    # ---- text ----------------------------------------------------------------------------

    def sentence(self, lang: Lang, bank: Sequence[str], persona: Persona | None) -> str:
        return self.rng.choice(bank).format_map(_Slots(self, lang, persona))

    def subject(self, lang: Lang, persona: Persona | None) -> str:
        text = self.sentence(lang, lang.subjects, persona)
        return text[:1].upper() + text[1:]

    def paragraphs(
        self, lang: Lang, persona: Persona | None, budget: int, bank: Sequence[str] | None = None
    ) -> list[str]:
        """Paragraphs of 1-5 sentences until about ``budget`` bytes of UTF-8 are written."""
        rng = self.rng
        bank = bank or lang.sentences
        paras: list[str] = []
        size = 0
        sep = lang.sentence_sep
        slots = _Slots(self, lang, persona)
        while size < budget or not paras:
            templates = rng.sample(bank, min(len(bank), rng.randint(1, 5)))
            para = sep.join(t.format_map(slots) for t in templates)
            slots.clear()
            paras.append(para)
            size += len(para.encode("utf-8")) + 2
        return paras

    # ---- MIME building blocks ------------------------------------------------------------

    def text_part(
        self, msg: EmailMessage, text: str, subtype: str, label: str, codec: str, cte: str, extra: str = ""
    ) -> None:
        """Give ``msg`` a text/``subtype`` body encoded in ``codec`` with ``cte``."""
        text, label, codec = _fit(text, label, codec)
        data = text.encode(codec)
        if cte == "7bit" and not data.isascii():
            cte = "quoted-printable"
        if cte in ("7bit", "8bit") and max(map(len, data.split(b"\n"))) > 900:
            cte = "base64" if codec == "iso-2022-jp" else "quoted-printable"
        if cte == "base64":
            payload = base64.encodebytes(data).decode("ascii")
        elif cte == "quoted-printable":
            payload = binascii.b2a_qp(data, istext=True).decode("ascii")
        elif cte == "8bit":
            payload = data.decode("ascii", "surrogateescape")
        else:
            payload = data.decode("ascii")
        if not payload.endswith("\n"):
            payload += "\n"
        ctype = f'text/{subtype}; charset="{label}"{extra}'
        msg.set_raw("Content-Type", _fold("Content-Type", ctype))
        msg.set_raw("Content-Transfer-Encoding", cte)
        msg.set_payload(payload)

    def multipart(
        self, msg: EmailMessage, subtype: str, client: str, parts: list[EmailMessage], params: str = ""
    ) -> None:
        boundary = self.boundary(client)
        msg.set_raw("Content-Type", f'multipart/{subtype};\n\t{params}boundary="{boundary}"')
        msg.set_payload(parts)

    def filename_params(self, name: str, label: str, codec: str, style: str, param: str) -> str:
        """``param``=... for a file name, as RFC 2231 (with continuations) or RFC 2047."""
        if name.isascii():
            return f'{param}="{name}"'
        if style == "2047":
            words = _encoded_words(name, label, codec, q=False, room=70)
            return f'{param}="' + "\n ".join(words) + '"'
        safe = "!#$&+-.^_`|~"
        value = f"{label}''{quote(name.encode(codec), safe=safe)}"
        if len(value) + len(param) + 4 <= 70:
            return f"{param}*={value}"
        # RFC 2231 continuations, cut between characters (never inside one)
        chunks = [f"{label}''"]
        for char in name:
            piece = quote(char.encode(codec), safe=safe)
            if len(chunks[-1]) + len(piece) > 60:
                chunks.append("")
            chunks[-1] += piece
        return ";\n ".join(f"{param}*{i}*={c}" for i, c in enumerate(chunks))

    def attachment(
        self, p: Persona, name: str, kind: str, weight: float, inline_cid: str | None = None
    ) -> tuple[EmailMessage, Placeholder]:
        """An attachment part whose base64 body is a placeholder filled in by ``finish``."""
        rng = self.rng
        part = EmailMessage(policy=POLICY)
        fk = FILE_KINDS[kind]
        rfc2047 = p.client in ("outlook", "exchange", "apple") and rng.random() < 0.6
        style = "2047" if rfc2047 else "2231"
        label, codec = ("utf-8", "utf-8")
        if style == "2231" and p.codec not in ("utf-8", "ascii", "iso-2022-jp") and rng.random() < 0.25:
            label, codec = p.label, p.codec
        try:
            name.encode(codec)
        except UnicodeEncodeError:
            label, codec = "utf-8", "utf-8"
        ctype = f"{fk.mime};\n " + self.filename_params(name, label, codec, style, "name")
        part.set_raw("Content-Type", ctype)
        disp = "inline" if inline_cid else "attachment"
        disp_value = f"{disp};\n " + self.filename_params(name, label, codec, style, "filename")
        if rng.random() < 0.3:
            disp_value += f";\n size={rng.randint(10_000, 900_000)}"
        if rng.random() < 0.3:
            part.set_raw("Content-Description", _fold("Content-Description", _ascii_fold(name) or "attachment"))
        part.set_raw("Content-Disposition", disp_value)
        if inline_cid:
            part.set_raw("Content-ID", f"<{inline_cid}>")
        part.set_raw("Content-Transfer-Encoding", "base64")
        self.tokens += 1
        token = f"@@ATTACHMENT-{self.tokens:08d}-{self.hexid(12)}@@"
        part.set_payload(token)
        return part, Placeholder(token, kind, weight)

    # ---- headers -------------------------------------------------------------------------

    def encode_text_header(self, text: str, label: str, codec: str, name: str, client: str) -> str:
        """An unstructured header value, RFC 2047-encoded when not ASCII."""
        if text.isascii():
            return _fold(name, text)
        text, label, codec = _fit(text, label, codec)
        if text.isascii():
            return _fold(name, text)
        latin = len(text.encode("ascii", "ignore")) > 0.7 * len(text)
        q = latin and (
            (codec in ("iso-8859-1", "cp1252") and self.rng.random() < 0.7) or client in ("thunderbird", "apple")
        )
        prefix = ""
        if client in ("thunderbird", "gmail") and ": " in text[:12]:
            head, _, rest = text.partition(": ")
            if head.isascii():
                prefix, text = head + ": ", rest
        first_room = max(30, MAX_LINE - len(name) - 2 - len(prefix))
        words = _encoded_words(text, label, codec, q, 75, first_room)
        value = prefix + " ".join(words)
        return _fold(name, value)

    def address(self, name: str, addr: str, label: str, codec: str) -> str:
        if not name:
            return addr
        if name.isascii():
            return formataddr((name, addr))
        try:
            name.encode(codec)
        except UnicodeEncodeError:
            label, codec = "utf-8", "utf-8"
        words = _encoded_words(name, label, codec, q=codec in ("iso-8859-1", "cp1252"), room=70)
        return " ".join(words) + f" <{addr}>"

    def address_list(self, name: str, items: list[tuple[str, str]], label: str, codec: str) -> str:
        return _fold(name, ", ".join(self.address(n, a, label, codec) for n, a in items))

    def received(self, p: Persona, when: datetime) -> list[tuple[str, str]]:
        """1-3 Received headers, newest first, and the arrival time."""
        rng = self.rng
        hops = rng.choices((1, 2, 3), (25, 45, 30))[0]
        t = when
        chain: list[str] = []
        if p.client == "outlook":
            host = (
                f"{rng.choice(('AM9PR', 'DB9PR', 'PAXPR', 'DU2PR'))}{rng.randint(1, 9):02d}MB{rng.randint(1000, 9999)}"
            )
            region = rng.choice(("eurprd07", "eurprd02", "namprd05"))
            relay = (
                f"mail-{rng.choice(('am6', 'db8', 'vi1', 'he1'))}eur{rng.randint(1, 5):02d}"
                f"on{rng.randint(2000, 2199)}.outbound.protection.outlook.com"
            )
            origin = (
                f"from {host}.{region}.prod.outlook.com "
                f"(2603:10a6:20b:{self.hexid(3)}::{rng.randint(10, 99)}) "
                f"by {host}.{region}.prod.outlook.com with Microsoft SMTP Server "
                f"(version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) "
                f"id 15.20.{rng.randint(8000, 8300)}.{rng.randint(10, 40)}"
            )
        elif p.client == "gmail":
            relay = f"mail-{rng.choice(('ed1', 'wr1', 'lf1', 'pl1'))}-f{rng.randint(40, 200)}.google.com"
            origin = (
                f"by 2002:a05:6402:{self.hexid(4)}:b0:{self.hexid(3)}:{self.hexid(4)} "
                f"with SMTP id {self.hexid(10)}{rng.randint(100, 999)}edb.{rng.randint(10, 99)}"
            )
        else:
            relay = f"{rng.choice(('mail', 'smtp', 'mx', 'relay', 'out'))}{rng.randint(1, 9)}.{p.domain}"
            origin = (
                f"from [{self.ip('')}] (unknown [{self.ip('')}]) by {relay} "
                f"(Postfix) with ESMTPSA id {self.hexid(11, True)}"
            )
        mx = f"mx{rng.randint(1, 3)}.wipo.int"
        t += timedelta(seconds=rng.randint(1, 20))
        chain.append(f"{origin}; {format_datetime(t.astimezone(UTC))}")
        t += timedelta(seconds=rng.randint(1, 40) if rng.random() < 0.95 else rng.randint(60, 3000))
        chain.append(
            f"from {relay} ({relay} [{self.ip(p.client)}]) by {mx} (Postfix) with ESMTPS "
            f"id 4c{self.hexid(9, True)} for <{MAILBOX}>; "
            f"{format_datetime(self.local(t, 60, True))}"
        )
        t += timedelta(seconds=rng.randint(0, 5))
        chain.append(
            f"from {mx} (10.{rng.randint(1, 9)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}) "
            f"by EXCH{rng.randint(1, 4):02d}.wipo.int "
            f"(10.{rng.randint(1, 9)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}) "
            f"with Microsoft SMTP Server id 15.2.1544.{rng.randint(4, 14)}; "
            f"{format_datetime(self.local(t, 60, True))}"
        )
        chain = chain[-hops:]
        return [("Received", _fold("Received", v, "\t")) for v in reversed(chain)]

    def client_headers(self, p: Persona, lean: bool, subject: str, has_attach: bool) -> list[tuple[str, str]]:
        """Headers typical of the sender's client and domain (DKIM, ARC, X-MS-*, X-Mailer)."""
        rng = self.rng
        out: list[tuple[str, str]] = []
        tok = self.blob.token
        if not lean or rng.random() < 0.3:
            out.append(
                (
                    "Authentication-Results",
                    _fold(
                        "Authentication-Results",
                        f"mx1.wipo.int; dkim=pass (2048-bit key; unprotected) header.d={p.domain} "
                        f"header.i=@{p.domain} header.b={tok(rng, 8)}; spf=pass smtp.mailfrom={p.domain}; "
                        f"dmarc=pass (p=quarantine dis=none) header.from={p.domain}",
                    ),
                )
            )
        if p.client != "thunderbird" and (not lean or rng.random() < 0.5):
            selector = {"gmail": "20230601", "outlook": "selector1"}.get(p.client, "default")
            d = "gmail.com" if p.client == "gmail" and p.domain == "gmail.com" else p.domain
            out.append(
                (
                    "DKIM-Signature",
                    _fold(
                        "DKIM-Signature",
                        f"v=1; a=rsa-sha256; c=relaxed/relaxed; d={d}; s={selector}; "
                        f"t={rng.randint(1756700000, 1761900000)}; "
                        "h=From:Date:Subject:Message-ID:Content-Type:MIME-Version:To:Cc; "
                        f"bh={tok(rng, 43)}=; "
                        f"b={tok(rng, 342)}==",
                        "\t",
                        split_long=True,
                    ),
                )
            )
        if p.client == "outlook" and not lean:
            out.append(
                (
                    "ARC-Seal",
                    _fold(
                        "ARC-Seal",
                        f"i=1; a=rsa-sha256; s=arcselector10001; d=microsoft.com; cv=none; b={tok(rng, 342)}==",
                        " ",
                        split_long=True,
                    ),
                )
            )
            out.append(
                (
                    "ARC-Message-Signature",
                    _fold(
                        "ARC-Message-Signature",
                        f"i=1; a=rsa-sha256; c=relaxed/relaxed; d=microsoft.com; s=arcselector10001; "
                        "h=From:Date:Subject:Message-ID:Content-Type:MIME-Version:"
                        "X-MS-Exchange-SenderADCheck; "
                        f"bh={tok(rng, 43)}=; b={tok(rng, 342)}==",
                        " ",
                        split_long=True,
                    ),
                )
            )
            out.append(
                (
                    "ARC-Authentication-Results",
                    _fold(
                        "ARC-Authentication-Results",
                        f"i=1; mx.microsoft.com 1; spf=pass smtp.mailfrom={p.domain}; dmarc=pass "
                        f"action=none header.from={p.domain}; dkim=pass header.d={p.domain}; arc=none",
                    ),
                )
            )
        if p.client in ("outlook", "exchange"):
            out.append(
                (
                    "Thread-Topic",
                    self.encode_text_header(subject.split(": ", 1)[-1], p.label, p.codec, "Thread-Topic", p.client),
                )
            )
            out.append(("Thread-Index", f"A{tok(rng, 30)}=="))
        if p.client == "gmail" and not lean:
            out.append(
                (
                    "X-Google-DKIM-Signature",
                    _fold(
                        "X-Google-DKIM-Signature",
                        f"v=1; a=rsa-sha256; c=relaxed/relaxed; d=1e100.net; s=20230601; "
                        f"h=to:subject:message-id:date:from:mime-version; bh={tok(rng, 43)}=; "
                        f"b={tok(rng, 342)}==",
                        "\t",
                        split_long=True,
                    ),
                )
            )
            out.append(("X-Gm-Message-State", _fold("X-Gm-Message-State", tok(rng, 120), " ", split_long=True)))
            out.append(("X-Google-Smtp-Source", _fold("X-Google-Smtp-Source", tok(rng, 80), " ", split_long=True)))
        return out

    def exchange_tail(self, p: Persona, lean: bool, has_attach: bool) -> list[tuple[str, str]]:
        rng = self.rng
        tok = self.blob.token
        tag = {
            "en": "en-US",
            "fr": "fr-FR",
            "es": "es-ES",
            "ru": "ru-RU",
            "zh": "zh-CN",
            "zh-Hant": "zh-HK",
            "ar": "ar-SA",
            "ja": "ja-JP",
        }[p.lang.code]
        out = [
            ("Accept-Language", tag if tag == "en-US" else f"{tag}, en-US"),
            ("Content-Language", tag),
            ("X-MS-Has-Attach", "yes" if has_attach else ""),
            ("X-MS-TNEF-Correlator", ""),
        ]
        if p.client == "outlook" and not lean:
            out += [
                ("x-ms-publictraffictype", "Email"),
                ("x-ms-traffictypediagnostic", f"{self.hexid(4, True)}:EE_|{self.hexid(6, True)}:EE_"),
                ("x-ms-office365-filtering-correlation-id", self.uuid()),
                ("x-microsoft-antispam", "BCL:0;ARA:13230040|366016|1800799024|376014|38070700018;"),
                (
                    "x-microsoft-antispam-message-info",
                    _fold(
                        "x-microsoft-antispam-message-info",
                        tok(rng, rng.randint(300, 2400)),
                        " ",
                        split_long=True,
                    ),
                ),
                (
                    "x-forefront-antispam-report",
                    _fold(
                        "x-forefront-antispam-report",
                        f"CIP:255.255.255.255;CTRY:;LANG:{p.lang.code};SCL:1;SRV:;IPV:NLI;SFV:NSPM;"
                        f"H:{self.hexid(12, True)}.eurprd07.prod.outlook.com;PTR:;CAT:NONE;"
                        "SFS:(13230040)(366016)(1800799024)(376014)(38070700018);DIR:OUT;SFP:1101;",
                        " ",
                        split_long=True,
                    ),
                ),
                ("x-ms-exchange-antispam-messagedata-chunkcount", "1"),
                (
                    "x-ms-exchange-antispam-messagedata-0",
                    _fold(
                        "x-ms-exchange-antispam-messagedata-0",
                        tok(rng, rng.randint(400, 2000)),
                        " ",
                        split_long=True,
                    ),
                ),
                ("X-MS-Exchange-CrossTenant-AuthAs", "Internal"),
                ("X-MS-Exchange-CrossTenant-Network-Message-Id", self.uuid()),
                ("X-MS-Exchange-CrossTenant-id", self.uuid()),
                ("X-MS-Exchange-CrossTenant-mailboxtype", "HOSTED"),
                ("X-OriginatorOrg", p.domain),
            ]
        return out

    # ---- whole messages ------------------------------------------------------------------

    def pick_target(self) -> tuple[int, int]:
        rng = self.rng
        r = rng.random()
        acc = 0.0
        for index, (share, low, high) in enumerate(SIZE_BUCKETS):
            acc += share
            if r < acc or index == len(SIZE_BUCKETS) - 1:
                return index, int(math.exp(rng.uniform(math.log(low), math.log(high))))
        raise AssertionError  # pragma: no cover

    def when(self, index: int) -> datetime:
        """Arrival time: messages spread in order over the period, mostly in working hours.

        The random draws do not depend on the count, so that runs with the same seed and a
        different N give the same messages on a stretched or squeezed timeline.
        """
        rng = self.rng
        jitter, working, hour = rng.random(), rng.random() < 0.6, rng.randint(6, 17)
        span = (END - START).total_seconds()
        base = START + timedelta(seconds=span * (index + jitter) / self.total)
        if working and not 6 <= base.hour <= 17:
            base = base.replace(hour=hour)
        return min(max(base, START), END)

    def message(self, index: int) -> bytes:
        rng = self.rng
        bucket, target = self.pick_target()
        when = self.when(index)
        if bucket == 0:
            kind = rng.choices(("plain", "alternative", "html", "ooo", "bounce", "calendar"), (42, 40, 7, 5, 3, 3))[0]
        elif bucket == 1:
            kind = rng.choices(("mixed", "newsletter", "forward"), (84, 12, 4))[0]
        else:
            kind = "mixed"
        if kind == "ooo":
            raw = self.out_of_office(when)
        elif kind == "bounce":
            raw = self.bounce(when, target)
        elif kind == "newsletter":
            raw = self.newsletter(when, target)
        else:
            raw = self.human(when, target, kind)
        assert len(raw) <= MAX_SIZE, "attachments are sized to fit the target"
        return raw

    def persona(self) -> Persona:
        rng = self.rng
        index = rng.choices(range(len(LANGS)), cum_weights=self.lang_cum)[0]
        return rng.choices(self.personas[index], cum_weights=self.persona_cum[index])[0]

    def thread(self, p: Persona) -> tuple[str, Sent | None, str]:
        """("new"|"wipo"|"thread"|"forward", parent, subject)."""
        rng = self.rng
        r = rng.random()
        lang = p.lang
        if r < 0.2 and self.history:
            parent = self.history[-rng.randint(1, min(len(self.history), 60))]
            base = parent.subject
            for prefix in (*parent.persona.lang.reply, *lang.reply, "RE: ", "Re: "):
                if base.startswith(prefix):
                    base = base[len(prefix) :]
            return "thread", parent, rng.choice(lang.reply) + base
        if r < 0.45:
            return "wipo", None, rng.choice(lang.reply) + rng.choice(WIPO_SUBJECTS)
        if r < 0.5:
            return "forward", None, rng.choice(lang.forward) + self.subject(lang, p)
        return "new", None, self.subject(lang, p)

    def quote(
        self, p: Persona, mode: str, parent: Sent | None, when: datetime, budget: int
    ) -> tuple[str, str | None, tuple[str, ...]]:
        """Quoted text for a reply or forward, the parent's Message-ID and the References."""
        rng = self.rng
        lang = p.lang
        if mode == "thread" and parent is not None:
            q_name, q_addr = parent.persona.name, parent.persona.addr
            q_date, q_text, q_id = parent.date, parent.text, parent.msgid
            q_subject = parent.subject
            refs = parent.refs
        elif mode in ("wipo", "forward"):
            q_lang = lang if lang.code in ("fr", "es", "ru", "zh", "ar") and rng.random() < 0.5 else EN
            q_name = rng.choice(
                ("WIPO Frontier Technologies", "Frontier Technologies", "WIPO Conversation Secretariat")
            )
            q_addr = MAILBOX
            q_date = when - timedelta(days=rng.randint(1, 20), minutes=rng.randint(0, 600))
            paras = [rng.choice(("Dear Colleagues,", "Excellencies,"))]
            paras += self.paragraphs(q_lang, None, rng.randint(200, 900), q_lang.announce)
            paras.append(
                "Best regards,\nFrontier Technologies Division\nWorld Intellectual "
                "Property Organization (WIPO)\n34, chemin des Colombettes, 1211 Geneva 20"
            )
            q_text = "\n\n".join(paras)
            q_id = f"<{self.hexid(32)}@wipo.int>"
            q_subject = rng.choice(WIPO_SUBJECTS)
            refs = ()
        else:
            return "", None, ()
        refs = (*refs, q_id)[-12:]
        if len(q_text) > budget:
            q_text = q_text[: max(budget, 400)].rsplit("\n", 1)[0]
        date_s = self.local(q_date, p.offset, p.eu_dst).strftime(
            rng.choice(("%a, %d %b %Y %H:%M", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M"))
        )
        if mode == "forward" or p.client in ("outlook", "exchange"):
            labels = lang.header_labels
            head = [
                lang.original if mode != "forward" or rng.random() < 0.5 else "---------- Forwarded message ---------",
                f"{labels[0]} {q_name} <{q_addr}>",
                f"{labels[1]} {date_s}",
                f"{labels[2]} {MAILBOX}",
                f"{labels[4]} {q_subject}",
                "",
            ]
            if mode == "forward":
                return "\n".join(head) + "\n" + q_text, None, ()
            return "\n".join(head) + "\n" + q_text, q_id, refs
        attribution = lang.wrote.format(date=date_s, name=q_name, addr=q_addr)
        quoted = "\n".join(("> " + line) if line else ">" for line in q_text.split("\n"))
        return attribution + "\n" + quoted, q_id, refs

    def top_headers(
        self,
        p: Persona,
        when: datetime,
        subject: str,
        msgid: str,
        parent_id: str | None,
        refs: tuple[str, ...],
        lean: bool,
        has_attach: bool,
    ) -> list[tuple[str, str]]:
        rng = self.rng
        headers: list[tuple[str, str]] = []
        headers += self.received(p, when)
        headers += self.client_headers(p, lean, subject, has_attach)
        display = p.latin if p.show_latin else p.name
        headers.append(("From", self.address_list("From", [(display, p.addr)], p.label, p.codec)))
        to_name = rng.choice(
            (
                "",
                "",
                "Frontier Technologies",
                "WIPO Frontier Technologies",
                "'frontier.tech@wipo.int'",
                "frontier.tech",
            )
        )
        to = [(to_name, MAILBOX)]
        if rng.random() < 0.15:
            to += [(rng.choice(EN.wipo_staff).split()[-1], f"conversation.{rng.randint(1, 9)}@wipo.int")]
        headers.append(("To", self.address_list("To", to, p.label, p.codec)))
        r = rng.random()
        if r < 0.35:
            count = rng.randint(1, 4) if r > 0.05 else rng.randint(6, 18)
            headers.append(("Cc", self.address_list("Cc", self.colleagues(p, count), p.label, p.codec)))
        headers.append(("Subject", self.encode_text_header(subject, p.label, p.codec, "Subject", p.client)))
        local = self.local(when, p.offset, p.eu_dst)
        date_s = format_datetime(local)
        if p.client in ("yandex", "mailru") and rng.random() < 0.5:
            date_s += " (MSK)"
        headers.append(("Date", date_s))
        headers.append(("Message-ID", _fold("Message-ID", msgid)))
        if parent_id:
            headers.append(("References", _fold("References", " ".join(refs))))
            headers.append(("In-Reply-To", _fold("In-Reply-To", parent_id)))
        if p.client in ("outlook", "exchange"):
            headers += self.exchange_tail(p, lean, has_attach)
        elif p.client == "thunderbird":
            headers.append(("User-Agent", "Mozilla Thunderbird"))
            if p.lang.code != "en":
                headers.append(("Content-Language", p.lang.code))
        elif p.client == "apple":
            headers.append(("X-Mailer", "Apple Mail (2.3826.700.81)"))
        elif p.client == "foxmail":
            headers.append(("X-Mailer", "Foxmail 7.2.25.228[cn]"))
            headers.append(("X-QQ-MID", f"xmsmtpt{self.blob.token(rng, 40)}"))
        elif p.client == "coremail":
            headers.append(
                (
                    "X-Mailer",
                    _fold(
                        "X-Mailer",
                        "Coremail Webmail Server Version 2023.3-cmXT5 build 20240627("
                        "e6c6db66) Copyright (c) 2002-2025 www.mailtech.cn 163com",
                    ),
                )
            )
            headers.append(("X-Originating-IP", f"[{self.ip('')}]"))
        elif p.client == "yandex":
            headers.append(("X-Mailer", "Yamail [ http://yandex.ru ] 5.0"))
        elif p.client == "mailru":
            headers.append(("X-Mailer", "Mail.Ru Mailer 1.0"))
        headers.append(("MIME-Version", "1.0"))
        return headers

    def render_plain(self, p: Persona, paras: list[str], sig: list[str], quote: str, wrap: bool) -> str:
        """The text/plain body; ``wrap`` folds lines at 76 columns (8bit, Thunderbird)."""
        lines: list[str] = []
        flowed = p.client == "thunderbird" and not p.lang.cjk  # soft breaks end with a space
        for para in paras:
            if not wrap:
                lines.append(para)
            else:
                pieces = _wrap(para, 76, p.lang.cjk)
                lines.extend([f"{x} " for x in pieces[:-1]] + pieces[-1:] if flowed else pieces)
            lines.append("")
        sep = "-- " if p.client == "thunderbird" else None
        if sep:
            lines.append(sep)
        for line in sig:
            lines.extend(_wrap(line, 76, p.lang.cjk) if wrap else [line])
        if quote:
            lines += [""] if p.client not in ("outlook", "exchange") else ["", "_" * 32]
            for line in quote.split("\n"):
                if not wrap or len(line) <= 76:
                    lines.append(line)
                    continue
                prefix = "> " if line.startswith("> ") else ""
                lines.extend(
                    prefix + piece if i else piece
                    for i, piece in enumerate(_wrap(line, 76, p.lang.cjk or not line.isascii()))
                )
        return "\n".join(lines) + "\n"

    def render_html(
        self, p: Persona, paras: list[str], sig: list[str], quote: str, label: str, logo: str | None = None
    ) -> str:
        lang = p.lang
        esc = html.escape
        direction = ' dir="rtl"' if lang.rtl else ""
        out: list[str] = []
        if p.client in ("outlook", "exchange"):
            out.append(
                '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-'
                'com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="h'
                'ttp://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/'
                'REC-html40">\n<head>\n<meta http-equiv="Content-Type" content="text/html; '
                f'charset={label}">\n<meta name="Generator" content="Microsoft Word 15 (filtere'
                'd medium)">\n<style><!--\n/* Font Definitions */\n@font-face\n\t{font-family:'
                '"Cambria Math";\n\tpanose-1:2 4 5 3 5 4 6 3 2 4;}\n@font-face\n\t{font-family:'
                "Calibri;\n\tpanose-1:2 15 5 2 2 2 4 3 2 4;}\n@font-face\n\t{font-family:Aptos;}"
                "\n/* Style Definitions */\np.MsoNormal, li.MsoNormal, div.MsoNormal\n\t{margin"
                ':0cm;\n\tfont-size:11.0pt;\n\tfont-family:"Aptos",sans-serif;\n\tmso-ligatures'
                ":standardcontextual;\n\tmso-fareast-language:EN-US;}\na:link, span.MsoHyperlin"
                "k\n\t{mso-style-priority:99;\n\tcolor:#467886;\n\ttext-decoration:underline;}\n"
                'span.EmailStyle17\n\t{mso-style-type:personal-compose;\n\tfont-family:"Aptos",'
                "sans-serif;\n\tcolor:windowtext;}\n.MsoChpDefault\n\t{mso-style-type:export-on"
                "ly;\n\tfont-size:10.0pt;\n\tmso-ligatures:none;}\n@page WordSection1\n\t{size:6"
                "12.0pt 792.0pt;\n\tmargin:72.0pt 72.0pt 72.0pt 72.0pt;}\ndiv.WordSection1\n\t{p"
                "age:WordSection1;}\n--></style><!--[if gte mso 9]><xml>\n<o:shapedefaults v:ex"
                't="edit" spidmax="1026" />\n</xml><![endif]--><!--[if gte mso 9]><xml>\n<o:sha'
                'pelayout v:ext="edit">\n<o:idmap v:ext="edit" data="1" />\n</o:shapelayout></x'
                f'ml><![endif]-->\n</head>\n<body lang="{lang.code.upper()}" link="#467886" vlin'
                f'k="#96607D" style="word-wrap:break-word"{direction}>\n<div class="WordSection1">'
            )
            p_open, p_close = '<p class="MsoNormal">', "<o:p></o:p></p>"
        elif p.client == "gmail":
            out.append(f'<div dir="{"rtl" if lang.rtl else "ltr"}">')
            p_open, p_close = "<div>", "</div><div><br></div>"
        elif p.client == "apple":
            out.append(
                f'<html><head><meta http-equiv="content-type" content="text/html; charset={label}">'
                '</head><body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; '
                f'line-break: after-white-space;"{direction}>'
            )
            p_open, p_close = "<div>", "</div><br>"
        else:
            out.append(
                '<!DOCTYPE html>\n<html><head>\n<meta http-equiv="Content-Type" content="text/'
                f'html; charset={label}">\n</head>\n<body{direction}>'
            )
            p_open, p_close = "<p>", "</p>"
        sep = lang.sentence_sep
        for para in paras:
            # one sentence per source line keeps 8bit lines short
            body = esc(para, quote=False)
            body = body.replace(". ", ".\n") if sep == " " else body.replace("。", "。\n")
            out.append(f"{p_open}{body}{p_close}")
        out.append('<div style="font-size:9pt;color:#595959">')
        out.extend(f"{esc(line, quote=False)}<br>" for line in sig)
        out.append("</div>")
        if logo:
            out.append(f'<img src="cid:{logo}" width="120" height="40" alt="logo">')
        if quote:
            qhtml = esc(quote, quote=False).replace("\n", "<br>\n")
            if p.client == "gmail":
                out.append(
                    f'<div class="gmail_quote"><blockquote class="gmail_quote" style="mar'
                    f"gin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding"
                    f'-left:1ex">\n{qhtml}\n</blockquote></div>'
                )
            else:
                out.append(
                    '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt'
                    f' 0cm 0cm 0cm">\n{qhtml}\n</div>'
                )
        if p.client == "gmail":
            out.append("</div>")
        else:
            out.append("</div>\n</body>\n</html>" if p.client in ("outlook", "exchange") else "</body></html>")
        return "\n".join(out) + "\n"

    def finish(self, msg: EmailMessage, attachments: list[Placeholder], target: int) -> bytes:
        """Serialize ``msg`` and replace attachment placeholders with data filling ``target``."""
        skeleton = msg.as_bytes(policy=POLICY)
        if not attachments:
            return skeleton
        fixed = len(skeleton) - sum(len(a.token) for a in attachments)
        room = max(len(attachments) * 400, target - fixed)
        total = sum(a.weight for a in attachments)
        pieces: list[bytes] = []
        rest = skeleton
        for a in attachments:
            head, sep, rest = rest.partition(a.token.encode("ascii"))
            assert sep, "placeholder missing"
            pieces += [head, self.blob.encoded(a.kind, int(room * a.weight / total), self.rng)]
        pieces.append(rest)
        return b"".join(pieces)

    def remember(self, msgid: str, refs: tuple[str, ...], subject: str, p: Persona, when: datetime, text: str) -> None:
        self.history.append(Sent(msgid, refs, subject, p, when, text[:4000]))

    def cost(self, text: str, codec: str, cte: str) -> float:
        """Approximate bytes that ``text`` (plus a blank line) takes once encoded."""
        text, _, codec = _fit(text, "", codec)
        data = text.encode(codec) + b"\n\n"
        if cte == "quoted-printable":
            encoded = binascii.b2a_qp(data, istext=True)
            return len(encoded) + encoded.count(b"\n")
        if cte == "base64":
            return len(data) * 4 / 3 * 78 / 76
        return len(data) * 1.015 + data.count(b"\n")

    def fill(self, p: Persona, room: float, codec: str, cte: str, html_cte: str | None, plain: bool) -> list[str]:
        """Paragraphs whose encoded plain and/or HTML renderings take about ``room`` bytes."""
        rng = self.rng
        lang = p.lang
        slots = _Slots(self, lang, p)
        paras: list[str] = []
        spent = 0.0
        while True:
            templates = rng.sample(lang.sentences, min(len(lang.sentences), rng.randint(1, 5)))
            para = lang.sentence_sep.join(t.format_map(slots) for t in templates)
            slots.clear()
            cost = self.cost(para, codec, cte) if plain else 0.0
            if html_cte is not None:
                cost += self.cost(html.escape(para, quote=False), codec, html_cte) + 45
            if paras and spent + cost - room > room - spent:
                return paras
            paras.append(para)
            spent += cost
            if spent >= room:
                return paras

    def human(self, when: datetime, target: int, kind: str) -> bytes:
        rng = self.rng
        p = self.persona()
        lang = p.lang
        mode, parent, subject = self.thread(p)
        delay = timedelta(minutes=rng.randint(5, 900))
        if parent is not None and parent.date >= when:  # a reply comes after its parent
            when = parent.date + delay
            if when > END:
                when = parent.date + timedelta(seconds=30)
        if kind == "calendar":
            mode, parent = "new", None
            subject = lang.accepted + WIPO_SUBJECTS[1]
        msgid = self.msgid(p.client, p.domain)
        has_attach = kind in ("mixed", "forward")
        lean = target < 7 * KIB and rng.random() < 0.8
        label, codec, cte = p.label, p.codec, p.cte
        if rng.random() < 0.15 and codec not in ("iso-2022-jp", "ascii"):
            cte = rng.choice(("base64", "quoted-printable", "8bit"))
        html_cte = "quoted-printable" if cte in ("7bit", "8bit") and rng.random() < 0.6 else cte
        if kind in ("html", "alternative"):
            shape = kind
        elif has_attach:
            shape = "plain" if rng.random() < 0.45 else "alternative"
        else:
            shape = "plain"
        with_html = shape != "plain"
        sample = self.sentence(lang, lang.sentences, p)
        unit = self.cost(sample, codec, cte) / (len(sample) + 2) * (2.2 if with_html else 1.0)

        quote, parent_id, refs = "", None, ()
        if mode != "new":
            share = rng.uniform(0.05, 0.3) if has_attach else rng.uniform(0.1, 0.45)
            quote, parent_id, refs = self.quote(p, mode, parent, when, int(min(target, 20 * KIB) * share / unit))
        headers = self.top_headers(p, when, subject, msgid, parent_id, refs, lean, has_attach)
        greeting = rng.choice(lang.greetings).format_map(_Slots(self, lang, p))
        sig = [rng.choice(lang.closings), "", *p.signature]
        if p.disclaimer:
            sig += ["", lang.disclaimer]
            if lang is not EN and rng.random() < 0.5:
                sig += ["", EN.disclaimer]
        logo = (
            f"image001.png@01DC{self.hexid(4, True)}.{self.hexid(8, True)}"
            if with_html and rng.random() < 0.3
            else None
        )
        flowed = "; format=flowed" if p.client == "thunderbird" and cte != "base64" else ""
        wrap = p.client == "thunderbird" or cte in ("8bit", "7bit")

        def build(paras: list[str]) -> tuple[EmailMessage, list[Placeholder]]:
            plain = self.render_plain(p, paras, sig, quote, wrap)
            msg = EmailMessage(policy=POLICY)
            for k, v in headers:
                msg.set_raw(k, v)
            attachments: list[Placeholder] = []
            if kind == "calendar":
                self.calendar(msg, p, plain, label, codec, cte, when)
                return msg, attachments
            body = EmailMessage(policy=POLICY) if has_attach else msg
            if shape == "plain":
                self.text_part(body, plain, "plain", label, codec, cte, flowed)
            elif shape == "html":
                self.text_part(
                    body, self.render_html(p, paras, sig, quote, label, logo), "html", label, codec, html_cte
                )
            else:
                self.alternative(
                    body,
                    p,
                    plain,
                    paras,
                    sig,
                    quote,
                    label,
                    codec,
                    cte,
                    html_cte,
                    flowed,
                    logo,
                    attachments if has_attach else None,
                )
            if not has_attach:
                return msg, attachments
            parts = [body]
            if kind == "forward":
                parts.append(self.rfc822_part(when))
            count = rng.choices((1, 2, 3, 4), (65, 22, 9, 4))[0]
            for index in range(count):
                name, kind_key = self.attachment_name(p)
                weight = 1.0 if index == 0 else rng.uniform(0.03, 0.3)
                part, placeholder = self.attachment(p, name, kind_key, weight)
                parts.append(part)
                attachments.append(placeholder)
            self.multipart(msg, "mixed", p.client, parts)
            if p.client in ("thunderbird", "coremail", "foxmail") or rng.random() < 0.2:
                msg.preamble = "This is a multi-part message in MIME format."
            return msg, attachments

        plain_cte = None if shape == "html" else cte
        if has_attach:
            room = min(rng.randint(1500, 9000), int(target * 0.3))
        else:
            # measure everything but the paragraphs, then write paragraphs to fill the rest
            room = target - len(build([greeting])[0].as_bytes(policy=POLICY))
        paras = [
            greeting,
            *self.fill(p, room, codec, plain_cte or cte, html_cte if with_html else None, plain_cte is not None),
        ]
        msg, attachments = build(paras)
        raw = self.finish(msg, attachments, target)
        self.remember(msgid, refs, subject, p, when, "\n\n".join(paras))
        return raw

    def alternative(
        self,
        msg: EmailMessage,
        p: Persona,
        plain: str,
        paras: list[str],
        sig: list[str],
        quote: str,
        label: str,
        codec: str,
        cte: str,
        html_cte: str,
        flowed: str,
        logo: str | None = None,
        attachments: list[Placeholder] | None = None,
    ) -> None:
        """multipart/alternative (plain + HTML); inside multipart/related with the inline logo
        when ``attachments`` is given and the HTML shows a logo."""
        text = EmailMessage(policy=POLICY)
        self.text_part(text, plain, "plain", label, codec, cte, flowed)
        html_part = EmailMessage(policy=POLICY)
        self.text_part(html_part, self.render_html(p, paras, sig, quote, label, logo), "html", label, codec, html_cte)
        if attachments is not None and logo:
            alt = EmailMessage(policy=POLICY)
            self.multipart(alt, "alternative", p.client, [text, html_part])
            img, placeholder = self.attachment(p, "image001.png", "png", self.rng.uniform(0.005, 0.03), logo)
            attachments.append(placeholder)
            self.multipart(msg, "related", p.client, [alt, img], 'type="multipart/alternative";\n\t')
            return
        self.multipart(msg, "alternative", p.client, [text, html_part])

    def attachment_name(self, p: Persona) -> tuple[str, str]:
        rng = self.rng
        lang = p.lang if rng.random() < 0.8 else EN
        if rng.random() < 0.15:
            kind = rng.choices([k for k, _ in ATTACHMENT_KIND_WEIGHTS], [w for _, w in ATTACHMENT_KIND_WEIGHTS])[0]
            if kind == "tnef":
                return "winmail.dat", kind
            stem = rng.choice(("document", "scan", "Doc1", "attachment"))
            return f"{stem}{rng.randint(1, 99)}.{FILE_KINDS[kind].ext}", kind
        template = rng.choice(lang.attachment_names)
        name = template.format_map(_Slots(self, lang, p)).replace(" ", "_").replace("/", "-")
        if len(name) > 90:
            name = name[:80] + name[name.rfind(".") :]
        ext = name.rsplit(".", 1)[-1]
        return name, EXT_TO_KIND.get(ext, "pdf")

    def rfc822_part(self, when: datetime) -> EmailMessage:
        """A forwarded message attached as message/rfc822."""
        rng = self.rng
        inner = EmailMessage(policy=POLICY)
        other = self.persona()
        inner.set_raw("From", self.address_list("From", [(other.name, other.addr)], "utf-8", "utf-8"))
        inner.set_raw("To", MAILBOX)
        subject = self.subject(other.lang, other)
        inner.set_raw("Subject", self.encode_text_header(subject, "utf-8", "utf-8", "Subject", "gmail"))
        inner.set_raw(
            "Date",
            format_datetime(self.local(when - timedelta(days=rng.randint(1, 9)), other.offset, other.eu_dst)),
        )
        inner.set_raw("Message-ID", _fold("Message-ID", self.msgid(other.client, other.domain)))
        inner.set_raw("MIME-Version", "1.0")
        paras = self.paragraphs(other.lang, other, rng.randint(400, 2500))
        self.text_part(inner, "\n\n".join(paras) + "\n", "plain", other.label, other.codec, other.cte)
        part = EmailMessage(policy=POLICY)
        part.set_raw("Content-Type", "message/rfc822")
        part.set_raw("Content-Disposition", 'attachment;\n filename="forwarded message.eml"')
        part.set_payload([inner])
        return part

    def calendar(
        self, msg: EmailMessage, p: Persona, plain: str, label: str, codec: str, cte: str, when: datetime
    ) -> None:
        rng = self.rng
        text = EmailMessage(policy=POLICY)
        self.text_part(text, plain, "plain", label, codec, cte)
        stamp = when.strftime("%Y%m%dT%H%M%SZ")
        ics = "\n".join(
            (
                "BEGIN:VCALENDAR",
                "METHOD:REPLY",
                "PRODID:Microsoft Exchange Server 2010",
                "VERSION:2.0",
                "BEGIN:VEVENT",
                f"ATTENDEE;PARTSTAT=ACCEPTED;CN={p.name}:mailto:{p.addr}",
                f"UID:040000008200E00074C5B7101A82E008000000{self.hexid(32, True)}",
                f"SUMMARY;LANGUAGE={p.lang.code}:{p.lang.accepted}WIPO Conversation 12",
                "DTSTART:20251028T090000Z",
                "DTEND:20251029T160000Z",
                f"DTSTAMP:{stamp}",
                f"SEQUENCE:{rng.randint(0, 3)}",
                "LOCATION:WIPO Conference Hall, Geneva",
                "END:VEVENT",
                "END:VCALENDAR",
                "",
            )
        )
        cal = EmailMessage(policy=POLICY)
        self.text_part(cal, ics, "calendar", "utf-8", "utf-8", rng.choice(("base64", "8bit")), "; method=REPLY")
        self.multipart(msg, "alternative", p.client, [text, cal])

    # ---- robots --------------------------------------------------------------------------

    def robot_headers(
        self, msg: EmailMessage, sender: str, when: datetime, subject: str, msgid: str, relay: str
    ) -> None:
        rng = self.rng
        t = when + timedelta(seconds=rng.randint(1, 30))
        ip = "127.0.0.1" if relay == "localhost" else self.ip("")
        msg.set_raw(
            "Received",
            _fold(
                "Received",
                f"from {relay} ({relay} [{ip}]) by mx{rng.randint(1, 3)}.wipo.int "
                f"(Postfix) with ESMTPS id 4c{self.hexid(9, True)} for <{MAILBOX}>; "
                f"{format_datetime(self.local(t, 60, True))}",
                "\t",
            ),
        )
        msg.set_raw("From", _fold("From", sender))
        msg.set_raw("To", MAILBOX)
        msg.set_raw("Subject", subject)
        msg.set_raw("Date", format_datetime(self.local(when, 60, True)))
        msg.set_raw("Message-ID", _fold("Message-ID", msgid))
        msg.set_raw("MIME-Version", "1.0")

    def out_of_office(self, when: datetime) -> bytes:
        rng = self.rng
        p = self.persona()
        lang = p.lang
        subject = lang.auto_reply + rng.choice(WIPO_SUBJECTS)
        msgid = self.msgid(p.client, p.domain)
        msg = EmailMessage(policy=POLICY)
        for k, v in self.received(p, when):
            msg.set_raw(k, v)
        for k, v in self.client_headers(p, rng.random() < 0.5, subject, False):
            msg.set_raw(k, v)
        display = p.latin if p.show_latin else p.name
        msg.set_raw("From", self.address_list("From", [(display, p.addr)], p.label, p.codec))
        msg.set_raw("To", MAILBOX)
        msg.set_raw("Subject", self.encode_text_header(subject, p.label, p.codec, "Subject", p.client))
        msg.set_raw("Date", format_datetime(self.local(when, p.offset, p.eu_dst)))
        msg.set_raw("Message-ID", _fold("Message-ID", msgid))
        msg.set_raw("In-Reply-To", f"<{self.hexid(32)}@wipo.int>")
        msg.set_raw("Auto-Submitted", "auto-replied")
        if p.client in ("outlook", "exchange"):
            msg.set_raw("X-Auto-Response-Suppress", "All")
            msg.set_raw("X-MS-Exchange-Inbox-Rules-Loop", p.addr)
        else:
            msg.set_raw("Precedence", "auto_reply")
        msg.set_raw("MIME-Version", "1.0")
        sep = lang.sentence_sep
        paras = [sep.join(self.sentence(lang, lang.ooo, p) for _ in range(3))]
        if lang is not EN:
            paras.append(" ".join(self.sentence(EN, EN.ooo, p) for _ in range(2)))
        sig = list(p.signature[:3])
        plain = "\n\n".join(paras) + "\n\n" + "\n".join(sig) + "\n"
        if p.client in ("outlook", "exchange") and rng.random() < 0.7:
            self.alternative(msg, p, plain, paras, sig, "", p.label, p.codec, p.cte, "quoted-printable", "")
        else:
            self.text_part(msg, plain, "plain", p.label, p.codec, p.cte)
        return msg.as_bytes(policy=POLICY)

    def bounce(self, when: datetime, target: int) -> bytes:
        rng = self.rng
        victim = self.persona()
        rcpt = f"{victim.addr.split('@')[0]}.old@{victim.domain}"
        postfix = rng.random() < 0.6
        if postfix:
            sender = "MAILER-DAEMON@mx1.wipo.int (Mail Delivery System)"
            subject = "Undelivered Mail Returned to Sender"
            relay = "localhost"
        else:
            sender = "Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@wipo.int>"
            subject = self.encode_text_header(
                "Undeliverable: " + rng.choice(WIPO_SUBJECTS), "utf-8", "utf-8", "Subject", "outlook"
            )
            relay = "EXCH02.wipo.int"
        msg = EmailMessage(policy=POLICY)
        self.robot_headers(
            msg,
            sender,
            when,
            subject,
            f"<{self.hexid(16, True)}.{rng.randint(1000, 9999)}@mx1.wipo.int>",
            relay,
        )
        msg.set_raw("Auto-Submitted", "auto-replied")
        reason = rng.choice(BOUNCE_REASONS).format(rcpt=rcpt)
        if postfix:
            notice = (
                "This is the mail system at host mx1.wipo.int.\n\nI'm sorry to have to inform "
                "you that your message could not\nbe delivered to one or more recipients. It's "
                "attached below.\n\nFor further assistance, please send mail to postmaster.\n\n"
                "If you do so, please include this problem report. You can\ndelete your own "
                "text from the attached returned message.\n\n                   The mail system"
                f"\n\n<{rcpt}>: host mx.{victim.domain}[{self.ip('')}] said:\n    {reason} "
                "(in reply to RCPT TO command)\n"
            )
        else:
            notice = (
                f"Delivery has failed to these recipients or groups:\n\n{rcpt}\nThe email "
                "address you entered couldn't be found. Please check the recipient's email "
                "address and try to resend the message.\n\nDiagnostic information for "
                f"administrators:\n\nGenerating server: EXCH02.wipo.int\n\n{rcpt}\n"
                f"Remote server returned '{reason}'\n"
            )
        note = EmailMessage(policy=POLICY)
        self.text_part(note, notice, "plain", "us-ascii", "ascii", "7bit")
        note.set_raw("Content-Description", "Notification")
        status = EmailMessage(policy=POLICY)
        status.set_raw("Content-Description", "Delivery report")
        status.set_raw("Content-Type", "message/delivery-status")
        per_msg = EmailMessage(policy=POLICY)
        per_msg.set_raw("Reporting-MTA", "dns; mx1.wipo.int")
        per_msg.set_raw("X-Postfix-Queue-ID", f"4c{self.hexid(9, True)}")
        per_msg.set_raw("Arrival-Date", format_datetime(self.local(when - timedelta(seconds=5), 60, True)))
        per_rcpt = EmailMessage(policy=POLICY)
        per_rcpt.set_raw("Final-Recipient", f"rfc822; {rcpt}")
        per_rcpt.set_raw("Original-Recipient", f"rfc822;{rcpt}")
        per_rcpt.set_raw("Action", "failed")
        per_rcpt.set_raw("Status", reason.split()[1])
        per_rcpt.set_raw("Remote-MTA", f"dns; mx.{victim.domain}")
        per_rcpt.set_raw("Diagnostic-Code", _fold("Diagnostic-Code", f"smtp; {reason}"))
        status.set_payload([per_msg, per_rcpt])
        original = EmailMessage(policy=POLICY)
        original.set_raw("From", "WIPO Frontier Technologies <frontier.tech@wipo.int>")
        original.set_raw("To", self.address("", rcpt, "utf-8", "utf-8"))
        original.set_raw(
            "Subject",
            self.encode_text_header(rng.choice(WIPO_SUBJECTS), "utf-8", "utf-8", "Subject", "outlook"),
        )
        original.set_raw("Date", format_datetime(self.local(when - timedelta(seconds=9), 60, True)))
        original.set_raw("Message-ID", f"<{self.hexid(32)}@wipo.int>")
        original.set_raw("MIME-Version", "1.0")
        lang = victim.lang if victim.lang.code in ("fr", "es") else EN
        body = "\n\n".join(self.paragraphs(lang, None, max(300, target - 3500), lang.announce)) + "\n"
        returned = EmailMessage(policy=POLICY)
        if rng.random() < 0.5:
            self.text_part(original, body, "plain", "utf-8", "utf-8", "quoted-printable")
            returned.set_raw("Content-Description", "Undelivered Message")
            returned.set_raw("Content-Type", "message/rfc822")
            returned.set_payload([original])
        else:
            returned.set_raw("Content-Description", "Undelivered Message Headers")
            headers = "".join(f"{k}: {v}\n" for k, v in original.raw_items())
            self.text_part(returned, headers, "rfc822-headers", "us-ascii", "ascii", "7bit")
        self.multipart(msg, "report", "postfix", [note, status, returned], "report-type=delivery-status;\n\t")
        msg.preamble = "This is a MIME-encapsulated message."
        return msg.as_bytes(policy=POLICY)

    def newsletter(self, when: datetime, target: int) -> bytes:
        rng = self.rng
        name, addr, domain, code = rng.choice(NEWSLETTERS)
        lang = {"en": EN, "fr": FR, "es": ES}[code]
        msg = EmailMessage(policy=POLICY)
        msgid = f"<{self.hexid(20)}.{rng.randint(10**6, 10**7)}@mail.{domain}>"
        if msgid in self.seen_ids:
            msgid = f"<{self.hexid(32)}@mail.{domain}>"
        self.seen_ids.add(msgid)
        subject_text = f"{name}: " + self.subject(lang, None)
        subject = self.encode_text_header(subject_text, "utf-8", "utf-8", "Subject", "gmail")
        self.robot_headers(
            msg,
            self.address(name, addr, "utf-8", "utf-8"),
            when,
            subject,
            msgid,
            f"mail{rng.randint(1, 40)}.suw{rng.randint(10, 99)}.mcsv.net",
        )
        token = self.blob.token(rng, 24).replace("/", "_").replace("+", "-")
        msg.set_raw("List-Id", _fold("List-Id", f"{_ascii_fold(name)} <{token[:10].lower()}.list-id.{domain}>"))
        msg.set_raw(
            "List-Unsubscribe",
            _fold(
                "List-Unsubscribe",
                f"<https://{domain}/unsubscribe?u={token}>, "
                f"<mailto:unsubscribe-{token[:12]}@{domain}?subject=unsubscribe>",
            ),
        )
        msg.set_raw("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
        msg.set_raw("Precedence", "bulk")
        msg.set_raw("Feedback-ID", f"{rng.randint(10**5, 10**6)}:{rng.randint(100, 999)}:{domain}")
        msg.set_raw("X-Campaign-ID", self.hexid(10))
        esc = html.escape
        items_plain: list[str] = []
        items_html: list[str] = [
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR'
            '/xhtml1/DTD/xhtml1-transitional.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml">'
            '\n<head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">\n<meta'
            f' name="viewport" content="width=device-width, initial-scale=1.0">\n<title>{esc(name)}'
            '</title>\n<style type="text/css">body{margin:0;padding:0;background:#f4f4f4}table{'
            "border-collapse:collapse}img{border:0;outline:none}.wrapper{width:100%;max-width:6"
            "00px}.h2{font:bold 18px Arial,sans-serif;color:#1a4b8c}@media only screen and (m"
            "ax-width:480px){.wrapper{width:100% !important}}</style>\n</head>\n<body>\n<table "
            'class="wrapper" align="center" cellpadding="0" cellspacing="0" border="0">\n<tr><td'
            f' align="center"><img src="https://{domain}/img/banner.png" width="600" alt="{esc(name)}"'
            "></td></tr>"
        ]
        use_related = rng.random() < 0.5 and target > 40 * KIB
        html_limit = min(target - 6 * KIB, rng.randint(25 * KIB, 90 * KIB)) if use_related else target - 6 * KIB
        html_cte = rng.choice(("quoted-printable", "base64"))
        html_factor = 1.37 if html_cte == "base64" else 1.06
        size = 2500.0
        while size < html_limit or not items_plain:
            headline = self.subject(lang, None)
            blurb = " ".join(self.sentence(lang, lang.sentences, None) for _ in range(rng.randint(2, 4)))
            link = (
                f"https://click.{domain}/ls/click?upn={self.blob.token(rng, rng.randint(120, 260))}".replace("+", "-")
                .replace("/", "_")
                .replace("=", "")
            )
            items_plain.append(f"{headline}\n{'=' * min(len(headline), 70)}\n{blurb}\n{link}\n")
            items_html.append(
                '<tr><td style="padding:16px 24px;font:14px/1.5 Arial,sans-serif;color:#333333">'
                f'\n<p class="h2" style="margin:0 0 8px 0">{esc(headline)}</p>\n<p style="margin:0 '
                f'0 12px 0">{esc(blurb)}</p>\n<a href="{link}" style="color:#1a4b8c;text-decorat'
                'ion:none;font-weight:bold">Read more &rarr;</a>\n</td></tr>'
            )
            size += len(items_html[-1]) * html_factor + len(items_plain[-1]) * 1.06
        footer = (
            f"You are receiving this e-mail because you subscribed to {name}.\n"
            f"Unsubscribe: https://{domain}/unsubscribe?u={token}\n"
        )
        items_plain.append(footer)
        items_html.append(
            '<tr><td style="padding:24px;font:11px Arial,sans-serif;color:#888888">'
            f'{esc(footer)}<br><a href="https://{domain}/unsubscribe?u={token}">Unsubscribe</a>'
            "</td></tr>\n</table>\n</body>\n</html>"
        )
        text = EmailMessage(policy=POLICY)
        self.text_part(text, "\n".join(items_plain), "plain", "utf-8", "utf-8", "quoted-printable")
        html_part = EmailMessage(policy=POLICY)
        self.text_part(html_part, "\n".join(items_html), "html", "utf-8", "utf-8", html_cte)
        attachments: list[Placeholder] = []
        if use_related:
            alt = EmailMessage(policy=POLICY)
            self.multipart(alt, "alternative", "other", [text, html_part])
            parts = [alt]
            for i in range(rng.randint(1, 3)):
                kind = rng.choice(("png", "jpg"))
                cid = f"img{i}.{self.hexid(8)}@{domain}"
                part, placeholder = self.attachment(
                    self.personas[0][0], f"image{i}.{FILE_KINDS[kind].ext}", kind, rng.uniform(0.2, 1.0), cid
                )
                parts.append(part)
                attachments.append(placeholder)
            self.multipart(msg, "related", "other", parts, 'type="multipart/alternative";\n\t')
        else:
            self.multipart(msg, "alternative", "other", [text, html_part])
        return self.finish(msg, attachments, target)


def _wrap(line: str, width: int, cjk: bool) -> list[str]:
    """Greedy word wrap (character chunks for CJK), cheap enough for megabytes of text."""
    if len(line) <= width:
        return [line]
    if cjk:
        step = width // 2
        return [line[i : i + step] for i in range(0, len(line), step)]
    out: list[str] = []
    cur: list[str] = []
    size = 0
    for word in line.split(" "):
        if cur and size + len(word) > width:
            out.append(" ".join(cur))
            cur, size = [], 0
        cur.append(word)
        size += len(word) + 1
    if cur:
        out.append(" ".join(cur))
    return out


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def generate_messages(n: int, seed: int = 0) -> Iterator[bytes]:
    """Yield ``n`` raw RFC 5322 messages (bytes, CRLF line endings, unique Message-IDs).

    The same ``n`` and ``seed`` always give the same bytes; dates run from September to the end
    of October 2025 in message order.
    """
    factory = _MessageFactory(seed, n)
    for index in range(n):
        yield factory.message(index)


def main(argv: Sequence[str] | None = None) -> int:
    """Write N messages to OUTDIR as .eml files and print their size distribution."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, metavar="N", help="number of messages")
    parser.add_argument("outdir", type=Path, metavar="OUTDIR", help="directory for .eml files")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    width = max(6, len(str(args.count)))
    sizes: list[int] = []
    started = time.perf_counter()
    for index, raw in enumerate(generate_messages(args.count, args.seed), 1):
        (args.outdir / f"{index:0{width}d}.eml").write_bytes(raw)
        sizes.append(len(raw))
    elapsed = time.perf_counter() - started
    if not sizes:
        print("count: 0")
        return 0
    stats = _percentiles(sizes)
    total = sum(sizes)
    print(f"count:  {len(sizes)}")
    print(f"median: {stats['median'] / KIB:.1f} KiB")
    print(f"p90:    {stats['p90'] / KIB:.1f} KiB")
    print(f"p99:    {stats['p99'] / KIB:.1f} KiB")
    print(f"max:    {stats['max'] / KIB:.1f} KiB")
    print(f"total:  {total / MIB:.1f} MiB")
    bands = (
        (0, 3 * KIB),
        (3 * KIB, 15 * KIB),
        (15 * KIB, 20 * KIB),
        (20 * KIB, 200 * KIB),
        (200 * KIB, MIB),
        (MIB, 2 * MIB),
        (2 * MIB, 1 << 62),
    )
    labels = ("<3 KiB", "3-15 KiB", "15-20 KiB", "20-200 KiB", "200 KiB-1 MiB", "1-2 MiB", ">2 MiB")
    for (low, high), label in zip(bands, labels, strict=True):
        share = sum(low <= s < high for s in sizes) / len(sizes)
        print(f"  {label:>14}: {share:6.1%}")
    print(f"time:   {elapsed:.1f} s ({len(sizes) / elapsed:.0f} msg/s, including writing)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
