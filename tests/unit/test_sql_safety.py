"""SQL only through the ORM or bound parameters: every raw SQL string of the product, read from its source.

A raw statement (``text(…)``, ``exec_driver_sql(…)``, a string given to ``execute``) may be built only from
string literals, module constants (``TABLE``, ``search_index.PG_TABLE``, a constant dict indexed by the dialect)
and the few reviewed locals listed below; values always travel as bound parameters (``:name``). A value typed
by a user or taken from mail in an f-string or a ``+`` would fail this test. The files holding raw SQL are
listed too (docs/security.md names them), so a new one is a deliberate, reviewed change.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PRODUCT = ("service", "handlers", "parsers", "config")
CONSTANT = re.compile(r"^_?[A-Z][A-Z0-9_]*$")
# locals that are interpolated, each checked by hand: (file, name) → why it cannot carry outside text
REVIEWED_LOCALS = {
    ("service/search_index.py", "statement"): "iterates over the module's constant tuples _FILL and PG_CREATE",
    ("service/search_index.py", "column"): 'one of two literals, "message.id" or "+message.id"',
}
# the files that hold raw SQL, and why there
RAW_SQL_FILES = {
    "service/db.py": "SQLite PRAGMAs and BEGIN IMMEDIATE, literals",
    "service/status.py": "SELECT 1, the readiness probe",
    "service/retention.py": "SQLite PRAGMAs of the purge, literals",
    "service/search_index.py": "FTS5 / tsvector statements: table names are constants, the search is bound",
    "service/migrations/env.py": "the migration lock, a literal",
    "service/migrations/versions/0005_queue_indexes.py": "ANALYZE",
    "service/migrations/versions/0006_search_index_and_counted_columns.py": "ANALYZE, a bound UPDATE, DROP TABLE",
    "service/migrations/versions/0007_drop_low_cardinality_indexes.py": "ANALYZE",
    "service/migrations/versions/0011_postgresql_search_index.py": "DROP TABLE of a constant name",
    "service/migrations/versions/0015_review_indexes_postgresql.py": "index column expressions, literals",
}


def _raw_sql_arguments(tree: ast.AST) -> list[ast.expr]:
    """The SQL strings of ``text(s)``, ``sa.text(s)``, ``….exec_driver_sql(s)`` and ``….execute(s)`` with a
    string-like ``s``."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func, first = node.func, node.args[0]
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        stringy = isinstance(first, ast.JoinedStr | ast.BinOp) or (
            isinstance(first, ast.Constant) and isinstance(first.value, str)
        )
        if name in ("text", "exec_driver_sql") or (name == "execute" and stringy):
            found.append(first)
    return found


def _module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    constants = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    constants[target.id] = node.value
    return constants


def _unsafe_parts(node: ast.expr, where: str, constants: dict[str, ast.expr], seen: frozenset[str] = frozenset()):
    """The parts of ``node`` that are not made of literals, module constants or reviewed locals."""
    if isinstance(node, ast.Constant):
        return [] if isinstance(node.value, str | int) else [ast.dump(node)]
    if isinstance(node, ast.JoinedStr):
        return [
            p
            for v in node.values
            if isinstance(v, ast.FormattedValue)
            for p in _unsafe_parts(v.value, where, constants, seen)
        ]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _unsafe_parts(node.left, where, constants, seen) + _unsafe_parts(node.right, where, constants, seen)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _unsafe_parts(node.operand, where, constants, seen)
    if isinstance(node, ast.Tuple | ast.List):
        return [p for e in node.elts for p in _unsafe_parts(e, where, constants, seen)]
    if isinstance(node, ast.Dict):
        return [p for v in node.values if v is not None for p in _unsafe_parts(v, where, constants, seen)]
    if isinstance(node, ast.Name):
        if (where, node.id) in REVIEWED_LOCALS:
            return []
        if CONSTANT.match(node.id):
            if node.id in constants and node.id not in seen:  # defined here: made of safe parts itself?
                return _unsafe_parts(constants[node.id], where, constants, seen | {node.id})
            return []  # imported from another module of the product, where the same test reads it
        return [node.id]
    if isinstance(node, ast.Attribute) and CONSTANT.match(node.attr):
        return []  # another module's constant (search_index.TABLE)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and CONSTANT.match(node.value.id):
        return _unsafe_parts(node.value, where, constants, seen)  # a constant table, indexed by the dialect
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "text" and node.args:
        return _unsafe_parts(node.args[0], where, constants, seen)  # text(CONSTANT) kept in a constant
    return [ast.unparse(node)]


def _sources() -> list[Path]:
    return sorted(p for folder in PRODUCT for p in (REPO / folder).rglob("*.py"))


def test_raw_sql_is_made_only_of_literals_constants_and_reviewed_locals() -> None:
    checked = 0
    for path in _sources():
        where = path.relative_to(REPO).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _module_constants(tree)
        for argument in _raw_sql_arguments(tree):
            checked += 1
            assert not _unsafe_parts(argument, where, constants), (where, argument.lineno, ast.unparse(argument))
    assert checked >= 20  # the scan sees the product's raw SQL


def test_the_files_holding_raw_sql_are_the_reviewed_ones() -> None:
    holding = {
        path.relative_to(REPO).as_posix()
        for path in _sources()
        if _raw_sql_arguments(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert holding == set(RAW_SQL_FILES), holding ^ set(RAW_SQL_FILES)


def test_the_scan_refuses_a_value_put_into_sql() -> None:
    """The rule itself: an f-string or a ``+`` with anything but constants is caught."""
    bad = [
        "text(f\"SELECT * FROM message WHERE subject = '{query}'\")",
        'session.execute("DELETE FROM message WHERE id = " + str(message_id))',
        'connection.exec_driver_sql(f"PRAGMA {pragma}")',
        'text("SELECT %s" % value)',
    ]
    good = ['text(f"DELETE FROM {TABLE} WHERE rowid = :id")', 'text("SELECT 1")', "connection.execute(_INSERT, rows)"]
    for source in bad:
        [argument] = _raw_sql_arguments(ast.parse(source))
        assert _unsafe_parts(argument, "x.py", {}), source
    for source in good:
        for argument in _raw_sql_arguments(ast.parse(source)):
            assert not _unsafe_parts(argument, "x.py", {}), source
