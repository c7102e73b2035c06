from enum import StrEnum


class Scope(StrEnum):
    tasks_read = "tasks:read"
    tasks_write = "tasks:write"
    tasks_approve = "tasks:approve"
    users_read = "users:read"


ALL_SCOPES: tuple[Scope, ...] = tuple(Scope)
