"""The queue page and the bulk actions on the messages selected in it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import Field
from sqlalchemy import func
from sqlmodel import Session, select

from handlers.registry import CATEGORIES, FieldsError
from service import review
from service.models import Message
from service.review import MAX_ROW_ID, STATUSES, ReviewError
from service.web.deps import Csrf, SignedIn
from service.web.pages import render
from service.web.queue import FACETS, PAGE, SORTS, Filters, facet_counts, filtered, page_links, page_of

MAX_REMEMBERED_QUERY = 1000  # a queue's query string kept in the session cookie (which has about 4 KB)

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def queue(request: Request, user: SignedIn, filters: Annotated[Filters, Query()]) -> Response:
    with Session(request.app.state.engine) as session:
        query = filtered(filters, session)
        # one GROUP BY over the facets (the other filters applied) gives every option's count and the total
        columns = list(FACETS.values())
        unfaceted = filtered(filters.model_copy(update=dict.fromkeys(FACETS)), session)
        combos = session.execute(unfaceted.with_only_columns(*columns, func.count()).group_by(*columns)).all()
        counts, total = facet_counts([(tuple(c[:-1]), c[-1]) for c in combos], filters)
        rows = page_of(session, query, filters)
    if len(request.url.query) <= MAX_REMEMBERED_QUERY:  # the message pages lead back here, and on through it
        request.session["queue"] = request.url.query
    else:  # too long to keep: lead back to the plain queue rather than to an older one
        request.session.pop("queue", None)
    pages = max(1, -(-total // PAGE))
    return render(
        request,
        "queue.html",
        user,
        rows=rows,
        total=total,
        counts=counts,
        filters=filters,
        categories=CATEGORIES,
        statuses=STATUSES,
        events=request.app.state.events,
        sorts=SORTS,
        pages=page_links(filters.page, pages, lambda p: "?" + request.url.include_query_params(page=p).query),
    )


@router.post("/bulk")
def bulk(
    request: Request,
    user: SignedIn,
    _csrf: Csrf,
    action: Annotated[str, Form()],
    ids: Annotated[list[Annotated[int, Field(ge=1, le=MAX_ROW_ID)]], Form()] = [],  # noqa: B006 (copied)
    value: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    # "reclassify:nomination" or "assign:ana" carry their value in the choice itself
    action, has_value, chosen = action.partition(":")
    value = chosen if has_value else value
    state = request.app.state
    with Session(state.engine) as session:
        try:
            for message in session.exec(select(Message).where(Message.id.in_(ids))):
                review.apply(
                    session,
                    message=message,
                    who=user["name"],
                    action=action,
                    value=value,
                    events=state.events,
                    acks=state.acks,
                    archive=state.archive,
                )
        except (FieldsError, ReviewError) as exc:  # nothing of the selection is changed
            raise HTTPException(422, str(exc)) from exc
        session.commit()
    # back to the same filtered page; only a query string is taken, so the redirect cannot leave the queue
    return RedirectResponse("/?" + back.lstrip("?") if back else "/", status_code=303)
