"""Composition root: build the ASGI app, wire the adapters, register the job handlers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from fastapi import FastAPI
from starlette.responses import FileResponse
from starlette.staticfiles import StaticFiles

from gazouille.api import app as api_app
from gazouille.config import Settings, get_settings, set_settings
from gazouille.core.db import Database
from gazouille.core.gc_tuning import tune_for_serving
from gazouille.core.proxies import TrustedProxyMiddleware
from gazouille.core.pubsub import make_pubsub
from gazouille.core.ratelimit import make_ratelimiter
from gazouille.core.state import AppState
from gazouille.domains.cards import service as cards
from gazouille.domains.conversations import tasks as conversation_tasks
from gazouille.domains.federation.resolver import set_resolver
from gazouille.domains.feeds import service as feeds
from gazouille.domains.mail import service as mail
from gazouille.domains.media import tasks as media_tasks
from gazouille.domains.notifications import tasks as notification_tasks
from gazouille.domains.polls import tasks as poll_tasks
from gazouille.domains.scheduled import tasks as scheduled_tasks
from gazouille.domains.search import tasks as search_tasks
from gazouille.domains.streaming import events as streaming_events
from gazouille.domains.trends import tasks as trend_tasks
from gazouille.federation import app as federation_app
from gazouille.federation import housekeeping as federation_housekeeping
from gazouille.federation import inbox as federation_inbox
from gazouille.federation import publish as federation_publish
from gazouille.federation.clients import close_pools as close_federation_pools
from gazouille.federation.remote import FederationResolver
from gazouille.web import app as web_app
from gazouille.worker import queue
from gazouille.worker.runtime import JOBS_CHANNEL, JobContext, Registry, Worker

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"


def build_registry() -> Registry:
    registry = Registry()
    registry.register(notification_tasks.JOB_KIND, notification_tasks.create_notification)
    registry.register(notification_tasks.STATUS_JOB_KIND, notification_tasks.notify_status_posted)
    registry.register(cards.JOB_KIND, cards.fetch_card)
    registry.register(trend_tasks.JOB_KIND, trend_tasks.refresh_trends, every=trend_tasks.EVERY)
    registry.register(search_tasks.JOB_KIND, search_tasks.sweep_index, every=search_tasks.EVERY)
    registry.register(conversation_tasks.JOB_KIND, conversation_tasks.add_status)
    registry.register(media_tasks.PROCESS_JOB, media_tasks.process_media)
    registry.register(poll_tasks.EXPIRE_JOB, poll_tasks.close_poll)
    registry.register(scheduled_tasks.PUBLISH_JOB, scheduled_tasks.publish_scheduled)
    registry.register(mail.JOB_KIND, mail.send_mail)
    registry.register(feeds.FAN_OUT_JOB, feeds.fan_out_job)
    registry.register(feeds.REBUILD_JOB, feeds.rebuild_job)
    registry.register(feeds.TRIM_JOB, feeds.trim_job, every=feeds.TRIM_EVERY)
    registry.register(federation_publish.PUBLISH_JOB, federation_publish.publish)
    registry.register(federation_publish.DELIVER_JOB, federation_publish.deliver, remote=True)
    for kind, handler in federation_inbox.JOBS.items():
        registry.register(kind, handler, remote=True)
    registry.register(
        federation_housekeeping.PURGE_JOB,
        federation_housekeeping.purge_inbox,
        every=federation_housekeeping.EVERY,
    )
    return registry


def build_state(settings: Settings) -> AppState:
    set_settings(settings)
    app_state = AppState(
        settings=settings,
        db=Database(settings.effective_database_url),
        pubsub=make_pubsub(settings.redis_url),
        ratelimiter=make_ratelimiter(settings.redis_url),
    )
    # Streaming events of this database's transactions go out on this pub/sub.
    streaming_events.attach(app_state.db.write_engine, app_state.pubsub)
    set_resolver(FederationResolver(app_state.db, settings) if settings.federation else None)
    return app_state


def wire_job_wakeups(state: AppState) -> Callable[[], None]:
    """After a commit that enqueued jobs, wake the workers of every process. Returns the
    function that unwires it."""
    pubsub = state.pubsub

    async def wake() -> None:
        await pubsub.publish(JOBS_CHANNEL, "1")

    queue.add_waker(wake)
    return lambda: queue.remove_waker(wake)


def create_app(
    settings: Settings | None = None, *, run_worker: bool = True, tune_gc: bool = False
) -> FastAPI:
    """The application. ``tune_gc`` is for a server process (``gazouille serve``): see
    ``core.gc_tuning``; tests, which make many apps in one process, leave it off."""
    settings = settings or get_settings()
    state = build_state(settings)
    registry = build_registry()

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        unwire = wire_job_wakeups(state)
        if tune_gc:
            tune_for_serving()
        worker = None
        task = None
        if run_worker:
            worker = Worker(JobContext(state.db, state.pubsub), registry)
            task = asyncio.create_task(worker.run())
        try:
            yield
        finally:
            if worker is not None and task is not None:
                worker.stop()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(task, 10)
            unwire()
            await close_federation_pools()
            await state.pubsub.close()
            await state.db.dispose()

    app = FastAPI(
        title="Gazouille",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.gazouille = state
    app.state.registry = registry
    api_app.install(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/avatars/original/missing.png", include_in_schema=False)
    async def missing_avatar() -> FileResponse:
        return FileResponse(STATIC / "avatar-missing.png", media_type="image/png")

    @app.get("/headers/original/missing.png", include_in_schema=False)
    async def missing_header() -> FileResponse:
        return FileResponse(STATIC / "header-missing.png", media_type="image/png")

    federation_app.install(app)
    web_app.install(app)
    if settings.trusted_proxies:
        app.add_middleware(TrustedProxyMiddleware, trusted=settings.trusted_proxies)
    return app


def app_from_environment() -> FastAPI:
    """The app of one of several server processes (``serve --workers``), from the
    environment's settings, without a job worker (``serve_processes`` runs one apart)."""
    return create_app(get_settings(), run_worker=False, tune_gc=True)


def serve_processes(
    host: str, port: int, workers: int, *, jobs: bool, access_log: bool = True
) -> None:
    """``workers`` uvicorn processes on one port (each with its own socket where the system
    spreads connections across them: ``serving``), plus one ``gazouille worker`` process for
    the background jobs. SQLite in WAL mode serves the readers of every process at once;
    writers take turns."""
    import subprocess
    import sys

    import uvicorn

    from gazouille import serving

    options = {"log_level": "info", "access_log": access_log, "proxy_headers": False}
    job_worker = (
        subprocess.Popen([sys.executable, "-m", "gazouille.cli", "worker"]) if jobs else None
    )
    try:
        if serving.reuse_port_supported():
            serving.supervise(host, port, workers, options)
        else:
            uvicorn.run(
                "gazouille.main:app_from_environment",
                factory=True,
                host=host,
                port=port,
                workers=workers,
                **options,  # type: ignore[arg-type]
            )
    finally:
        if job_worker is not None:
            job_worker.terminate()
            job_worker.wait(timeout=30)
