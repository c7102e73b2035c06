"""Saved views: a person's named queries, and the team's shared ones.

A view stores the query text, not its results, so it always shows current work; its query
is parsed when saved, so a view that cannot run is refused up front rather than failing
every time someone opens it.
"""

from collections.abc import Sequence

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from workitems.clock import utc_now
from workitems.errors import ConflictError, NotFoundError, PermissionDeniedError
from workitems.search.query import parse
from workitems.view.models import SavedView
from workitems.view.schemas import ViewCreate, ViewUpdate


def list_views(session: Session, *, viewer_id: int) -> Sequence[SavedView]:
    """Yours first (the default on top), then those your team shared, by name."""
    query = (
        select(SavedView)
        .where(or_(SavedView.owner_id == viewer_id, SavedView.shared.is_(True)))
        .order_by(
            (SavedView.owner_id != viewer_id),
            SavedView.is_default.desc(),
            SavedView.name,
            SavedView.id,
        )
    )
    return session.scalars(query).unique().all()


def get_view(session: Session, view_id: int, *, viewer_id: int) -> SavedView:
    view = session.get(SavedView, view_id)
    if view is None or (view.owner_id != viewer_id and not view.shared):
        raise NotFoundError(f"Saved view {view_id} does not exist or is not shared with you.")
    return view


def default_view(session: Session, *, viewer_id: int) -> SavedView | None:
    return session.scalar(
        select(SavedView).where(SavedView.owner_id == viewer_id, SavedView.is_default.is_(True))
    )


def create_view(session: Session, data: ViewCreate, *, owner_id: int) -> SavedView:
    parse(data.query)
    _check_name_free(session, owner_id, data.name)
    if data.is_default:
        _clear_default(session, owner_id)
    view = SavedView(owner_id=owner_id, **data.model_dump())
    session.add(view)
    session.flush()
    return view


def update_view(session: Session, view_id: int, data: ViewUpdate, *, viewer_id: int) -> SavedView:
    view = _owned(session, view_id, viewer_id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if "query" in changes:
        parse(changes["query"])
    if "name" in changes and changes["name"] != view.name:
        _check_name_free(session, viewer_id, changes["name"])
    if changes.get("is_default"):
        _clear_default(session, viewer_id)
    for name, value in changes.items():
        setattr(view, name, value)
    view.updated_at = utc_now()
    session.flush()
    return view


def delete_view(session: Session, view_id: int, *, viewer_id: int) -> None:
    session.delete(_owned(session, view_id, viewer_id))
    session.flush()


def _owned(session: Session, view_id: int, viewer_id: int) -> SavedView:
    view = get_view(session, view_id, viewer_id=viewer_id)
    if view.owner_id != viewer_id:
        raise PermissionDeniedError(
            f"Saved view {view_id} belongs to {view.owner.display_name}; save a copy to change it."
        )
    return view


def _check_name_free(session: Session, owner_id: int, name: str) -> None:
    taken = session.scalar(
        select(SavedView.id).where(SavedView.owner_id == owner_id, SavedView.name == name)
    )
    if taken is not None:
        raise ConflictError(f"You already have a view named {name!r} (view {taken}).")


def _clear_default(session: Session, owner_id: int) -> None:
    session.execute(
        update(SavedView)
        .where(SavedView.owner_id == owner_id, SavedView.is_default.is_(True))
        .values(is_default=False)
        .execution_options(synchronize_session="fetch")
    )
