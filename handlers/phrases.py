"""Phrases that mark each kind of message, in the six languages, with their weights.

Each entry is ``(weight, pattern)``; a category's score is the sum of the weights of the distinct
patterns found in the sender's own text. Patterns are case-insensitive regular expressions; keep each one
readable, one idea per line, so a wrong call can be traced to the phrase that caused it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Phrase:
    """One weighted pattern of a category, also split by writing system (see :func:`script_of`)."""

    category: str
    weight: float
    pattern: re.Pattern[str]
    by_script: dict[str, re.Pattern[str]]

    def search(self, text: str, scripts: frozenset[str]) -> re.Match[str] | None:
        """The first match among the alternatives written in ``scripts`` (or in no script at all)."""
        for script, pattern in self.by_script.items():
            if script in scripts or script == "neutral":
                found = pattern.search(text)
                if found:
                    return found
        return None


SCRIPT_RANGES = (("arabic", "\u0600", "\u06ff"), ("han", "\u3400", "\u9fff"), ("cyrillic", "\u0400", "\u04ff"))


def script_of(text: str) -> str:
    """The writing system of the first letter of ``text`` (``neutral`` when it has none)."""
    for ch in re.sub(r"\\[a-zA-Z]|\(\?[:!=<]+|\[\^?", "", text):
        for name, low, high in SCRIPT_RANGES:
            if low <= ch <= high:
                return name
        if ch.isalpha():
            return "latin"
    return "neutral"


def split_alternatives(pattern: str) -> list[str]:
    """The top-level ``|`` alternatives of a regular expression (groups and classes kept whole)."""
    parts, depth, in_class, current, i = [], 0, False, [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            current.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            i += 1
            continue
        current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def _by_script(pattern: str) -> dict[str, re.Pattern[str]]:
    groups: dict[str, list[str]] = {}
    for alternative in split_alternatives(pattern):
        groups.setdefault(script_of(alternative), []).append(alternative)
    return {script: re.compile("|".join(alts)) for script, alts in groups.items()}


_RAW: dict[str, list[tuple[float, str]]] = {
    "speaker_request": [
        (
            3.0,
            r"(?:request(?:s|ing)?|ask(?:s|ing)? for) the floor|request(?:s|ing)? (?:to|for the floor to) (?:speak|take the floor|present|make a (?:presentation|statement))",
        ),
        (
            2.5,
            r"(?:wish(?:es)?|would like|intends?|request(?:s)?|ask(?:s)?|like|pleased|honou?r) to (?:make|deliver|give|present|"
            r"take the floor|speak|share)",
        ),
        (
            2.5,
            r"(?:make|deliver|give|present|prepare) (?:a |an |our |its )?(?:short |brief |\d+-minute |oral )?"
            r"(?:presentation|statement|intervention|talk|remarks)",
        ),
        (2.0, r"take the floor|speaking (?:slot|time|role)|as a speaker|list of speakers|be a speaker"),
        (
            2.0,
            r"information[- ]exchange (?:session|segment|part)|exchange of information session|sharing session",
        ),
        (1.0, r"share (?:our|its|their|the) (?:experience|practice|approach|work)"),
        (3.0, r"demande (?:de |d')(?:prise de parole|intervention)|prendre la parole|prise de parole"),
        (
            2.5,
            r"(?:faire|présenter|prononcer|livrer) (?:une |un |notre )?(?:brève |courte )?(?:présentation|déclaration|"
            r"intervention|exposé|communication)",
        ),
        (
            3.0,
            r"souhait\w* (?:présenter|intervenir|faire une|partager|prendre)|aimerai\w* (?:présenter|intervenir|"
            r"participer à la (?:séance|session) d'échange|faire une)|interviendrai\w*|souhaite participer à la "
            r"(?:séance|session) d'échange",
        ),
        (2.0, r"séance d'échange|session d'échange|échange d'informations|intervenant|orateur|conférencier"),
        (
            3.0,
            r"solicitud (?:de|para) (?:intervenir|intervención|hacer uso de la palabra)|hacer uso de la palabra|"
            r"tomar la palabra|solicit\w+ (?:intervenir|la palabra|participar (?:como|en (?:la )?sesión de intercambio))",
        ),
        (
            2.5,
            r"(?:realizar|hacer|presentar|pronunciar|ofrecer|dar) una (?:breve )?(?:presentación|declaración|"
            r"ponencia|intervención|exposición)",
        ),
        (
            3.0,
            r"(?:desea\w*|quisiera\w*|gustaría|interesa\w*) (?:intervenir|presentar(?! (?:mi|su|nuestra) candidatura)|exponer|compartir|participar como|"
            r"hacer una (?:breve )?(?:presentación|declaración|intervención)|realizar una|dar una|ofrecer una|"
            r"participar en (?:la )?sesión de intercambio)",
        ),
        (2.0, r"sesión de intercambio|intercambio de información|ponente|orador(?:a)?\b"),
        (
            3.0,
            r"выступ(?:ить|ления|лении|лением|ление|им|ит)|просим предоставить слово|взять слово|предоставить слово",
        ),
        (
            2.5,
            r"с (?:докладом|презентацией|заявлением|сообщением)|сделать (?:доклад|презентацию|заявление|сообщение)|"
            r"представить (?:доклад|презентацию|опыт)",
        ),
        (2.0, r"обмен\w* информаци\w*|докладчик|спикер"),
        (
            3.0,
            r"طلب (?:الكلمة|أخذ الكلمة|إلقاء كلمة|المشاركة بعرض|التحدث)|إلقاء (?:كلمة|بيان|عرض)|الإدلاء ب(?:بيان|كلمة)",
        ),
        (2.5, r"تقديم (?:عرض|بيان|كلمة|مداخلة)|عرض(?:ا)? تقديمي|مداخلة"),
        (2.0, r"جلسة تبادل المعلومات|تبادل المعلومات|متحدث|أخذ الكلمة|المتحدثين"),
        (
            3.0,
            r"申请.{0,30}(?:发言|演示|报告|展示|简报)|希望.{0,40}作(?:一次|一个)?(?:简报|报告|发言|演示)|主讲|拟在.{0,40}发言|(?:演示|发言|报告)人为|申请发言|请求发言|发言申请|希望(?:在.{0,20})?发言|拟(?:在.{0,20})?发言|作(?:一个|简短)?(?:发言|报告|陈述|主旨演讲)",
        ),
        (2.5, r"(?:作|做)(?:一次)?(?:主题)?(?:演示|介绍|展示)|演讲|发言(?:人|者)|发言内容|发言题目"),
        (
            2.0,
            r"信息交流(?:环节|会议|部分|会|阶段)|交流(?:环节|分享)|分享(?:我国|我们|本国|其)?.{0,6}(?:经验|做法|实践)",
        ),
    ],
    "nomination": [
        (3.0, r"\bnominat(?:e|es|ed|ing|ion|ions)\b|\bdesignat(?:e|es|ed|ing|ion)\b"),
        (
            3.0,
            r"composition of (?:the|its|our) delegation|delegation (?:will|shall) (?:be )?(?:compose|consist|comprise)",
        ),
        (
            2.5,
            r"will be represented by|(?:following|these) (?:delegates?|representatives?|persons?|officials?|participants?|"
            r"members?)|list of (?:delegates|participants|representatives)|(?:our|the) delegation (?:will|to) (?:include|"
            r"attend)|\bdelegates?\b|\breplac(?:e|es|ed|ing|ement)\b|in (?:lieu|place) of",
        ),
        (1.0, r"will attend|to attend|will participate|representatives?|in person|remotely|online via zoom"),
        (
            3.0,
            r"désign(?:e|er|é|ée|és|ées|ation)\b|composition de (?:la|sa|notre) délégation|délégation (?:sera|est) "
            r"composée",
        ),
        (
            2.5,
            r"sera représentée? par|(?:suivants?|ci-après) (?:délégués?|représentants?|personnes)|liste des "
            r"(?:délégués|participants)|\bdélégués?\b|remplac\w+|en remplacement",
        ),
        (1.0, r"participera|assistera|représentants?|en présentiel|à distance"),
        (
            3.0,
            r"\bdesigna(?:r|do|da|dos|das|ción)\b|\bnombra(?:r|do|da|miento)\b|composición de (?:la|su|nuestra) "
            r"delegación|delegación (?:estará|está) (?:integrada|compuesta|conformada)",
        ),
        (
            2.5,
            r"estará representad[oa] por|(?:siguientes?) (?:delegad[oa]s?|representantes|funcionari[oa]s|personas)|"
            r"lista de (?:delegados|participantes)|\bdelegad[oa]s?\b|sustitu\w+|reemplaz\w+",
        ),
        (1.0, r"asistirá|participará|representantes?|de forma presencial|en línea|virtual"),
        (3.0, r"назнач\w*|состав(?:е)? делегаци\w*|делегаци\w* в составе|в следующем составе|в составе"),
        (
            2.5,
            r"будет представлен\w*|следующ\w+ (?:представител\w*|делегат\w*|лиц|сотрудник\w*|участник\w*)|"
            r"список (?:участников|делегатов|представителей)|делегат\w*|замен\w*|вместо",
        ),
        (1.0, r"прим(?:ет|ут) участие|представител\w*|очно|дистанционно|онлайн"),
        (3.0, r"تسمية|ترشيح|تعيين|تشكيل الوفد|يتألف الوفد|يتكون الوفد|الوفد (?:المكون|المؤلف)|يضم الوفد"),
        (
            2.5,
            r"سيمثل|ممثل(?:ي|ين|و) |المندوبين|المندوب|قائمة (?:المشاركين|المندوبين|الوفد)|أعضاء الوفد|بدلا من|استبدال",
        ),
        (1.0, r"سيشارك|سيحضر|حضوريا|عن بعد|عبر الإنترنت"),
        (3.0, r"提名|指派|委派|派员|代表团(?:成员|组成|名单|由)|组团|代表名单|参会(?:人员|代表|名单)"),
        (
            2.5,
            r"以下(?:代表|人员|同志|官员)|(?:将|拟)由.{0,40}(?:出席|参加)|出席(?:会议|本次)|替换|更换|接替",
        ),
        (1.0, r"现场参会|线上参会|线上参加|现场出席|出席"),
    ],
    "clearinghouse_update": [
        (3.0, r"clearing ?house|information clearinghouse"),
        (
            2.0,
            r"(?:national|regional|new|updated|revised) (?:ai |artificial intelligence )?(?:strategy|strategies|law|"
            r"act|regulation|guidelines?|policy|policies|framework|roadmap|legislation)",
        ),
        (
            2.0,
            r"examination (?:guidelines|procedures?|practice)|(?:adopted|enacted|published|issued|entered into force|"
            r"came into force|approved)",
        ),
        (
            1.0,
            r"\bmeasures?\b|legislation|decree|bill\b|white paper|update (?:on|of|to)|for (?:inclusion|publication)",
        ),
        (
            3.0,
            r"centre d'échange|centre d'informations|plateforme d'information|centre d'échange d'informations",
        ),
        (
            2.0,
            r"stratégie nationale|(?:nouvelle |nouveau )?(?:loi|règlement|décret|lignes directrices|directives|"
            r"ordonnance|cadre) (?:sur|relative?|concernant|en matière|portant)|procédures? d'examen|adopt[ée]+e?s?|publi[ée]+e?s?",
        ),
        (1.0, r"\bmesures?\b|législation|mise à jour|pour (?:inclusion|publication)"),
        (3.0, r"centro de intercambio|centro de información"),
        (
            2.0,
            r"estrategia nacional|(?:nueva |nuevo )?(?:ley|reglamento|decreto|directrices|lineamientos|guía|"
            r"marco|política) (?:de|sobre|para|en materia)|procedimientos? de examen|aprob\w+|promulg\w+|public\w+",
        ),
        (1.0, r"\bmedidas?\b|legislación|actualización|para (?:su )?(?:inclusión|publicación)"),
        (3.0, r"информационн\w+ (?:центр|платформ|ресурс|банк|клиринг)\w*|клиринг\w*|базу данных"),
        (
            2.0,
            r"национальн\w+ стратеги\w*|стратеги\w* (?:развития|в области)|(?:закон|постановлени|регламент|"
            r"руководств|рекомендаци|методическ|правил)\w* (?:об?|по|в области)|экспертиз\w*|принят\w*|утвержд\w*|"
            r"вступил\w* в силу",
        ),
        (1.0, r"мер(?:ы|ах|ам)\b|законодательств\w*|обновлени\w*|для (?:включения|размещения)"),
        (3.0, r"غرفة (?:تبادل|المقاصة)|مركز (?:تبادل|معلومات)|منصة (?:المعلومات|تبادل)|مستودع"),
        (
            2.0,
            r"الاستراتيجية الوطنية|استراتيجية|(?:قانون|لائحة|نظام|مبادئ توجيهية|إرشادات|دليل) |إجراءات الفحص|"
            r"أدلة الفحص|اعتماد|صدور|صدر|إصدار|دخل حيز النفاذ",
        ),
        (1.0, r"تدابير|التشريعات|تحديث|لإدراجها|للإدراج"),
        (3.0, r"信息交换(?:中心|所)|交换中心|交流中心|信息库|清算所|资料库"),
        (
            2.0,
            r"国家.{0,8}战略|(?:发展|治理)?战略|法律|法规|条例|规定|指南|指引|审查(?:指南|程序|标准|基准)|办法|"
            r"颁布|发布|出台|施行|生效",
        ),
        (1.0, r"措施|立法|更新|纳入|收录"),
    ],
    "question": [
        (
            2.0,
            r"could you (?:please )?(?:confirm|advise|tell|let|clarify|send|share|indicate|inform|explain)|"
            r"would it be possible|is it possible|(?:do|does|should|shall|can|may) (?:we|i|delegates|participants|"
            r"our)|how (?:can|do|should|to|many|long)|when will|where can|whether|i would like to know|we would like "
            r"to know|please (?:let (?:me|us) know|advise|clarify)|(?:any|further|more) information (?:on|about|"
            r"regarding)|i have a question|query|enquiry|inquiry",
        ),
        (
            2.0,
            r"pourriez-vous|pouvez-vous|serait-il possible|est-il possible|est-ce que|faut-il|(?:je|nous) "
            r"(?:souhaiterions|aimerions|voudrions) savoir|merci de (?:nous|me) (?:indiquer|préciser|confirmer|dire|"
            r"faire savoir)|quand|comment|où\b|une question",
        ),
        (
            2.0,
            r"podría(?:n)?|¿|sería posible|es posible|(?:quisiéramos|quisiera|quisiéramos|queremos) saber|"
            r"agradecer\w* (?:nos|me) (?:indiquen|indicaran|informen|informaran|confirmen|confirmaran|aclaren)|cómo|"
            r"cuándo|dónde|consulta|una pregunta",
        ),
        (
            2.0,
            r"можно ли|не могли бы|просим (?:сообщить|уточнить|разъяснить|подтвердить|проинформировать|пояснить)|"
            r"прошу (?:сообщить|уточнить|разъяснить|подтвердить|пояснить)|каким образом|возможно ли|подскажите|"
            r"когда|где|вопрос",
        ),
        (
            2.0,
            r"هل |نرجو (?:إفادتنا|إعلامنا|توضيح|التكرم بإفادتنا|تأكيد)|يرجى (?:إفادتنا|إعلامنا|توضيح|تأكيد)|"
            r"كيف|متى|أين|أود الاستفسار|نود الاستفسار|استفسار|سؤال",
        ),
        (
            2.0,
            r"请问|是否|能否|可否|如何|何时|哪里|怎样|怎么|吗[？?]|咨询|烦请告知|请告知|请确认|想了解|询问",
        ),
        (1.5, r"\?|？|\bwhether\b|indicarnos si|saber si|savoir si|nous indiquer si|\bли\b|是否|\bهل\b"),
    ],
    "other": [
        (
            3.0,
            r"(?:thank you|thanks|many thanks)(?: very much| so much)?(?: indeed)? for (?:your|the) (?:confirmation|"
            r"acknowledg\w*|reply|quick reply|e-?mail|message|receipt|prompt)|well received|noted with thanks|"
            r"received with thanks|bien reçu|merci (?:beaucoup )?pour (?:votre|la|cette) (?:confirmation|réponse|"
            r"accusé)|gracias por (?:su|la|el) (?:confirmación|respuesta|acuse)|recibido,? gracias|"
            r"спасибо за (?:подтверждение|ответ|информацию)|благодар\w+ за подтверждение|получено, спасибо|"
            r"شكرا (?:على|لكم على|جزيلا على) (?:التأكيد|الرد|تأكيد)|تم الاستلام|谢谢(?:您的)?(?:确认|回复)|"
            r"感谢.{0,6}(?:确认|回复)|收到，?谢谢",
        ),
        (
            3.0,
            r"journalist|press (?:accreditation|inquiry|request)|media (?:accreditation|request)|interview|"
            r"journaliste|entrevista|periodista|журналист|интервью|صحفي|مقابلة صحفية|记者|采访",
        ),
        (
            3.0,
            r"unsubscribe|remove me from|stop sending|désabonner|désinscri|darme de baja|dar de baja|"
            r"отписа\w+|исключите меня|إلغاء الاشتراك|退订|取消订阅",
        ),
    ],
    "invitation": [
        (
            3.0,
            r"(?:we are|i am) (?:pleased|delighted|honou?red) to invite|invite you to|invite a representative|"
            r"nous avons le plaisir de vous inviter|vous inviter à|inviter un représentant|nos complace invitar|"
            r"invitarle|tiene el gusto de invitar|invitar a un representante|приглашаем вас|приглаша\w+ (?:вас|представител\w*)|"
            r"vous inviter\b|имеем честь пригласить|"
            r"пригласить представител\w*|يسرنا دعوتكم|ندعوكم|دعوة (?:لحضور|للمشاركة)|诚邀|诚挚邀请|邀请您|邀请函|"
            r"邀请贵",
        ),
    ],
    "misdirected": [
        (
            2.0,
            r"\bpct\b|patent application|international application|trademark|\bmadrid (?:system|protocol)|"
            r"\bhague (?:system|agreement)|wipo academy|académie de l'ompi|academia de la ompi|гаагск\w*|"
            r"промышленн\w+ образц\w*|международн\w+ регистраци\w*|enseignement à distance|\bDM/\d+|"
            r"la haya|sistema de madrid|système de la haye|système de madrid|海牙|马德里|distance learning course|job application|vacancy|internship|"
            r"\brefund\b|renewal fee|demande de brevet|marque\b|stage\b|candidature|solicitud de patente|"
            r"registro de marca|pasantía|curso de|патентн\w+ заявк\w*|товарн\w+ знак\w*|стажировк\w*|ваканси\w*|"
            r"براءة اختراع|علامة تجارية|تدريب|وظيفة|专利申请|商标|实习|课程|职位|招聘",
        ),
    ],
    "other_meeting": [
        (
            3.0,
            r"\bsccr\b|\bsct\b|\bscp\b|\bcdip\b|\bigc\b|general assembly|assemblies of (?:the )?member states|"
            r"(?:13|14|11|10)(?:th)? session|\bcrис\b|крис|пкап|мкгр|комитет\w* по (?:развитию|авторскому)|"
            r"постоянн\w+ комитет\w*|لجنة حق المؤلف|اللجنة الدائمة المعنية|لجنة التنمية|版权及相关权常设委员会|"
            r"发展与知识产权委员会|常设委员会|comité permanent|comité du développement|comité permanente|"
            r"comité de desarrollo|standing committee|committee on development|"
            r"assemblées|asambleas|генеральн\w+ ассамбле\w*|الجمعية العامة|成员国大会",
        ),
    ],
    "not_for_us": [
        (
            3.0,
            r"(?:13th|thirteenth|next|2026) (?:session|edition|conversation)|(?:session|conversation|edition) (?:in|of) "
            r"2026|\bin 2026\b|next year's|(?:13e|treizième|prochaine) (?:session|édition)|session de 2026|"
            r"(?:13\.ª|decimotercera|próxima) (?:sesión|edición)|sesión de 2026|(?:13-й|тринадцат\w+|следующ\w+) "
            r"сесси\w*|сесси\w+ 2026|الدورة (?:الثالثة عشرة|القادمة|المقبلة)|دورة 2026|第十三届|下一届|"
            r"2026年(?:的)?(?:第十三届|会议|对话会)",
        ),
        (
            3.0,
            r"job application|vacancy|internship|candidature spontanée|stage (?:au|à|dans)|pasantía|prácticas en|"
            r"стажировк\w*|ваканси\w*|резюме|وظيفة|تدريب داخلي|实习|职位|求职|\bCV\b|curriculum vitae",
        ),
    ],
}

_TRADITIONAL = str.maketrans(
    "請發報簡會資訊環節題講屆對話團與參員單審規則務將親現場線頒佈訂條劃戰導網絡電郵國際權屬產識擬謝問詢確認們時間議處辦區於為後閱讀測試"
    "體術開類稱舉專麼嗎說進選額關應當預計總結構議長組織經驗範圍標準據啟動內容學術傳統數聯繫狀態態獲邀參與禮貌謹該並遞補充",
    "请发报简会资讯环节题讲届对话团与参员单审规则务将亲现场线颁布订条划战导网络电邮国际权属产识拟谢问询确认们时间议处办区于为后阅读测试"
    "体术开类称举专么吗说进选额关应当预计总结构议长组织经验范围标准据启动内容学术传统数联系状态态获邀参与礼貌谨该并递补充",
)


def simplify(text: str) -> str:
    """Traditional Chinese characters used by the phrases, mapped to simplified ones (others unchanged)."""
    return text.translate(_TRADITIONAL)


PHRASES: tuple[Phrase, ...] = tuple(
    # matched against lower-cased text (4x faster than IGNORECASE), only in the scripts the text uses
    Phrase(category, weight, re.compile(pattern.lower()), _by_script(pattern.lower()))
    for category, entries in _RAW.items()
    for weight, pattern in entries
)

THIS_EVENT = re.compile(
    r"9284|frontier technolog|technologies de pointe|tecnologías de vanguardia|передовы\w+ технологи\w*|"
    r"التكنولوجيات الرائدة|التكنولوجيات الحدودية|التكنولوجيا الحدودية|前沿技术|前沿科技|synthetic media|médias synthétiques|medios sintéticos|синтетическ\w+ медиа|"
    r"الوسائط الاصطناعية|合成媒体|conversation|conversación|диалог\w*|المحادثة|对话会",
    re.IGNORECASE,
)
