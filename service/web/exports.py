"""The event team's spreadsheets: one row per speaker request, per clearinghouse update, per delegate."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import Response
from openpyxl import Workbook

from handlers.gender import gender_of
from service.models import Message
from service.web.display import geneva_time
from service.web.security import attachment_disposition

EXPORT_HEAD = ["message", "received (Geneva)", "from", "country_or_org"]
EXPORT_TAIL = ["deadline_status", "review_status"]


def _head(m: Message) -> list[Any]:
    return [m.id, geneva_time(m.received_at), m.from_address, (m.fields or {}).get("country_or_org")]


def _tail(m: Message) -> list[Any]:
    return [m.deadline_status, m.review_status]


def _speakers(m: Message) -> list[list[Any]]:
    f = m.fields or {}
    return [[*_head(m), f.get("speaker_name"), f.get("format"), f.get("topic"), *_tail(m)]]


def _delegates(m: Message) -> list[list[Any]]:
    """One row per delegate, with the gender their title gives (the circular asks for gender balance)."""
    f = m.fields or {}
    return [
        [*_head(m), d.get("title"), gender_of(d.get("title")), d.get("name"), d.get("email"), f.get("attendance"),
         *_tail(m)]
        for d in f.get("delegates") or []
    ]  # fmt: skip


def _measures(m: Message) -> list[list[Any]]:
    f = m.fields or {}
    return [[*_head(m), f.get("measure_type"), f.get("url"), *_tail(m)]]


EXPORTS = {
    "speakers": ("speaker_request", [*EXPORT_HEAD, "speaker_name", "format", "topic", *EXPORT_TAIL], _speakers),
    "delegates": (
        "nomination",
        [*EXPORT_HEAD, "title", "gender", "name", "email", "attendance", *EXPORT_TAIL],
        _delegates,
    ),
    "clearinghouse": ("clearinghouse_update", [*EXPORT_HEAD, "measure_type", "url", *EXPORT_TAIL], _measures),
}


def _cell(value: Any) -> Any:
    """Spreadsheet-safe: a text starting with = + - @ is not a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def table_response(filename: str, header: list[str], rows: list[list[Any]]) -> Response:
    if filename.endswith(".csv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows([[_cell(v) for v in row] for row in rows])
        body, media = ("\ufeff" + buffer.getvalue()).encode("utf-8"), "text/csv; charset=utf-8"
    else:
        book = Workbook()
        sheet = book.active
        sheet.append(header)
        for row in rows:
            sheet.append([_cell(v) for v in row])
        out = io.BytesIO()
        book.save(out)
        body, media = out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, media_type=media, headers={"Content-Disposition": attachment_disposition(filename)})
