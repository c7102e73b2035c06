from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from workitems.db import Base


class JobRun(Base):
    """The last run of each scheduled job, shared by every worker process.

    A worker claims a due run by moving ``started_at`` forward with a compare-and-set
    update; only one worker's update matches, so two workers never run the same job twice.
    """

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    ok: Mapped[bool | None] = mapped_column(default=None)
    #: What the run reported (counts, an error message), for operators.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
