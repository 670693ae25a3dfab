"""Search words: folding in six languages, pairs for Chinese, and queries that cannot carry FTS5 syntax."""

from __future__ import annotations

import sqlite3

import pytest

from handlers.search import document, match_expression, message_document, ts_query, words
from service.search_index import CREATE, TABLE


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("Délégation permanente de la République", "delegation republique"),
        ("DELEGACIÓN DE MÉXICO", "delegación méxico"),
        ("Ёлочный ЗАПРОС", "елочный запрос"),
        ("الدَّوْرَةُ الثانية عشرة", "الدورة"),
        ("أُعلن عن الدورة", "اعلن"),
        ("مشاركة الوفد ـــ الرسمي", "الرسمي"),
        ("中国代表团提名人工智能专家", "人工智能"),
        ("ＦＵＬＬＷＩＤＴＨ１２", "fullwidth12"),
        ("sender12@mission3.example", "sender12@mission3.example"),
    ],
)
def test_what_is_typed_matches_what_was_written(written: str, typed: str) -> None:
    db = sqlite3.connect(":memory:")
    db.execute(CREATE)  # the product's table and tokenizer settings
    rows = [(1, document(written)), (2, document("unrelated text 其他"))]
    db.executemany(f"INSERT INTO {TABLE} (rowid, body) VALUES (?, ?)", rows)
    found = db.execute(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH ?", (match_expression(typed),)).fetchall()
    assert found == [(1,)]


def test_chinese_runs_become_overlapping_pairs() -> None:
    assert words("人工智能") == ["人工", "工智", "智能"]
    assert words("AI与人") == ["ai", "与人"]
    assert words("会") == ["会"]


def test_prefixes_for_words_not_for_numbers_or_short_words() -> None:
    assert match_expression("Kazakh") == '"kazakh"*'
    assert match_expression("4242") == '"4242"'
    assert match_expression("de") == '"de"'
    assert match_expression('"artificial intelligence" 2025') == '"artificial intelligence" AND "2025"'


SYNTAX = ['"', "*", "NEAR(a b", "a OR b NOT c", "col:value", "^x", '"un"terminated', "(", "-x +y", "subject:x"]


@pytest.mark.parametrize("typed", SYNTAX)
def test_no_query_is_an_fts5_syntax_error(typed: str) -> None:
    db = sqlite3.connect(":memory:")
    db.execute(CREATE)
    db.execute(f"INSERT INTO {TABLE} (rowid, body) VALUES (1, 'near a b or not c col value x y un terminated')")
    expression = match_expression(typed)
    if expression is not None:
        db.execute(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH ?", (expression,)).fetchall()


def test_punctuation_only_has_no_words() -> None:
    assert match_expression("@@ -- !!") is None
    assert message_document(None, "", None, "", "") == ("", "", "", "")


def test_the_postgresql_query_is_the_same_search() -> None:
    assert ts_query('Kazakh "national strategy" 12') == "'kazakh':* & ('national' <-> 'strategy') & '12'"
    assert ts_query("人工智能") == "('人工' <-> '工智' <-> '智能')"
    assert ts_query("中") == "'中':*"
    assert ts_query("' & | ! <->") is None  # no words, so nothing typed reaches the engine
