from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from workitems.clock import utc_now
from workitems.db import Base, str_enum


class UserRole(StrEnum):
    admin = "admin"
    member = "member"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    #: The names people use for this user in meetings ("Sam", "the PM").
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    role: Mapped[UserRole] = mapped_column(str_enum(UserRole, "user_role"), default=UserRole.member)
    is_active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    #: Consecutive failed sign-ins; a success resets it. Past a threshold each failure
    #: locks the account for longer (see ``auth/sessions.py``).
    failed_sign_ins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
