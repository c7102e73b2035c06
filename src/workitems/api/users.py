"""``/api/tasks/users``: the assignable-user lookup behind every owner picker."""

from typing import Annotated

from fastapi import Query, Response

from workitems.api.deps import UsersRead
from workitems.api.responses import json_response
from workitems.http.routers import PrefixedRouter
from workitems.http.session import SessionDep, SessionRoute
from workitems.user import service
from workitems.user.schemas import UserList, UserOut

router = PrefixedRouter(route_class=SessionRoute, prefix="/api/tasks/users", tags=["users"])


@router.get(
    "",
    response_model=UserList,
    summary="Active users matching a name, email or alias, best match first",
)
def lookup_users(
    session: SessionDep,
    _: UsersRead,
    q: Annotated[str, Query(max_length=200, description="Empty lists everyone.")] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    found = service.lookup_assignable(session, q, limit=limit)
    return json_response(UserList(items=[UserOut.of(user) for user in found]))
