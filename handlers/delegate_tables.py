"""Delegation tables flattened to one cell a line (HTML and Word tables as text): names by their column.

A header row names the columns ("Nom | Titre | Fonction | Courriel", "ФИО / Name | Title | E-mail", "الاسم |
البريد الإلكتروني", "姓名 | 邮箱"); the first address after it fixes the row length, and every row then gives
its name and title from the header's columns, in any script and without an honorific. Pure; bounded.
"""

from __future__ import annotations

import re

_NAME_HEADER = re.compile(
    r"^(?:№\s*)?(?:(?:full |family )?names?|nom(?: et prénom| complet)?|nombres?(?: y apellidos| completo)?|"
    r"apellidos y nombres?|фио|ф\.\s?и\.\s?о\.?|имя|الاسم(?: الكامل)?|اسم المندوب|姓名|名字|姓名\s*name|"
    r"фио\s*/\s*name)(?:\s*/\s*[\w\s.]{1,20})?$",
    re.I,
)
_EMAIL_HEADER = re.compile(
    r"^(?:e-?mail(?: address)?|courriel|adresse (?:électronique|e-mail)|correo(?: electrónico)?|"
    r"электронная почта|эл\.\s?почта|e-mail\s*/\s*[\w\s.]{1,20}|[\w\s.]{1,20}\s*/\s*e-?mail|"
    r"البريد الإلكتروني|البريد الالكتروني|电子邮件|电子邮箱|邮箱|電子郵件|郵箱)$",
    re.I,
)
_TITLE_HEADER = re.compile(
    r"^(?:title|titre|civilité|título|tratamiento|обращение|اللقب|称谓|稱謂|title\s*/\s*[\w\s]{1,20})$", re.I
)
_ADDRESS = re.compile(r"[\w.+'-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
MAX_ROWS = 200


def table_delegates(text: str) -> dict[str, tuple[str, str | None]]:
    """Address → (name, title) for each row of the delegation tables in ``text``."""
    cells = [line.strip().strip("|").strip() for line in text.splitlines()]
    cells = [cell for cell in cells if cell]
    found: dict[str, tuple[str, str | None]] = {}
    for j, cell in enumerate(cells):
        if len(cell) > 40 or not _EMAIL_HEADER.match(cell):
            continue
        header_start = max(0, j - 8)
        names = [i for i in range(header_start, j) if len(cells[i]) <= 40 and _NAME_HEADER.match(cells[i])]
        if not names:
            continue
        name_col = names[-1]
        titles = [i for i in range(name_col + 1, j) if _TITLE_HEADER.match(cells[i])]
        first = next((p for p in range(j + 1, min(len(cells), j + 12)) if _ADDRESS.search(cells[p])), None)
        if first is None:
            continue
        width = first - j
        for row in range(MAX_ROWS):
            at = first + row * width
            if at >= len(cells):
                break
            address = _ADDRESS.search(cells[at])
            name = cells[at - (j - name_col)]
            if not address or "@" in name or len(name) > 80:
                break
            title = cells[at - (j - titles[0])] if titles else None
            found[address.group(0).strip(".").lower()] = (name, title if title and len(title) <= 20 else None)
    return found
