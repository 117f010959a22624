"""Mounts the ActivityPub door: discovery, documents, the inboxes. Install it before the web
door: ``/@name`` asked for in AS2 must reach the documents before the web pages."""

from __future__ import annotations

import importlib

from fastapi import APIRouter, FastAPI

from gazouille.federation import discovery, documents


def _inbox_router() -> APIRouter | None:
    try:
        module = importlib.import_module("gazouille.federation.inbox")
    except ModuleNotFoundError as exc:
        if exc.name != "gazouille.federation.inbox":
            raise
        return None
    router = getattr(module, "router", None)
    return router if isinstance(router, APIRouter) else None


def install(app: FastAPI) -> None:
    app.include_router(discovery.router)
    app.include_router(documents.negotiated)
    app.include_router(documents.router)
    inbox = _inbox_router()
    if inbox is not None:
        app.include_router(inbox)
