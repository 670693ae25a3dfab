"""The next session is a new [[events]] block, not code: mail for the 13th session, in the six languages, goes to it.

A temporary events file holds the 12th and the 13th session. Real mail is APPENDed to a real Dovecot with its
arrival time (INTERNALDATE), the real ``frontier-intake poll --once`` triages and stores it, and each message's
category, event, deadline status and queued acknowledgment are read back (``export --format jsonl`` and the
outbox table).

Most of the 13th-session mail arrives on 20 August 2026: after the 12th session ended and before the 13th opens
(15 September 2026), so the fallback "the event open at arrival, else the latest opened" would give ft12. Only
recognising how the mail names the session (words, ordinals, the circular number) from the events file gives
ft13. A few arrive after the 13th session's deadline (late), one at 23:30 Geneva time on the deadline day (on
time). Mail for the 12th session still goes to ft12; mail naming a session that no events file has is ``other``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from config.settings import load_settings
from tests.conftest import cli, fresh_database_url, intake_env, require
from tests.support.db import rows
from tests.support.dovecot import DovecotServer, dovecot_available

pytestmark = pytest.mark.integration

GENEVA = ZoneInfo("Europe/Zurich")
CODES = {"speaker_request": "SR", "nomination": "NM", "clearinghouse_update": "CH", "question": "QU"}

# The shipped events file (the 12th session, as a newcomer has it) with the 13th session added: no code changed.
FT13_TOML = """\

[[events]]
id = "ft13"
name = "13th session of the WIPO Conversation on IP and Frontier Technologies"
theme = "IP and Quantum Technologies: Intellectual Property in the Age of Quantum Computing"
session = 13
circular = "C. 9417"
starts = 2026-11-03
ends = 2026-11-04
timezone = "Europe/Zurich"
open_from = 2026-09-15
reference_prefix = "FT13"

[events.names]
en = "13th session of the WIPO Conversation on IP and Frontier Technologies"
fr = "treizième session du Dialogue de l'OMPI sur la propriété intellectuelle et les technologies de pointe"
es = "decimotercera sesión de la Conversación de la OMPI sobre PI y Tecnologías de Vanguardia"
ru = "тринадцатая сессия Диалога ВОИС по ИС и передовым технологиям"
ar = "الدورة الثالثة عشرة لمحادثة الويبو بشأن الملكية الفكرية والتكنولوجيات الحدودية"
zh = "产权组织知识产权与前沿技术对话会第十三届会议"

[events.session_names]
en = ["13th", "thirteenth"]
fr = ["13e", "13ème", "treizième"]
es = ["13.ª", "13a", "decimotercera"]
ru = ["13-я", "13-й", "тринадцат*"]
ar = ["الثالثة عشرة", "13"]
zh = ["第十三届", "第13届"]

[events.theme_names]
en = ["quantum computing", "quantum technolog*"]
fr = ["informatique quantique", "technologies quantiques"]
es = ["computación cuántica", "tecnologías cuánticas"]
ru = ["квантов* вычислени*", "квантов* технологи*"]
ar = ["الحوسبة الكمية", "التكنولوجيات الكمية"]
zh = ["量子计算", "量子技术"]

[events.deadlines]
nomination = 2026-10-16
speaker_request = 2026-10-16
clearinghouse_update = 2026-10-16
"""


def geneva(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Geneva: the mail server's arrival time (INTERNALDATE) of a message below."""
    return datetime(year, month, day, hour, minute, tzinfo=GENEVA)


def aug(hour: int, minute: int) -> datetime:
    """20 August 2026: after ft12 ended, before ft13 opens (15 September 2026)."""
    return geneva(2026, 8, 20, hour, minute)


def oct25(day: int, hour: int, minute: int) -> datetime:
    """October 2025: ft12 is open (its deadline is 10 October)."""
    return geneva(2025, 10, day, hour, minute)


LATE13 = geneva(2026, 10, 17, 9, 0)  # the morning after the ft13 deadline day
LAST_MINUTE13 = geneva(2026, 10, 16, 23, 30)  # still the deadline day in Geneva (21:30 UTC)


@dataclass(frozen=True)
class Row:
    """One message and what triage must make of it (its text is ``LETTERS[key]``)."""

    key: str  # language-kind-naming: the test id
    language: str
    kind: str  # the expected category
    naming: str  # how the mail names the session: words | numeral | circular
    arrival: datetime  # IMAP INTERNALDATE
    event: str | None  # the expected event id (None: not checked)
    deadline: str  # the expected deadline_status


@dataclass(frozen=True)
class Letter:
    """The message itself."""

    sender: str
    subject: str
    body: str
    sent: datetime | None = None  # the Date header, when the sender's clock says something else than the arrival
    charset: str = "utf-8"


def text(body: str) -> str:
    """A mail body written indented in this file."""
    return textwrap.dedent(body).strip() + "\n"


# Row(key, language, expected category, how the session is named, arrival in Geneva, expected event, deadline status)
NEXT_SESSION = [
    Row("en-speaker-numeral", "en", "speaker_request", "numeral", aug(9, 12), "ft13", "on_time"),
    Row("en-nomination-words", "en", "nomination", "words", aug(10, 5), "ft13", "on_time"),
    Row("en-clearinghouse-circular", "en", "clearinghouse_update", "circular", aug(11, 40), "ft13", "on_time"),
    Row("en-question-numeral", "en", "question", "numeral", aug(14, 22), "ft13", "not_applicable"),
    Row("fr-speaker-words", "fr", "speaker_request", "words", aug(8, 47), "ft13", "on_time"),
    Row("fr-nomination-circular", "fr", "nomination", "circular", aug(10, 31), "ft13", "on_time"),
    Row("fr-clearinghouse-numeral", "fr", "clearinghouse_update", "numeral", aug(13, 3), "ft13", "on_time"),
    Row("fr-question-words", "fr", "question", "words", aug(16, 18), "ft13", "not_applicable"),
    Row("es-speaker-circular", "es", "speaker_request", "circular", aug(9, 55), "ft13", "on_time"),
    Row("es-nomination-words", "es", "nomination", "words", aug(11, 8), "ft13", "on_time"),
    Row("es-clearinghouse-numeral", "es", "clearinghouse_update", "numeral", aug(15, 36), "ft13", "on_time"),
    Row("es-question-numeral", "es", "question", "numeral", aug(17, 2), "ft13", "not_applicable"),
    Row("ru-speaker-numeral", "ru", "speaker_request", "numeral", aug(8, 15), "ft13", "on_time"),
    Row("ru-nomination-words", "ru", "nomination", "words", aug(12, 14), "ft13", "on_time"),
    Row("ru-clearinghouse-circular", "ru", "clearinghouse_update", "circular", aug(14, 50), "ft13", "on_time"),
    Row("ru-question-words", "ru", "question", "words", aug(18, 9), "ft13", "not_applicable"),
    Row("ar-speaker-words", "ar", "speaker_request", "words", aug(9, 30), "ft13", "on_time"),
    Row("ar-nomination-circular", "ar", "nomination", "circular", aug(10, 58), "ft13", "on_time"),
    Row("ar-clearinghouse-words", "ar", "clearinghouse_update", "words", aug(13, 27), "ft13", "on_time"),
    Row("ar-question-circular", "ar", "question", "circular", aug(15, 44), "ft13", "not_applicable"),
    Row("zh-speaker-numeral", "zh", "speaker_request", "numeral", aug(8, 3), "ft13", "on_time"),
    Row("zh-nomination-words", "zh", "nomination", "words", aug(11, 21), "ft13", "on_time"),
    Row("zh-clearinghouse-circular", "zh", "clearinghouse_update", "circular", aug(14, 7), "ft13", "on_time"),
    Row("zh-question-words", "zh", "question", "words", aug(16, 40), "ft13", "not_applicable"),
    Row("en-speaker-numeral-late", "en", "speaker_request", "numeral", LATE13, "ft13", "late"),
    Row("fr-nomination-words-late", "fr", "nomination", "words", LATE13, "ft13", "late"),
    Row("zh-clearinghouse-circular-late", "zh", "clearinghouse_update", "circular", LATE13, "ft13", "late"),
    Row("es-speaker-words-last-minute", "es", "speaker_request", "words", LAST_MINUTE13, "ft13", "on_time"),
]

TWELFTH_SESSION = [
    Row("en-speaker-12th", "en", "speaker_request", "numeral", oct25(1, 10, 15), "ft12", "on_time"),
    Row("fr-nomination-douzieme", "fr", "nomination", "words", oct25(1, 11, 40), "ft12", "on_time"),
    Row("ru-clearinghouse-9284", "ru", "clearinghouse_update", "circular", oct25(1, 14, 5), "ft12", "on_time"),
    Row("es-nomination-9284-late", "es", "nomination", "circular", oct25(11, 10, 20), "ft12", "late"),
]

NO_SUCH_SESSION = [
    Row("en-speaker-14th", "en", "other", "numeral", aug(12, 48), None, "not_applicable"),
    Row("fr-speaker-quatorzieme", "fr", "other", "words", aug(15, 12), None, "not_applicable"),
    Row("zh-speaker-14th", "zh", "other", "words", aug(17, 30), None, "not_applicable"),
]

ALL = NEXT_SESSION + TWELFTH_SESSION + NO_SUCH_SESSION

# The mail, by row key: written for these tests; people, offices and addresses are invented (example domains).
LETTERS: dict[str, Letter] = {
    "en-speaker-numeral": Letter(
        "Dr Amelia Hartley <amelia.hartley@ipo.example.gov.uk>",
        "Request to speak at the 13th session - UK IPO",
        text("""
            Dear colleagues at the International Bureau,

            The UK Intellectual Property Office would like to request a speaking slot in the information
            exchange session of the 13th session of the WIPO Conversation on IP and Frontier Technologies,
            to be held in Geneva on 3 and 4 November 2026.

            We would like to give a ten-minute presentation entitled "Patenting quantum algorithms: early
            lessons from examination practice". The presentation will be given by Dr Amelia Hartley, Deputy
            Director, Patents Policy, who will attend in person.

            Kind regards,

            Amelia Hartley
            Deputy Director, Patents Policy
            UK Intellectual Property Office, Newport
        """),
    ),
    "en-nomination-words": Letter(
        "Permanent Mission of Canada <geneva.delegation@international.example.gc.ca>",
        "Note verbale - Canadian delegation to the thirteenth session of the WIPO Conversation",
        text("""
            Note No. GNV-2026-0412

            The Permanent Mission of Canada to the United Nations Office and other international
            organizations in Geneva presents its compliments to the International Bureau of the World
            Intellectual Property Organization (WIPO) and has the honour to inform it of the composition of
            the Canadian delegation to the thirteenth session of the WIPO Conversation on IP and Frontier
            Technologies, to be held in Geneva on 3 and 4 November 2026:

            - Ms. Claire Fontaine, Counsellor (Intellectual Property), Permanent Mission of Canada,
              claire.fontaine@international.example.gc.ca
            - Mr. David Okafor, Senior Policy Analyst, Canadian Intellectual Property Office,
              david.okafor@cipo.example.gc.ca
            - Dr. Priya Raman, Director, Quantum Strategy, Innovation, Science and Economic Development Canada,
              priya.raman@ised.example.gc.ca

            Ms. Fontaine and Mr. Okafor will attend in person; Dr. Raman will follow the session online.

            The Permanent Mission of Canada avails itself of this opportunity to renew to the International
            Bureau of WIPO the assurances of its highest consideration.

            Geneva, 20 August 2026
        """),
    ),
    "en-clearinghouse-circular": Letter(
        "Kwame Asante <k.asante@rgd.example.gov.gh>",
        "Clearinghouse update from Ghana (reply to Circular C. 9417)",
        text("""
            Dear Sir or Madam,

            In response to Circular C. 9417, the Registrar-General's Department of Ghana is pleased to share
            a new national measure for the AI and IP policy clearinghouse. Cabinet has adopted the National
            Artificial Intelligence Strategy, whose chapter 4 sets out how creators and inventors who use AI
            tools will be supported and how the ownership of AI-assisted works is to be treated.

            The full text is published at https://rgd.example.gov.gh/publications/national-ai-strategy

            We would be grateful if the Ghana entry of the clearinghouse could be updated accordingly.

            Best regards,
            Kwame Asante
            Principal Legal Officer, Registrar-General's Department, Accra
        """),
    ),
    "en-question-numeral": Letter(
        "Laura Mendes <laura.mendes@ipjustice.example.org>",
        "Observer registration for the 13th session",
        text("""
            Dear Secretariat,

            Our organization is an accredited observer and several of our members would like to follow the
            13th session of the Conversation this November.

            Could you please tell us whether registration for observers is already open? Will the session be
            webcast, and with interpretation into all six languages? Is there a separate deadline for remote
            participants?

            Many thanks in advance,
            Laura Mendes
            Policy Officer, IP Justice Network
        """),
    ),
    "fr-speaker-words": Letter(
        "Julien Marchand <jmarchand@inpi.example.fr>",
        "Demande de prise de parole - treizième session du Dialogue",
        text("""
            Madame, Monsieur,

            L'Institut national de la propriété industrielle souhaite prendre la parole lors de la séance
            d'échange d'informations de la treizième session du Dialogue de l'OMPI sur la propriété
            intellectuelle et les technologies de pointe.

            Nous souhaiterions présenter un exposé d'une dizaine de minutes intitulé « Brevets et technologies
            quantiques : premiers retours de l'examen ». L'intervenant sera M. Julien Marchand, chef du
            service des brevets numériques, qui se rendra à Genève.

            Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.

            Julien Marchand
            INPI - Direction des brevets
        """),
    ),
    "fr-nomination-circular": Letter(
        "Mission permanente du Sénégal <mission.senegal@diplomatie.example.sn>",
        "Note verbale : délégation du Sénégal (circulaire C.9417)",
        text("""
            La Mission permanente de la République du Sénégal auprès de l'Office des Nations Unies à Genève
            présente ses compliments au Bureau international de l'Organisation Mondiale de la Propriété
            Intellectuelle et, se référant à la circulaire C.9417, a l'honneur de lui communiquer la
            composition de la délégation sénégalaise :

            1. M. Ousmane Diallo, Premier Conseiller, Mission permanente, o.diallo@diplomatie.example.sn
            2. Mme Aïssatou Ndiaye, Directrice générale, Agence sénégalaise pour la propriété industrielle et
               l'innovation technologique, a.ndiaye@aspit.example.sn
            3. M. Cheikh Fall, Juriste, Ministère de la Communication et du Numérique, cheikh.fall@numerique.example.sn

            M. Diallo et Mme Ndiaye participeront en présentiel ; M. Fall suivra les travaux à distance.

            La Mission permanente de la République du Sénégal saisit cette occasion pour renouveler au Bureau
            international de l'OMPI les assurances de sa haute considération.
        """),
    ),
    "fr-clearinghouse-numeral": Letter(
        "Salma Bennani <s.bennani@ompic.example.ma>",
        "Mise à jour du centre d'échange d'informations en vue de la 13e session",
        text("""
            Madame, Monsieur,

            En vue de la 13e session du Dialogue, l'Office marocain de la propriété industrielle et commerciale
            (OMPIC) a le plaisir de vous transmettre une mise à jour pour le centre d'échange d'informations
            sur l'IA et la PI : le Maroc a adopté sa stratégie nationale « Maroc Digital », qui comporte un
            volet consacré à l'intelligence artificielle et à la protection des créations.

            Le texte est disponible à l'adresse suivante :
            https://www.ompic.example.ma/fr/publications/strategie-maroc-digital

            Nous vous saurions gré de bien vouloir mettre à jour la page du Maroc.

            Cordialement,
            Salma Bennani
            Chef de la division de la coopération internationale, OMPIC
        """),
    ),
    "fr-question-words": Letter(
        "Nathalie Rochat <n.rochat@arppi.example.ch>",
        "Questions pratiques sur la treizième session",
        text("""
            Bonjour,

            Notre association de praticiens de la propriété intellectuelle est observatrice accréditée.
            Pourriez-vous nous indiquer si la treizième session se tiendra en format hybride ? Savez-vous déjà
            à quelle date l'ordre du jour provisoire sera publié ?

            Avec mes remerciements,
            Nathalie Rochat
            Secrétaire générale, Association romande des praticiens de la PI
        """),
    ),
    "es-speaker-circular": Letter(
        "Mariana Ortega Ruiz <mariana.ortega@impi.example.gob.mx>",
        "Solicitud de intervención (circular C. 9417)",
        text("""
            Estimados señores:

            En respuesta a la circular C. 9417, el Instituto Mexicano de la Propiedad Industrial desea
            intervenir en la sesión de intercambio de información. Quisiéramos realizar una breve presentación
            titulada «Criterios de examen para invenciones implementadas mediante inteligencia artificial»,
            que estará a cargo de la Dra. Mariana Ortega Ruiz, Directora Divisional de Patentes, quien
            participará de forma presencial en Ginebra.

            Atentamente,

            Mariana Ortega Ruiz
            Instituto Mexicano de la Propiedad Industrial
        """),
    ),
    "es-nomination-words": Letter(
        "Misión Permanente de Chile <mision.ginebra@minrel.example.cl>",
        "Nota verbal: delegación de Chile a la decimotercera sesión",
        text("""
            La Misión Permanente de Chile ante la Oficina de las Naciones Unidas y otros organismos
            internacionales en Ginebra saluda atentamente a la Oficina Internacional de la Organización Mundial
            de la Propiedad Intelectual y tiene el honor de comunicarle la composición de la delegación de Chile
            a la decimotercera sesión de la Conversación de la OMPI sobre PI y Tecnologías de Vanguardia:

            - Sra. Valentina Rojas Pizarro, Consejera, Misión Permanente de Chile, vrojas@minrel.example.cl
            - Sr. Tomás Henríquez Soto, Jefe del Departamento de Patentes, INAPI, thenriquez@inapi.example.cl
            - Dra. Camila Fuentes Araya, Asesora en Tecnologías Cuánticas, Ministerio de Ciencia,
              cfuentes@minciencia.example.cl

            La Sra. Rojas y el Sr. Henríquez asistirán de forma presencial; la Dra. Fuentes participará a
            distancia.

            La Misión Permanente de Chile aprovecha la oportunidad para reiterar a la Oficina Internacional de
            la OMPI las seguridades de su más alta consideración.
        """),
    ),
    "es-clearinghouse-numeral": Letter(
        "Andrés Felipe Gómez <afgomez@sic.example.gov.co>",
        "Actualización del centro de intercambio de información - 13.ª sesión",
        text("""
            Estimados colegas:

            Con miras a la 13.ª sesión de la Conversación, la Superintendencia de Industria y Comercio de
            Colombia tiene el agrado de remitir información sobre una nueva medida nacional: la Política
            Nacional de Inteligencia Artificial, aprobada por el Consejo Nacional de Política Económica y
            Social, que incluye un eje sobre propiedad intelectual y datos.

            El documento puede consultarse en https://www.sic.example.gov.co/politica-nacional-ia

            Les agradeceríamos que actualizaran la ficha de Colombia en el centro de intercambio.

            Cordialmente,
            Andrés Felipe Gómez
            Coordinador de Asuntos Internacionales, SIC
        """),
    ),
    "es-question-numeral": Letter(
        "Lucía Paredes <lparedes@derecho.example.edu.ar>",
        "Consulta sobre la 13a sesión",
        text("""
            Estimados:

            Soy investigadora de la Facultad de Derecho de la Universidad Nacional de Córdoba y me interesa
            seguir la 13a sesión de la Conversación. ¿Podrían indicarme si es posible asistir como público sin
            pertenecer a una delegación? ¿Habrá transmisión en línea con interpretación al español?

            Muchas gracias de antemano.
            Saludos cordiales,
            Lucía Paredes
        """),
    ),
    "ru-speaker-numeral": Letter(
        "Ирина Волкова <i.volkova@rupto.example.ru>",
        "Заявка на выступление на 13-й сессии Диалога",
        text("""
            Уважаемые коллеги!

            Федеральная служба по интеллектуальной собственности просит предоставить слово в ходе сессии
            обмена информацией на 13-й сессии Диалога ВОИС по ИС и передовым технологиям.

            Мы хотели бы выступить с докладом на тему «Экспертиза изобретений в области квантовых вычислений».
            С докладом выступит Ирина Сергеевна Волкова, заместитель начальника управления, которая будет
            присутствовать очно в Женеве.

            С уважением,
            И. С. Волкова
        """),
    ),
    "ru-nomination-words": Letter(
        "Постоянное представительство Республики Казахстан <geneva@mfa.example.kz>",
        "Вербальная нота: состав делегации",
        text("""
            Постоянное представительство Республики Казахстан при Отделении ООН и других международных
            организациях в Женеве свидетельствует свое уважение Международному бюро Всемирной организации
            интеллектуальной собственности и имеет честь сообщить состав делегации Республики Казахстан для
            участия в тринадцатой сессии Диалога ВОИС по ИС и передовым технологиям:

            1. г-н Ерлан Сапаров, советник Постоянного представительства, e.saparov@mfa.example.kz
            2. г-жа Айгерим Нурланова, директор департамента, Национальный институт интеллектуальной
               собственности, a.nurlanova@kazpatent.example.kz
            3. г-н Данияр Ахметов, главный эксперт, Министерство цифрового развития, d.akhmetov@digital.example.kz

            Г-н Сапаров и г-жа Нурланова примут участие очно, г-н Ахметов — дистанционно.

            Постоянное представительство пользуется случаем, чтобы возобновить Международному бюро ВОИС
            уверения в своем высоком уважении.
        """),
    ),
    "ru-clearinghouse-circular": Letter(
        "Ольга Ковалевич <o.kovalevich@ncip.example.by>",
        "Обновление сведений для информационного центра (циркуляр C. 9417)",
        text("""
            Уважаемые коллеги!

            Во исполнение циркуляра C. 9417 Национальный центр интеллектуальной собственности Республики
            Беларусь направляет сведения о новой национальной мере: Советом Министров утверждена
            Государственная программа цифрового развития, раздел 5 которой посвящен искусственному
            интеллекту и охране результатов интеллектуальной деятельности.

            Текст документа: https://ncip.example.by/documents/programma-cifrovogo-razvitiya

            Просим обновить страницу Республики Беларусь в информационном центре.

            С уважением,
            Ольга Ковалевич
            начальник отдела международного сотрудничества
        """),
        charset="koi8-r",
    ),
    "ru-question-words": Letter(
        "Максим Орлов <m.orlov@law.example.ru>",
        "Вопрос об участии в тринадцатой сессии",
        text("""
            Добрый день!

            Я аспирант юридического факультета и изучаю правовое регулирование квантовых технологий.
            Подскажите, пожалуйста, можно ли зарегистрироваться для участия в тринадцатой сессии Диалога в
            качестве наблюдателя? Будет ли обеспечен синхронный перевод на русский язык?

            Заранее благодарю,
            Максим Орлов
        """),
    ),
    "ar-speaker-words": Letter(
        "م. خالد العتيبي <k.alotaibi@saip.example.sa>",
        "طلب إلقاء كلمة في الدورة الثالثة عشرة",
        text("""
            السادة في المكتب الدولي للويبو المحترمين،

            تحية طيبة وبعد،

            تتشرف الهيئة السعودية للملكية الفكرية بطلب إلقاء كلمة خلال جلسة تبادل المعلومات في الدورة الثالثة
            عشرة لمحادثة الويبو بشأن الملكية الفكرية والتكنولوجيات الحدودية. وسيقدم المهندس خالد بن سعد
            العتيبي، مدير إدارة فحص البراءات، عرضاً تقديمياً بعنوان «فحص طلبات البراءات المتعلقة بالحوسبة
            الكمية: التجربة السعودية»، وسيحضر شخصياً في جنيف.

            وتفضلوا بقبول فائق الاحترام والتقدير،
            الهيئة السعودية للملكية الفكرية – الرياض
        """),
    ),
    "ar-nomination-circular": Letter(
        "البعثة الدائمة للجمهورية التونسية <mission.geneve@diplomatie.example.tn>",
        "مذكرة شفوية – تشكيلة الوفد التونسي (التعميم C. 9417)",
        text("""
            تهدي البعثة الدائمة للجمهورية التونسية لدى مكتب الأمم المتحدة في جنيف أطيب تحياتها إلى المكتب
            الدولي للمنظمة العالمية للملكية الفكرية، وبالإشارة إلى التعميم C. 9417، تتشرف بإبلاغه بتشكيلة
            الوفد التونسي:

            1. السيد منير الطرابلسي – مستشار بالبعثة الدائمة – m.trabelsi@diplomatie.example.tn – حضورياً
            2. السيدة ليلى بن عمر – مديرة الملكية الصناعية – l.benomar@innorpi.example.tn – حضورياً
            3. السيد ياسين الغربي – خبير في التحول الرقمي – y.gharbi@mtc.example.tn – عن بعد

            وتغتنم البعثة الدائمة هذه الفرصة لتعرب للمكتب الدولي عن فائق اعتبارها.
        """),
        charset="windows-1256",
    ),
    "ar-clearinghouse-words": Letter(
        "د. هند المهيري <hind.almheiri@economy.example.ae>",
        "تحديث بيانات الإمارات في مركز تبادل المعلومات",
        text("""
            السادة المحترمين،

            تحية طيبة،

            في إطار التحضير للدورة الثالثة عشرة لمحادثة الويبو، يسر وزارة الاقتصاد في دولة الإمارات العربية
            المتحدة أن تحيطكم علماً بأنه قد صدر ميثاق تطوير واستخدام الذكاء الاصطناعي، الذي يتضمن مبادئ بشأن
            حماية الملكية الفكرية للمخرجات المولدة آلياً.

            ويمكن الاطلاع على النص الكامل عبر الرابط التالي:
            https://www.economy.example.ae/ar/ai-charter

            ونرجو تحديث صفحة دولة الإمارات في المركز.

            مع خالص التقدير،
            د. هند المهيري
            إدارة الملكية الفكرية، وزارة الاقتصاد
        """),
    ),
    "ar-question-circular": Letter(
        "د. علي حسين الجبوري <ali.aljubouri@law.example.edu.iq>",
        "استفسار بخصوص التعميم C.9417",
        text("""
            السادة الأفاضل في الويبو،

            تحية طيبة،

            اطلعنا على التعميم C.9417 ونود الاستفسار عن بعض الأمور: هل يمكن لممثلي الجامعات الحضور بصفة
            مراقب؟ وهل ستتوفر الترجمة الفورية إلى اللغة العربية طوال الاجتماع؟ وما هو آخر موعد للتسجيل؟

            شاكرين تعاونكم،
            د. علي حسين الجبوري
            كلية القانون
        """),
    ),
    "zh-speaker-numeral": Letter(
        "刘晓宁 <liuxn@ipi.example.edu.cn>",
        "关于在第13届对话会上发言的申请",
        text("""
            尊敬的产权组织国际局：

            您好！我院希望在第13届对话会的信息交流环节作报告，
            题为“量子计算相关发明的可专利性：中国的审查实践”。
            报告人为我院副院长刘晓宁教授，届时将赴日内瓦现场参会。

            此致
            敬礼！

            某大学知识产权研究院
            刘晓宁
        """),
    ),
    "zh-nomination-words": Letter(
        "中国常驻日内瓦代表团 <geneva.ip@mfa.example.cn>",
        "中国代表团出席第十三届会议名单",
        text("""
            中华人民共和国常驻联合国日内瓦办事处和瑞士其他国际组织代表团
            向世界知识产权组织国际局致意，并谨通报出席产权组织知识产权与
            前沿技术对话会第十三届会议的中国代表团名单如下：

            1. 王建国先生，国际合作司副司长，wangjianguo@cnipa.example.cn
            2. 李静女士，审查业务管理部处长，lijing@cnipa.example.cn
            3. 陈浩博士，高级工程师，chenhao@caict.example.cn

            王建国先生和李静女士将现场参会，陈浩博士将在线参会。

            中国常驻日内瓦代表团顺致崇高的敬意。
        """),
        charset="gb18030",
    ),
    "zh-clearinghouse-circular": Letter(
        "赵敏 <zhaomin@cnipa.example.cn>",
        "信息交流中心更新（C.9417号通函）",
        text("""
            尊敬的产权组织秘书处：

            根据C.9417号通函的邀请，我们谨报送一项新的国家措施：
            《关于加强人工智能相关知识产权保护的指导意见》已正式发布。
            全文见：https://www.cnipa.example.cn/zcfg/ai-guidance

            请据此更新中国在信息交流中心的页面。谢谢！

            国际合作司 赵敏
        """),
    ),
    "zh-question-words": Letter(
        "孙悦 <sunyue@mingde-law.example.cn>",
        "咨询第十三届会议的参会方式",
        text("""
            您好！

            我是一名律师，关注量子技术相关的知识产权问题。
            请问第十三届会议是否接受非政府组织代表以观察员身份注册？
            会议是否提供中文同声传译？注册截止日期是哪一天？

            谢谢！
            孙悦
        """),
    ),
    "en-speaker-numeral-late": Letter(
        "Wanjiru Kamau <wkamau@kipi.example.go.ke>",
        "Late request: speaking slot at the 13th session",
        text("""
            Dear colleagues,

            Please accept our apologies for this late request. The Kenya Industrial Property Institute
            would like to request the floor during the information exchange session of the 13th session, to
            present our draft examination guidelines for AI-assisted inventions. The presentation would be
            delivered remotely via Zoom by Ms. Wanjiru Kamau, Senior Patent Examiner.

            Kind regards,
            Wanjiru Kamau
        """),
        sent=geneva(2026, 10, 16, 17, 55),  # the sender's clock says the deadline day: the arrival decides
    ),
    "fr-nomination-words-late": Letter(
        "Mission permanente de la Belgique <geneve.ip@diplobel.example.be>",
        "Délégation belge à la treizième session du Dialogue",
        text("""
            La Mission permanente de la Belgique auprès de l'Office des Nations Unies à Genève présente ses
            compliments au Bureau international de l'OMPI et a l'honneur de lui communiquer la composition de
            la délégation belge à la treizième session du Dialogue de l'OMPI sur la propriété intellectuelle et
            les technologies de pointe :

            - Mme Sophie Lambert, Conseillère, Mission permanente, sophie.lambert@diplobel.example.be
            - M. Pieter Claes, Attaché, Office de la propriété intellectuelle, pieter.claes@economie.example.be

            Mme Lambert et M. Claes participeront en personne.

            La Mission permanente de la Belgique saisit cette occasion pour renouveler au Bureau international
            l'assurance de sa très haute considération.
        """),
    ),
    "zh-clearinghouse-circular-late": Letter(
        "陈嘉欣 <kachan@ipd.example.gov.hk>",
        "补充报送：C.9417号通函所涉措施",
        text("""
            尊敬的秘书处：

            现就C.9417号通函补充报送一项措施：
            特区政府已发布《人工智能版权事宜的指引》，
            全文载于 https://www.ipd.example.gov.hk/ai-copyright-guidance

            恳请更新信息交流中心的相关页面。

            陈嘉欣
            知识产权署
        """),
    ),
    "es-speaker-words-last-minute": Letter(
        "Rodrigo Salazar <rsalazar@indecopi.example.gob.pe>",
        "Solicitud para intervenir en la decimotercera sesión",
        text("""
            Estimados señores:

            El Instituto Nacional de Defensa de la Competencia y de la Protección de la Propiedad Intelectual
            del Perú desea intervenir en la decimotercera sesión de la Conversación de la OMPI. Quisiéramos
            hacer una breve presentación sobre nuestra experiencia con solicitudes relativas a la computación
            cuántica, a cargo del Sr. Rodrigo Salazar, Director de Invenciones, que participará a distancia.

            Atentamente,
            Rodrigo Salazar
        """),
    ),
    "en-speaker-12th": Letter(
        "Hannah Schmidt <h.schmidt@creators-alliance.example.org>",
        "Speaking request - 12th session",
        text("""
            Dear Secretariat,

            The European Creators' Alliance would like to request a speaking slot at the 12th session of the
            WIPO Conversation. We would like to make a short statement on consent and remuneration for the use
            of performers' voices. The statement will be delivered by Ms. Hannah Schmidt, Legal Director, in
            person.

            With best regards,
            Hannah Schmidt
        """),
    ),
    "fr-nomination-douzieme": Letter(
        "Mission permanente du Luxembourg <ip.geneve@mae.example.lu>",
        "Délégation luxembourgeoise à la douzième session",
        text("""
            La Mission permanente du Grand-Duché de Luxembourg à Genève présente ses compliments au Bureau
            international de l'OMPI et a l'honneur de lui communiquer la composition de sa délégation à la
            douzième session du Dialogue :

            - M. Marc Weber, Conseiller, marc.weber@mae.example.lu
            - Mme Anne Reuter, Juriste, Office de la propriété intellectuelle, anne.reuter@eco.example.lu

            Les deux délégués participeront en présentiel.

            La Mission permanente saisit cette occasion pour renouveler au Bureau international l'assurance
            de sa haute considération.
        """),
    ),
    "ru-clearinghouse-9284": Letter(
        "Армен Петросян <a.petrosyan@aipa.example.am>",
        "Информационный центр: новая мера (циркуляр C. 9284)",
        text("""
            Уважаемые коллеги!

            В ответ на циркуляр C. 9284 Управление интеллектуальной собственности Армении направляет
            информацию о новой мере: Правительством утверждена Стратегия цифровизации, включающая раздел об
            искусственном интеллекте. Текст: https://aipa.example.am/docs/digital-strategy

            Просим обновить страницу Армении в информационном центре.

            С уважением,
            Армен Петросян
        """),
    ),
    "es-nomination-9284-late": Letter(
        "Misión Permanente del Uruguay <urugine@mrree.example.uy>",
        "Delegación del Uruguay (circular C. 9284)",
        text("""
            La Misión Permanente del Uruguay ante la Oficina de las Naciones Unidas en Ginebra saluda
            atentamente a la Oficina Internacional de la OMPI y, en relación con la circular C. 9284, tiene el
            honor de comunicarle la composición de la delegación uruguaya:

            - Sr. Martín Pereyra, Ministro Consejero, mpereyra@mrree.example.uy
            - Sra. Florencia Acosta, Asesora Legal, Dirección Nacional de la Propiedad Industrial,
              facosta@dnpi.example.uy

            Ambos asistirán de forma presencial.

            La Misión Permanente del Uruguay aprovecha la oportunidad para reiterar las seguridades de su más
            alta consideración.
        """),
    ),
    "en-speaker-14th": Letter(
        "Tomas Lindqvist <tomas.lindqvist@quantumlaw.example.se>",
        "Speaking at the 14th session of the Conversation",
        text("""
            Dear colleagues,

            Our research group would like to present its work on trade secrets in quantum hardware at the
            14th session of the WIPO Conversation, whenever it takes place. We understand that the programme
            for that session is not yet known; please keep us in mind.

            Best wishes,
            Tomas Lindqvist
        """),
    ),
    "fr-speaker-quatorzieme": Letter(
        "Élodie Garnier <elodie.garnier@univ-droit.example.fr>",
        "Intervention lors de la quatorzième session",
        text("""
            Madame, Monsieur,

            Notre centre de recherche souhaiterait présenter ses travaux lors de la quatorzième session du
            Dialogue de l'OMPI. Nous savons que le programme de cette session n'est pas encore établi et nous
            vous écrivons simplement pour manifester notre intérêt.

            Bien cordialement,
            Élodie Garnier
        """),
    ),
    "zh-speaker-14th": Letter(
        "周明 <zhouming@ai-lab.example.cn>",
        "希望在第十四届对话会上作报告",
        text("""
            您好！

            我们实验室希望在第十四届对话会上作报告，介绍量子芯片设计中的商业秘密保护。
            我们了解第十四届会议的议程尚未确定，先来信表达意向。

            周明
        """),
    ),
}


def message_id(row: Row) -> str:
    return f"{row.key}.{row.arrival:%Y%m%d%H%M}@{LETTERS[row.key].sender.rpartition('@')[2].rstrip('>')}"


def raw_message(row: Row) -> bytes:
    letter = LETTERS[row.key]
    msg = EmailMessage()
    msg["From"] = letter.sender
    msg["To"] = "WIPO Frontier Technologies <frontier.tech@wipo.int>"
    msg["Subject"] = letter.subject
    msg["Date"] = format_datetime(letter.sent or (row.arrival - timedelta(minutes=3)))
    msg["Message-ID"] = f"<{message_id(row)}>"
    msg.set_content(letter.body, charset=letter.charset)
    return bytes(msg)


@dataclass
class Outcome:
    """What was stored for one message: its exported record and its outbox rows."""

    record: dict[str, Any]
    acks: list[dict[str, Any]]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Outcome]]:
    """Deliver every message into a real Dovecot, run ``poll --once`` once, read back what was stored, by key."""
    require(dovecot_available(), "Dovecot (Debian package dovecot-imapd)")
    work = tmp_path_factory.mktemp("next-session")
    events_file = work / "events.toml"
    shipped = (Path(__file__).resolve().parents[2] / "config" / "events.toml").read_text(encoding="utf-8")
    events_file.write_text(f"{shipped}\n{FT13_TOML}", encoding="utf-8")
    # in the system temp folder, which Dovecot's mail user can reach (see tests/support/dovecot.py)
    root = Path(tempfile.mkdtemp(prefix="intake-dovecot-"))
    server = DovecotServer(root, password="dovecot-test-pw")
    try:
        server.start()
        server.append_many([(raw_message(row), row.arrival) for row in ALL])
        with pytest.MonkeyPatch.context() as mp:  # an operator's INTAKE_* variables must not leak in
            for name in [k for k in os.environ if k.startswith("INTAKE_")]:
                mp.delenv(name)
            settings = load_settings(
                data_dir=work / "data",
                database_url=fresh_database_url(work / "data"),
                parse_workers=2,
                imap_connect_attempts=2,
                imap_host=server.host,
                imap_port=server.port,
                imap_user=server.user,
                imap_password=server.password,
                imap_security="none",
                config=events_file,
                ack_mode="dry-run",
                ack_per_sender_hours=0,
            )
        env = intake_env(settings) | {"INTAKE_CONFIG": str(events_file)}
        polled = cli("poll", "--once", env=env)
        assert polled.returncode == 0, polled.stderr[-3000:]
        exported = cli("export", "--format", "jsonl", env=env)
        assert exported.returncode == 0, exported.stderr[-3000:]
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)

    records = [json.loads(line) for line in exported.stdout.splitlines() if line.strip()]
    columns = ("message_id", "status", "reference", "category", "reason")  # the outbox, as `outbox` lists it
    acks = [
        dict(zip(columns, r, strict=True)) for r in rows(settings, f"SELECT {', '.join(columns)} FROM acknowledgment")
    ]
    by_message_id = {message_id(row): row for row in ALL}
    found: dict[str, Outcome] = {}
    for record in records:
        row = by_message_id.get((record["message_id"] or "").strip("<>"))
        if row is not None:
            found[row.key] = Outcome(record, [a for a in acks if a["message_id"] == record["id"]])
    yield found


def _params(rows: list[Row]) -> list[Any]:
    return [pytest.param(row, id=row.key) for row in rows]


def test_the_table_is_consistent() -> None:
    keys = [row.key for row in ALL]
    assert len(keys) == len(set(keys)) and set(keys) == set(LETTERS)
    assert len({LETTERS[k].sender for k in keys}) == len(keys)  # one sender each: no rate limit can hide an ack
    kinds = {(row.language, row.kind) for row in NEXT_SESSION}
    assert kinds == {(language, kind) for language in ("ar", "zh", "en", "fr", "es", "ru") for kind in CODES}
    assert {row.naming for row in NEXT_SESSION} == {"words", "numeral", "circular"}
    opens = geneva(2026, 9, 15, 0, 0)
    assert sum(row.arrival < opens for row in NEXT_SESSION) >= 24  # before ft13 opens: only the naming tells


def test_every_message_is_stored_and_triaged(outcomes: dict[str, Outcome]) -> None:
    missing = sorted({row.key for row in ALL} - set(outcomes))
    assert not missing, f"not stored: {missing}"
    broken = {k: o.record["error"] for k, o in outcomes.items() if o.record["error"] or not o.record["category"]}
    assert not broken, f"stored with an error or without triage: {broken}"


def _problems(row: Row, outcome: Outcome) -> list[str]:
    record = outcome.record
    problems = [
        f"{what}: expected {expected!r}, got {got!r}"
        for what, expected, got in (
            ("category", row.kind, record["category"]),
            ("event", row.event, record["event"]),
            ("deadline_status", row.deadline, record["deadline_status"]),
            ("language", row.language, record["language"]),
        )
        if got != expected
    ]
    queued = [a for a in outcome.acks if a["status"] != "suppressed"]
    prefix = f"{(row.event or '').upper()}-{CODES.get(row.kind, 'XX')}-"
    if len(queued) != 1:
        refusals = [a["reason"] for a in outcome.acks]
        problems.append(f"acknowledgments queued: expected 1, got {len(queued)} (refused: {refusals})")
    elif queued[0]["status"] != "dry_run" or not (queued[0]["reference"] or "").startswith(prefix):
        problems.append(
            f"acknowledgment: expected dry_run {prefix}…, got {queued[0]['status']} {queued[0]['reference']}"
        )
    return problems


@pytest.mark.parametrize("row", _params(NEXT_SESSION + TWELFTH_SESSION))
def test_mail_goes_to_the_session_it_names(row: Row, outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes.get(row.key)
    assert outcome is not None, f"{row.key} was not stored"
    problems = _problems(row, outcome)
    # the signals say which rule decided, e.g. "event: ft12, the latest opened before arrival"
    why = [s for s in outcome.record["signals"] or [] if s.startswith(("event", "phrases", "evidence"))]
    assert not problems, (
        f"{row.key} ({row.language} {row.kind}, session named by {row.naming}, arrived "
        f"{row.arrival:%Y-%m-%d %H:%M} Geneva time): " + "; ".join(problems) + f"\nsignals: {why}"
    )


@pytest.mark.parametrize("row", _params(NO_SUCH_SESSION))
def test_mail_for_a_session_no_events_file_has_is_other(row: Row, outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes.get(row.key)
    assert outcome is not None, f"{row.key} was not stored"
    record = outcome.record
    queued = [(a["status"], a["reference"]) for a in outcome.acks if a["status"] != "suppressed"]
    assert (record["category"], record["deadline_status"], queued) == ("other", "not_applicable", []), (
        f"{row.key}: {record['category']} / {record['event']} / {record['deadline_status']}, acknowledgments {queued}"
        f"\nsignals: {record['signals']}"
    )
