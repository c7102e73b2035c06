"""The ceiling apps that ``bench/api.py`` starts beside the service, on the same database.

- ``create_bare_app``: FastAPI with one trivial async route, ``GET /livez``: what the
  framework itself serves on this machine.
- ``create_core_app``: the minimal FastAPI + SQLAlchemy Core app doing the service's work
  for its three measured routes: ``GET /tasks/{id}`` and ``GET /tasks?limit=50`` (task
  columns, assignee and creator id/email/name joined in, labels aggregated in a correlated
  subquery) and ``POST /tasks`` (the task row and its labels in one transaction). Sync
  routes, one threadpool hop each, the project's engine (same pragmas, same pool size) and
  as many threads as pooled connections; on SQLite writers queue on a process lock rather
  than in SQLite's sleeping busy-wait. No auth, no history row, no ORM: the stack's own
  speed, the denominator of the service's ratios.

Both read ``WORKITEMS_DATABASE_URL`` and run under uvicorn (``harness.twin:create_core_app
--factory``).
"""

import json
import os
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import date, datetime
from typing import Any

from anyio import to_thread
from fastapi import FastAPI, HTTPException, Response
from pydantic import BaseModel, Field
from sqlalchemy import Connection, func, insert, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

import workitems.models  # noqa: F401  (puts every table on Base.metadata)
from workitems.clock import utc_now
from workitems.db import Base, make_engine, writer

POOL_SIZE = 8
ACTIVE_EXCLUDED = ("canceled", "completed")

tasks = Base.metadata.tables["tasks"]
users = Base.metadata.tables["users"]
task_labels = Base.metadata.tables["task_labels"]


def create_bare_app() -> FastAPI:
    app = FastAPI(openapi_url=None)

    @app.get("/livez")
    async def livez() -> dict[str, str]:
        return {"status": "ok"}

    return app


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _json(payload: Any, status_code: int = 200) -> Response:
    return Response(
        json.dumps(payload, default=_default, separators=(",", ":")),
        status_code=status_code,
        media_type="application/json",
    )


class TwinCreate(BaseModel):
    title: str = Field(min_length=1, max_length=500)
    description: str = ""
    priority: str = "none"
    labels: list[str] = Field(default_factory=list)
    assignee: str | int | None = None


def create_core_app() -> FastAPI:
    url = os.environ["WORKITEMS_DATABASE_URL"]
    engine = make_engine(url, pool_size=POOL_SIZE, max_overflow=POOL_SIZE)
    write_engine = writer(engine)
    sqlite = engine.dialect.name == "sqlite"
    write_lock = threading.Lock()
    assignee = users.alias("assignee")
    creator = users.alias("creator")
    if sqlite:
        labels_expr = (
            select(func.json_group_array(task_labels.c.label))
            .where(task_labels.c.task_id == tasks.c.id)
            .scalar_subquery()
        )
    else:
        labels_expr = (
            select(func.array_agg(aggregate_order_by(task_labels.c.label, task_labels.c.label)))
            .where(task_labels.c.task_id == tasks.c.id)
            .scalar_subquery()
        )
    base = (
        select(
            tasks,
            assignee.c.email.label("assignee_email"),
            assignee.c.display_name.label("assignee_name"),
            creator.c.email.label("creator_email"),
            creator.c.display_name.label("creator_name"),
            labels_expr.label("labels"),
        )
        .outerjoin(assignee, assignee.c.id == tasks.c.assignee_id)
        .outerjoin(creator, creator.c.id == tasks.c.created_by_id)
    )

    def shape(row: Any) -> dict[str, Any]:
        labels = row.labels
        if sqlite:
            labels = json.loads(labels) if labels else []
        return {
            "id": row.id,
            "key": f"WI-{row.id}",
            "title": row.title,
            "description": row.description,
            "status": row.status,
            "priority": row.priority,
            "assignee": (
                {"id": row.assignee_id, "email": row.assignee_email, "name": row.assignee_name}
                if row.assignee_id is not None
                else None
            ),
            "due_date": row.due_date,
            "labels": labels or [],
            "source": row.source,
            "created_by": (
                {"id": row.created_by_id, "email": row.creator_email, "name": row.creator_name}
                if row.created_by_id is not None
                else None
            ),
            "closure_note": row.closure_note,
            "closed_at": row.closed_at,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
            "status_changed_at": row.status_changed_at,
            "version": row.version,
        }

    @contextmanager
    def writing() -> Iterator[Connection]:
        if sqlite:
            with write_lock, write_engine.begin() as conn:
                yield conn
        else:
            with engine.begin() as conn:
                yield conn

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = POOL_SIZE
        yield
        engine.dispose()

    app = FastAPI(openapi_url=None, lifespan=lifespan)

    @app.get("/livez")
    async def livez() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/tasks/{task_id}")
    def get_task(task_id: int) -> Response:
        with engine.connect() as conn:
            row = conn.execute(base.where(tasks.c.id == task_id)).first()
        if row is None:
            raise HTTPException(404)
        return _json(shape(row))

    @app.get("/tasks")
    def list_tasks(limit: int = 50) -> Response:
        query = (
            base.where(tasks.c.status.not_in(ACTIVE_EXCLUDED))
            .order_by(tasks.c.updated_at.desc(), tasks.c.id.desc())
            .limit(limit + 1)
        )
        with engine.connect() as conn:
            rows = conn.execute(query).all()
        items = [shape(row) for row in rows[:limit]]
        cursor = f"{items[-1]['updated_at']}|{items[-1]['id']}" if len(rows) > limit else None
        return _json({"items": items, "next_cursor": cursor})

    @app.post("/tasks", status_code=201)
    def create_task(data: TwinCreate) -> Response:
        now = utc_now()
        owner = 1 if data.assignee == "me" else None
        row = {
            "title": data.title,
            "description": data.description,
            "status": "pending" if owner else "unaddressed",
            "priority": data.priority,
            "assignee_id": owner,
            "source": "manual",
            "created_by_id": 1,
            "created_at": now,
            "updated_at": now,
            "status_changed_at": now,
            "version": 1,
        }
        labels = list(dict.fromkeys(data.labels))
        with writing() as conn:
            task_id = conn.execute(insert(tasks).values(row).returning(tasks.c.id)).scalar_one()
            if labels:
                conn.execute(
                    insert(task_labels), [{"task_id": task_id, "label": lb} for lb in labels]
                )
        return _json({"id": task_id, "key": f"WI-{task_id}", **row, "labels": labels}, 201)

    return app
