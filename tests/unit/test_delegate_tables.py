"""Delegation tables flattened one cell a line: names by their column, in every script, the sender's row too."""

from __future__ import annotations

from handlers.delegate_tables import table_delegates
from handlers.fields import extract_delegates, extract_speaker

FRENCH = """Madame, Monsieur,

Nom

Titre

Fonction

Courriel

Participation

Sok Vannak

M.

Directeur

sok.vannak@misti.example

En présentiel

Chan Sreymom

Mme

Cheffe de bureau

chan.sreymom@misti.example

En ligne

Sok Vannak
"""

RUSSIAN = """№
ФИО / Name
Title
Должность / Position
E-mail
1
Асанов Бакыт Туратбекович
Mr
Директор
b.asanov@patent.example
2
Осмонова Айгуль Сапарбековна
Ms
Начальник отдела
a.osmonova@patent.example
С уважением,
"""

ARABIC = "الاسم\nالمسمى الوظيفي\nالبريد الإلكتروني\nسالم بن حمد الحارثي\nمدير\ns.alharthi@moci.example\n"


def test_rows_give_name_and_title_from_their_columns() -> None:
    assert table_delegates(FRENCH) == {
        "sok.vannak@misti.example": ("Sok Vannak", "M."),
        "chan.sreymom@misti.example": ("Chan Sreymom", "Mme"),
    }
    assert table_delegates(RUSSIAN)["b.asanov@patent.example"] == ("Асанов Бакыт Туратбекович", "Mr")
    assert table_delegates(ARABIC) == {"s.alharthi@moci.example": ("سالم بن حمد الحارثي", None)}


def test_the_senders_own_row_is_a_delegate() -> None:
    found = extract_delegates(FRENCH, sender="sok.vannak@misti.example")
    assert [d["email"] for d in found] == ["sok.vannak@misti.example", "chan.sreymom@misti.example"]


def test_no_header_no_table() -> None:
    assert table_delegates("Contact: a@b.example\nName\nfoo\n") == {}


def test_speakers_named_after_their_office_or_title() -> None:
    assert extract_speaker("La presentación estaría a cargo de la Ing. Florencia Quiroga, Directora.", "M E") == (
        "Florencia Quiroga"
    )
    assert extract_speaker("The speaker would be Grace Wanjiru, Managing Director.", "Peter Otieno") == "Grace Wanjiru"
    assert extract_speaker("С заявлением выступит директор агентства Бакыт Асанов (дистанционно).", "А Т") == (
        "Бакыт Асанов"
    )
    assert extract_speaker("由国家知识产权局审查业务管理部陈晓雯处长介绍（现场参会）。", "张丽") == "陈晓雯"
    assert extract_speaker("发言人为国家知识产权局副局长王明远，发言主题为", "张丽") == "王明远"
    assert extract_speaker("يلقيها السيد المستشار عمرو فؤاد، مدير", "x") == "عمرو فؤاد"


def test_an_honorific_in_the_name_column_is_the_title() -> None:
    text = ARABIC.replace("سالم بن حمد الحارثي", "السيد سالم بن حمد الحارثي")
    assert extract_delegates(text) == [
        {"name": "سالم بن حمد الحارثي", "title": "السيد", "email": "s.alharthi@moci.example"}
    ]
