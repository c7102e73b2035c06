"""Small ``make_*`` helpers that build test data through the service functions."""

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from workitems.auth.service import issue_token
from workitems.task.enums import TaskStatus
from workitems.task.models import Task
from workitems.task.schemas import TaskCreate
from workitems.task.service import create_task, transition_task
from workitems.user.models import User, UserRole
from workitems.user.service import add_user


def make_user(
    session: Session,
    *,
    email: str = "sam@example.com",
    name: str = "Sam Lee",
    aliases: Iterable[str] = (),
    role: UserRole = UserRole.member,
) -> User:
    return add_user(session, email=email, name=name, aliases=aliases, role=role)


def make_token(session: Session, user: User, scopes: Iterable[str], **kwargs: Any) -> str:
    _token, raw = issue_token(session, user=user, scopes=scopes, **kwargs)
    return raw


def make_task(
    session: Session,
    *,
    actor: User | None = None,
    title: str = "Send the Q3 deck to finance",
    status: TaskStatus | None = None,
    note: str | None = None,
    **fields: Any,
) -> Task:
    data = TaskCreate(title=title, **fields)
    task = create_task(session, data, actor_id=actor.id if actor else None)
    if status is not None and status != task.status:
        if actor is None:
            raise ValueError("moving a task to another status needs an actor")
        task = transition_task(session, task.id, to=status, note=note or "test", actor_id=actor.id)
    return task


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
