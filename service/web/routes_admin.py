"""Admin pages: staff accounts (enable, disable, role), the triage model's training, and the API's own
documentation, all server-rendered.

Reviewers work the queue; admins also manage who may. Accounts are created from the command line
(``frontier-intake users add``: a password never travels through a web form it did not choose).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session, func, select

from service.model_store import current_model_file
from service.models import Correction, ModelTraining, User
from service.web.deps import Admin, Csrf, SignedIn
from service.web.pages import render

ROLES = ("reviewer", "admin")

router = APIRouter()


def change(user: User, action: str, actor: str) -> None:
    """Apply an admin's ``action`` (disable | enable | reviewer | admin) to ``user``; ends its sessions."""
    if user.name == actor:
        raise HTTPException(422, "admins cannot disable or demote themselves")
    if action == "disable":
        user.disabled = True
    elif action == "enable":
        user.disabled = False
    elif action in ROLES:
        user.role = action
    else:
        raise HTTPException(422, f"unknown action {action!r}")
    user.session_version += 1  # open sessions carry the old role: they end at their next request


def api_operations(openapi: dict[str, Any]) -> list[dict[str, Any]]:
    """The API's operations from its OpenAPI document: method, path, summary and parameters."""
    out = []
    for path, item in sorted(openapi.get("paths", {}).items()):
        for method, operation in item.items():
            parameters = [
                f"{p['name']} ({p.get('in', '')})" for p in operation.get("parameters", []) if isinstance(p, dict)
            ]
            summary = operation.get("summary", "")
            out.append({"method": method.upper(), "path": path, "summary": summary, "parameters": parameters})
    return out


def model_status(session: Session, data_dir: Path) -> dict[str, Any]:
    """The triage model in use, its last training, and how many corrections were made since then."""
    last = session.exec(select(ModelTraining).order_by(ModelTraining.id.desc())).first()  # type: ignore[union-attr]
    promoted = session.exec(
        select(ModelTraining).where(ModelTraining.promoted).order_by(ModelTraining.id.desc())  # type: ignore[union-attr]
    ).first()
    since = select(func.count()).select_from(Correction)
    if promoted is not None:
        since = since.where(Correction.at > promoted.trained_at)
    return {
        "file": current_model_file(data_dir).name,
        "last": last,
        "promoted": promoted,
        "corrections_since": session.exec(since).one(),
        "corrections": session.exec(select(func.count()).select_from(Correction)).one(),
    }


@router.get("/admin/users", response_class=HTMLResponse, include_in_schema=False)
def users_page(request: Request, user: Admin) -> Response:
    with Session(request.app.state.engine) as session:
        accounts = session.exec(select(User).order_by(User.name)).all()
        model = model_status(session, request.app.state.settings.data_dir)
    return render(request, "users.html", user, accounts=accounts, model=model)


@router.post("/admin/users/{name}", include_in_schema=False)
def users_change(request: Request, name: str, user: Admin, _csrf: Csrf, action: Annotated[str, Form()]) -> Response:
    with Session(request.app.state.engine) as session:
        account = session.exec(select(User).where(User.name == name)).first()
        if account is None:
            raise HTTPException(404, f"no user {name!r}")
        change(account, action, user["name"])
        session.add(account)
        session.commit()
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def docs(request: Request, user: SignedIn) -> Response:
    return render(request, "api.html", user, operations=api_operations(request.app.openapi()))
