"""Delegates named without an honorific: bare names, Russian full names, Chinese table rows, addresses alone."""

from __future__ import annotations

from handlers.fields import extract_delegates


def _emails(text: str, sender: str = "") -> list[str]:
    return [d["email"] for d in extract_delegates(text, sender)]


def test_a_bare_name_in_a_sentence_before_the_address() -> None:
    found = extract_delegates("от нашего ведомства будет участвовать онлайн Тимур Алиев, t.aliev@patent.example")
    assert found == [{"name": "Тимур Алиев", "title": None, "email": "t.aliev@patent.example"}]


def test_a_russian_full_name_without_an_honorific() -> None:
    text = "В сессии примет участие Петрова Мария Игоревна, советник (m.petrova@mid.example)."
    assert extract_delegates(text)[0]["name"] == "Петрова Мария Игоревна"


def test_chinese_table_rows_without_honorifics() -> None:
    text = "姓名 职务 邮箱\n王建国 司长 wangjg@ipo.example.cn\n李小红 处长 lixh@ipo.example.cn"
    found = extract_delegates(text)
    assert [(d["name"], d["email"]) for d in found] == [
        ("王建国", "wangjg@ipo.example.cn"),
        ("李小红", "lixh@ipo.example.cn"),
    ]


def test_an_address_alone_is_still_a_delegate_with_a_stand_in_name() -> None:
    text = "Participantes:\n- jorge.paz@ipo.example.pe\n- ana.ruiz@ipo.example.pe"
    found = extract_delegates(text, "focal.point@ipo.example.pe")
    assert [d["email"] for d in found] == ["jorge.paz@ipo.example.pe", "ana.ruiz@ipo.example.pe"]
    assert found[0]["name"] == "Jorge Paz"


def test_role_addresses_header_lines_and_the_bare_sender_are_not_delegates() -> None:
    text = (
        "From: Focal Point <focal@ipo.example.ar>\n"
        "Please write to info@ipo.example.ar or mission@arg.example for questions.\n"
        "focal@ipo.example.ar\n"
        "Delegate: Ms. Laura Díaz, laura.diaz@ipo.example.ar\n"
        "questions: frontier.tech@wipo.int"
    )
    assert _emails(text, "focal@ipo.example.ar") == ["laura.diaz@ipo.example.ar"]


def test_the_sender_listed_by_name_is_a_delegate() -> None:
    text = "From Kyrgyzstan, Бакыт Асанов will attend online, b.asanov@patent.example"
    assert _emails(text, "b.asanov@patent.example") == ["b.asanov@patent.example"]


def test_the_sender_is_the_speaker_only_when_the_display_name_is_a_person() -> None:
    from handlers.fields import extract_speaker

    asks = "We would like to take part in the information-exchange session."
    assert extract_speaker(asks, "Marsh, Helen") == "Helen Marsh"
    assert extract_speaker(asks, "Dr. Tomás Aravena") == "Tomás Aravena"
    assert extract_speaker(asks, "Misión Permanente de México") is None
    assert extract_speaker(asks, "Постоянное представительство Казахстана") is None
    assert extract_speaker(asks, "وزارة الاقتصاد - إدارة الملكية الفكرية") is None
    assert extract_speaker(asks, "深圳声纹科技有限公司 政府事务部") is None
    assert extract_speaker(asks, "") is None
