"""``/api/tasks/staged``: the review queue. Reviewing needs ``tasks:approve``."""

from collections.abc import Sequence
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Body, Header, Query, Request, Response, status

from workitems.api.deps import IfMatch, OptionalIfMatch, TasksApprove, TasksRead, TasksWrite
from workitems.api.etags import format_etag
from workitems.api.idempotency import run_idempotent
from workitems.api.problems import item_error, problem
from workitems.api.responses import json_response
from workitems.errors import WorkitemsError
from workitems.http.params import PathId, QueryId
from workitems.http.routers import PrefixedRouter
from workitems.http.session import SessionDep, SessionRoute
from workitems.staging import attention, service
from workitems.staging import review as reviewing
from workitems.staging.attention import CandidateWithWarnings
from workitems.staging.enums import CandidateSource, ReviewState, StageOutcome
from workitems.staging.schemas import (
    BulkIn,
    BulkItemOut,
    BulkResult,
    CandidateIn,
    CandidateOut,
    CandidatePage,
    CandidateUpdate,
    DuplicateIn,
    RejectIn,
    ReviewIn,
    ReviewItem,
    ReviewResult,
    SnoozeIn,
)

router = PrefixedRouter(route_class=SessionRoute, prefix="/api/tasks/staged", tags=["staging"])
BULK_PATH = "/api/tasks/staged/bulk"


def candidates_out(items: Sequence[CandidateWithWarnings[Any]]) -> list[CandidateOut]:
    return [CandidateOut.of(item.candidate, item.warnings) for item in items]


def _one(item: CandidateWithWarnings[Any], *, status_code: int = 200) -> Response:
    headers = {"ETag": format_etag(item.candidate.version)}
    if status_code == status.HTTP_201_CREATED:
        headers["Location"] = f"/api/tasks/staged/{item.candidate.id}"
    return json_response(
        CandidateOut.of(item.candidate, item.warnings), status_code=status_code, headers=headers
    )


@router.get("", response_model=CandidatePage, summary="The review queue, oldest first")
def list_staged(
    session: SessionDep,
    _: TasksRead,
    state: Annotated[list[ReviewState] | None, Query(description="Default: staged.")] = None,
    source: CandidateSource | None = None,
    transcript_id: QueryId = None,
    has_warnings: Annotated[
        bool | None, Query(description="Only candidates with (true) or without (false) warnings.")
    ] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 50,
) -> Response:
    page = attention.list_rows_with_warnings(
        session,
        states=state or [ReviewState.staged],
        source=source,
        transcript_id=transcript_id,
        cursor=cursor,
        limit=limit,
        has_warnings=has_warnings,
    )
    return json_response(
        CandidatePage(items=candidates_out(page.items), next_cursor=page.next_cursor)
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CandidateOut,
    summary="Stage one candidate",
)
def stage(data: CandidateIn, session: SessionDep, principal: TasksWrite) -> Response:
    candidate = service.stage_candidate(session, data, actor_id=principal.user_id)
    return _one(
        attention.one_with_warnings(session, candidate), status_code=status.HTTP_201_CREATED
    )


@router.post(
    "/bulk",
    response_model=BulkResult,
    summary="Stage up to 1,000 candidates; per-item results; safe to retry with Idempotency-Key",
    responses={
        422: {"description": "With atomic=true, any invalid item: nothing staged."},
        409: {"description": "The same Idempotency-Key is still being processed."},
    },
)
def stage_bulk(
    request: Request,
    data: BulkIn,
    session: SessionDep,
    principal: TasksWrite,
    atomic: Annotated[bool, Query(description="All or nothing.")] = False,
    idempotency_key: Annotated[
        str | None,
        Header(description="Same key + same body replays the first response (kept 48 h)."),
    ] = None,
) -> Response:
    def work() -> Response:
        results = service.stage_many(
            session, data.candidates, actor_id=principal.user_id, atomic=atomic
        )
        items = [
            BulkItemOut(
                index=r.index,
                status=(
                    StageOutcome.created
                    if r.candidate
                    else (StageOutcome.invalid if r.errors else StageOutcome.skipped)
                ),
                id=r.candidate.id if r.candidate else None,
                errors=r.errors or None,
            )
            for r in results
        ]
        invalid = sum(1 for item in items if item.status is StageOutcome.invalid)
        created = sum(1 for item in items if item.status is StageOutcome.created)
        if atomic and invalid:
            return problem(
                422,
                f"{invalid} of {len(items)} candidates are invalid; with atomic=true nothing "
                "was staged.",
                slug="bulk-invalid",
                created=0,
                invalid=invalid,
                results=[item.model_dump() for item in items],
            )
        return json_response(BulkResult(created=created, invalid=invalid, results=items))

    return run_idempotent(
        session,
        key=idempotency_key,
        user_id=principal.user_id,
        route=BULK_PATH,
        payload={"body": data.model_dump(mode="json"), "atomic": atomic},
        work=work,
        lease=timedelta(seconds=request.app.state.settings.idempotency_lease_seconds),
    )


@router.post(
    "/review",
    response_model=ReviewResult,
    summary="Approve or reject many candidates by id, with a result per item",
)
def review(data: ReviewIn, session: SessionDep, principal: TasksApprove) -> Response:
    outcomes = reviewing.review_many(
        session,
        action=data.action,
        ids=data.ids,
        actor_id=principal.user_id,
        reason=data.reason,
    )
    items = []
    for candidate_id, outcome in zip(data.ids, outcomes, strict=True):
        if isinstance(outcome, WorkitemsError):
            items.append(
                ReviewItem(
                    id=candidate_id,
                    status="error",
                    error=item_error(outcome),
                )
            )
        else:
            items.append(
                ReviewItem(
                    id=candidate_id,
                    status=outcome.state.value,
                    task_key=outcome.task_key,
                )
            )
    return json_response(ReviewResult(results=items))


@router.get("/{candidate_id}", response_model=CandidateOut, summary="One candidate, with warnings")
def get_staged(candidate_id: PathId, session: SessionDep, _: TasksRead) -> Response:
    return _one(attention.get_row_with_warnings(session, candidate_id))


@router.patch("/{candidate_id}", response_model=CandidateOut, summary="Edit (If-Match required)")
def edit_staged(
    candidate_id: PathId,
    data: CandidateUpdate,
    session: SessionDep,
    _: TasksWrite,
    version: IfMatch,
) -> Response:
    candidate = reviewing.update_candidate(session, candidate_id, data, expected_version=version)
    return _one(attention.one_with_warnings(session, candidate))


@router.post(
    "/{candidate_id}/approve",
    response_model=CandidateOut,
    summary="Approve into active work, optionally with edits; 409 if already approved",
)
def approve(
    candidate_id: PathId,
    session: SessionDep,
    principal: TasksApprove,
    version: OptionalIfMatch,
    edits: Annotated[CandidateUpdate | None, Body()] = None,
) -> Response:
    candidate = reviewing.approve_candidate(
        session,
        candidate_id,
        actor_id=principal.user_id,
        edits=edits,
        expected_version=version,
    )
    return _one(attention.one_with_warnings(session, candidate))


@router.post("/{candidate_id}/reject", response_model=CandidateOut, summary="Reject, with a reason")
def reject(
    candidate_id: PathId,
    data: RejectIn,
    session: SessionDep,
    principal: TasksApprove,
    version: OptionalIfMatch,
) -> Response:
    candidate = reviewing.reject_candidate(
        session,
        candidate_id,
        actor_id=principal.user_id,
        reason=data.reason,
        expected_version=version,
    )
    return _one(attention.one_with_warnings(session, candidate))


@router.post(
    "/{candidate_id}/duplicate",
    response_model=CandidateOut,
    summary="Merge into an existing task (its text and evidence become a comment there)",
)
def duplicate(
    candidate_id: PathId,
    data: DuplicateIn,
    session: SessionDep,
    principal: TasksApprove,
    version: OptionalIfMatch,
) -> Response:
    candidate = reviewing.mark_duplicate(
        session,
        candidate_id,
        task_ref=data.task_id,
        actor_id=principal.user_id,
        reason=data.reason,
        expected_version=version,
    )
    return _one(attention.one_with_warnings(session, candidate))


@router.post(
    "/{candidate_id}/snooze",
    response_model=CandidateOut,
    summary="Hide until a date; it returns to the queue that day",
)
def snooze(
    candidate_id: PathId,
    data: SnoozeIn,
    session: SessionDep,
    principal: TasksApprove,
    version: OptionalIfMatch,
) -> Response:
    candidate = reviewing.snooze_candidate(
        session,
        candidate_id,
        until=data.until,
        actor_id=principal.user_id,
        reason=data.reason,
        expected_version=version,
    )
    return _one(attention.one_with_warnings(session, candidate))
