"""The event team's spreadsheets as downloads: ``/exports/{kind}.csv`` or ``.xlsx``, the queue's filters applied."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from sqlmodel import Session

from service.web.deps import SignedIn
from service.web.exports import EXPORTS, table_response
from service.web.queue import Filters, filtered, ordered

router = APIRouter()


@router.get("/exports/{kind}.{fmt}")
def export(request: Request, kind: str, fmt: str, user: SignedIn, filters: Annotated[Filters, Query()]) -> Response:
    if kind not in EXPORTS or fmt not in ("csv", "xlsx"):
        raise HTTPException(404, "unknown export")
    category, header, rows_of = EXPORTS[kind]
    with Session(request.app.state.engine) as session:
        narrowed = filtered(filters.model_copy(update={"category": category}), session)
        messages = session.exec(ordered(narrowed, "received")).all()
        rows = [row for m in messages for row in rows_of(m)]
    return table_response(f"{kind}.{fmt}", header, rows)
