"""``create_app(settings)``: the ASGI application; uvicorn calls it as a factory."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from sqlalchemy import Engine

from workitems import __version__, web
from workitems.api import (
    dashboard,
    health,
    openapi,
    problems,
    search,
    staged,
    stale,
    tasks,
    transcripts,
    users,
    views,
    webhooks,
)
from workitems.api.inflight import InFlightLimitMiddleware
from workitems.api.limits import BodySizeLimitMiddleware
from workitems.api.methods import FixedPathMethodMiddleware
from workitems.api.nul_guard import NulGuardMiddleware
from workitems.api.security_headers import SecurityHeadersMiddleware
from workitems.auth.cache import TokenCache
from workitems.auth.throttle import Limits, Throttle
from workitems.config import Settings
from workitems.db import Timeouts, WalCheckpointer, is_sqlite, make_engine, writer
from workitems.http.session import new_write_limiter
from workitems.notify.delivery import DeliveryConfig
from workitems.notify.worker import DeliveryWorker, wake_on_commit

DESCRIPTION = """
The operational action queue of a team. Authenticate with `Authorization: Bearer wi_...`
(issue tokens with `workitems tokens issue`); each route names the scope it needs.
Errors are RFC 9457 `application/problem+json`. Edits need `If-Match` with the ETag
from your last GET.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = make_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        timeouts=Timeouts(
            connect_seconds=settings.db_connect_timeout_seconds,
            statement_ms=settings.db_statement_timeout_ms,
            pool_seconds=settings.db_pool_timeout_seconds,
        ),
    )

    @asynccontextmanager
    async def lifespan(running: FastAPI) -> AsyncIterator[None]:
        # No more threads than pooled connections: a thread then always finds a connection
        # at once, and the pool never churns overflow connections under steady load.
        to_thread.current_default_thread_limiter().total_tokens = settings.db_pool_size
        # SQLite's single writer: write requests queue here, not in its busy-wait.
        write_queue = new_write_limiter(
            engine.dialect.name, max_wait_seconds=settings.write_queue_seconds
        )
        running.state.write_limiter = write_queue
        # ... and its WAL is checkpointed beside them, never inside a writer's COMMIT.
        checkpointer = WalCheckpointer(engine) if engine.dialect.name == "sqlite" else None
        if checkpointer is not None:
            checkpointer.start()
        # Start-up objects (modules, ORM and pydantic metadata) live forever; moving them
        # out of the collector's view stops full collections rescanning them under load.
        gc.collect()
        gc.freeze()
        worker = _in_process_worker(settings, engine)
        stop_waking = wake_on_commit(worker) if worker else None
        yield
        if worker and stop_waking:
            stop_waking()
            worker.stop()
        if write_queue is not None:
            write_queue.close()
        if checkpointer is not None:
            checkpointer.stop()
        engine.dispose()

    # Swagger UI and ReDoc assets are served by the app itself: no CDN, works offline.
    app = FastAPIOffline(
        title="Workitems",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.write_engine = writer(engine)
    app.state.token_cache = TokenCache(settings.token_cache_seconds)
    app.state.probe = health.DatabaseProbe(settings.database_url)
    app.state.throttle = Throttle(
        Limits(
            token_failures=settings.token_failure_limit,
            sign_in_failures=settings.sign_in_failure_limit,
        ),
        storage_url=settings.rate_limit_storage_url,
    )
    problems.install(app)
    openapi.install(app)
    # Added first, so it runs inside the size limit and never buffers an oversized body.
    app.add_middleware(NulGuardMiddleware)
    app.add_middleware(FixedPathMethodMiddleware, openapi=app.openapi)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        per_path={
            staged.BULK_PATH: settings.max_bulk_body_bytes,
            transcripts.UPLOAD_PATH: settings.max_transcript_bytes,
            web.transcripts.UPLOAD_PATH: settings.max_transcript_bytes,
        },
    )
    # Before reading any body: a request over the bound costs nothing.
    app.add_middleware(InFlightLimitMiddleware, limit=settings.max_in_flight)
    # Outermost, so the size limit's and the NUL guard's answers get the headers too.
    app.add_middleware(SecurityHeadersMiddleware)
    app.include_router(health.router)
    # Fixed paths under /api/tasks first, so they are not taken for a task id.
    app.include_router(users.router)
    app.include_router(staged.router)
    app.include_router(transcripts.router)
    app.include_router(dashboard.router)
    app.include_router(stale.router)
    app.include_router(search.router)
    app.include_router(views.router)
    app.include_router(webhooks.router)
    app.include_router(tasks.router)
    web.install(app)
    return app


def _in_process_worker(settings: Settings, engine: Engine) -> DeliveryWorker | None:
    """On the embedded default, ``serve`` delivers webhooks and email itself."""
    wanted = settings.deliver_in_serve
    if wanted == "off" or (wanted == "auto" and not is_sqlite(settings.database_url)):
        return None
    worker = DeliveryWorker(
        engine,
        DeliveryConfig.from_settings(settings),
        concurrency=settings.delivery_concurrency,
        poll_seconds=settings.delivery_poll_seconds,
    )
    worker.start()
    return worker
