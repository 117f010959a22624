"""Jinja2 for the few HTML pages of the API door (OAuth log-in and consent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

_env = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent.parent / "templates"),
    autoescape=select_autoescape(["html"]),
)


def render(name: str, **context: Any) -> str:
    return _env.get_template(name).render(**context)
