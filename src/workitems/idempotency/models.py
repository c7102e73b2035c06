from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workitems.clock import utc_now
from workitems.db import Base


class IdempotencyKey(Base):
    """One claimed key per (user, route, key); ``status_code`` is null while in progress.

    ``claimed_at`` (the ``created_at`` column) starts the claim's lease and its retention;
    a retry that takes over an abandoned claim re-stamps it.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "route", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    route: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(default=None)
    response_body: Mapped[str | None] = mapped_column(Text, default=None)
    claimed_at: Mapped[datetime] = mapped_column("created_at", default=utc_now, index=True)
