"""Loads the acknowledgment templates (``config/templates/ack/``) for :func:`handlers.acknowledge.render_ack`."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape


def template_environment(folder: Path) -> Environment:
    """Jinja2 over the template folder: HTML autoescaped, undefined variables are errors."""
    return Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=select_autoescape(["html", "html.j2"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
