"""Endpoints return ready responses built inside their own threadpool hop.

A sync endpoint that returns a model makes FastAPI validate it again in a second hop,
while the request's connection is still checked out: slower, and the root of the pool
deadlock described in ``api/deps.py``. Routes still declare ``response_model`` for OpenAPI.
"""

from collections.abc import Mapping

from fastapi import Response
from pydantic import BaseModel


def json_response(
    model: BaseModel, *, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return Response(
        content=model.model_dump_json(),
        status_code=status_code,
        media_type="application/json",
        headers=headers,
    )
