"""Request and response shapes for saved views."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from workitems.bounds import STRIP, STRIP_NONBLANK, Flag
from workitems.search.service import SearchSort
from workitems.user.schemas import UserRef
from workitems.view.models import SavedView

Name = Annotated[str, StringConstraints(min_length=1, max_length=100), STRIP_NONBLANK]
Query = Annotated[str, StringConstraints(max_length=1000), STRIP]


class ViewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    query: Query = Field(description="A search query, as on `/api/tasks/search`.")
    sort: SearchSort = SearchSort.updated
    shared: Flag = Field(default=False, description="Visible to the whole team.")
    is_default: Flag = Field(default=False, description="The view your task list opens with.")


class ViewUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    query: Query | None = None
    sort: SearchSort | None = None
    shared: Flag | None = None
    is_default: Flag | None = None


class ViewOut(BaseModel):
    id: int
    name: str
    query: str
    sort: SearchSort
    shared: bool
    is_default: bool
    owner: UserRef
    mine: bool = Field(description="Whether you own it (only the owner may change it).")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: SavedView, *, viewer_id: int) -> "ViewOut":
        return cls(
            id=view.id,
            name=view.name,
            query=view.query,
            sort=SearchSort(view.sort),
            shared=view.shared,
            is_default=view.is_default and view.owner_id == viewer_id,
            owner=UserRef.of(view.owner),
            mine=view.owner_id == viewer_id,
            created_at=view.created_at,
            updated_at=view.updated_at,
        )


class ViewList(BaseModel):
    items: list[ViewOut]
