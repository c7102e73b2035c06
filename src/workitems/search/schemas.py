from pydantic import BaseModel, Field

from workitems.clock import utc_today
from workitems.search.service import SearchPage, SearchSort
from workitems.task.schemas import TaskOut


class SearchResults(BaseModel):
    items: list[TaskOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` (with the same `q` and `sort`) for the next page."
    )
    count: int = Field(description="Matching tasks, counted up to 1,000.")
    count_capped: bool = Field(description="True when more than 1,000 match.")
    count_text: str = Field(description='The count for display: "37" or "1000+".')
    sort: SearchSort = Field(
        description="The order used; relevance falls back to updated without search words."
    )

    @classmethod
    def of(cls, page: SearchPage) -> "SearchResults":
        return cls(
            items=[TaskOut.of_row(task, today=utc_today()) for task in page.items],
            next_cursor=page.next_cursor,
            count=page.count,
            count_capped=page.count_capped,
            count_text=f"{page.count}+" if page.count_capped else str(page.count),
            sort=page.sort,
        )
