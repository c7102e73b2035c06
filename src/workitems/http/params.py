"""Path and query parameter types shared by the routers, bounded as ``workitems.bounds``
says, so an id no database can store is a 422 naming the parameter, never a 500."""

from typing import Annotated

from fastapi import Path, Query

from workitems.bounds import MAX_ID

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
