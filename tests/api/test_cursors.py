"""Every malformed cursor is a 422 naming the cursor, never a 500: a cursor is opaque, but
a client can send anything, and it is decoded before any database sees its values."""

import base64
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_task

PROBLEM = "application/problem+json"


def crafted(payload: object) -> str:
    """A cursor as a client could forge it: URL-safe base64 of any JSON (NaN included)."""
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


GARBAGE = ["!!!", "%%", "a", "=", "W10", crafted(None), crafted({}), crafted("x"), "²", "٣"]
HUGE = 10**30
#: Cursors shaped like the ones each listing hands out, with values no row can have.
TASK_CURSORS = {
    "-updated": [
        crafted(["-updated", "2026-01-01T00:00:00", 1]),  # a naive timestamp
        crafted(["-updated", "2026-01-01T00:00:00+00:00", HUGE]),
        crafted(["-updated", "2026-01-01T00:00:00+00:00", -1]),
        crafted(["-updated", "2026-01-01T00:00:00+00:00", True]),
        crafted(["-updated", "99999-01-01T00:00:00+00:00", 1]),
        crafted(["-updated", float("nan"), 1]),
        crafted(["-updated", float("inf"), 1]),
        crafted(["-updated", "2026-01-01T00:00:00+00:00", 1, "extra"]),
        crafted(["-updated"]),
    ],
    "due": [
        crafted(["due", "2026-13-01", 1]),
        crafted(["due", HUGE, 1]),
        crafted(["due", "2026-01-01", HUGE]),
    ],
    "priority": [
        crafted(["priority", HUGE, 1]),
        crafted(["priority", float("nan"), 1]),
        crafted(["priority", -(10**30), 1]),
    ],
    "key": [crafted(["key", HUGE, HUGE]), crafted(["key", float("inf"), 1])],
}
SEARCH_CURSORS = [
    crafted(["recent", HUGE]),
    crafted(["recent", float("nan")]),
    crafted(["recent", -1]),
    crafted(["relevance", float("nan"), 1]),
    crafted(["relevance", float("inf"), 1]),
    crafted(["relevance", 1.0, HUGE]),
]
ID_CURSORS = ["9" * 30, "0", "-1", "1.5", "²", "٣", "\uff11", " 1", crafted([1])]


def assert_cursor_problem(response: object) -> None:
    assert response.status_code == 422, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"] == PROBLEM  # type: ignore[attr-defined]
    assert "cursor" in response.text  # type: ignore[attr-defined]


class TestTaskListCursor:
    @pytest.mark.parametrize(
        ("sort", "cursor"),
        [(sort, cursor) for sort, cursors in TASK_CURSORS.items() for cursor in cursors]
        + [("-updated", cursor) for cursor in GARBAGE],
    )
    def test_malformed_is_422(
        self, client: TestClient, session: Session, sort: str, cursor: str
    ) -> None:
        make_task(session)
        response = client.get("/api/tasks", params={"sort": sort, "cursor": cursor})
        assert_cursor_problem(response)

    def test_a_good_cursor_still_pages(self, client: TestClient, session: Session) -> None:
        for n in range(3):
            make_task(session, title=f"Task {n}")
        first = client.get("/api/tasks", params={"limit": 2}).json()
        rest = client.get("/api/tasks", params={"limit": 2, "cursor": first["next_cursor"]})
        assert len(rest.json()["items"]) == 1


class TestSearchCursor:
    @pytest.mark.parametrize(
        ("q", "sort", "cursor"),
        [("deck", "updated", c) for c in SEARCH_CURSORS]
        + [("deck", "relevance", c) for c in SEARCH_CURSORS]
        + [("status:open", "updated", c) for c in TASK_CURSORS["-updated"] + GARBAGE],
    )
    def test_malformed_is_422(
        self, client: TestClient, session: Session, q: str, sort: str, cursor: str
    ) -> None:
        make_task(session, title="Send the deck")
        response = client.get("/api/tasks/search", params={"q": q, "sort": sort, "cursor": cursor})
        assert_cursor_problem(response)


class TestListFilteredBySearchCursor:
    @pytest.mark.parametrize("cursor", TASK_CURSORS["-updated"] + GARBAGE)
    def test_malformed_is_422(self, client: TestClient, session: Session, cursor: str) -> None:
        make_task(session, title="Send the deck")
        response = client.get("/api/tasks", params={"q": "deck", "cursor": cursor})
        assert_cursor_problem(response)


class TestCandidateCursor:
    @pytest.mark.parametrize("cursor", ID_CURSORS + GARBAGE)
    def test_malformed_is_422(self, client: TestClient, cursor: str) -> None:
        assert_cursor_problem(client.get("/api/tasks/staged", params={"cursor": cursor}))

    @pytest.mark.parametrize("cursor", ID_CURSORS + GARBAGE)
    def test_malformed_with_the_warnings_filter_is_422(
        self, client: TestClient, cursor: str
    ) -> None:
        response = client.get(
            "/api/tasks/staged", params={"cursor": cursor, "has_warnings": "true"}
        )
        assert_cursor_problem(response)


class TestTranscriptCursor:
    @pytest.mark.parametrize("cursor", ID_CURSORS + GARBAGE)
    def test_malformed_is_422(self, client: TestClient, cursor: str) -> None:
        assert_cursor_problem(client.get("/api/tasks/transcripts", params={"cursor": cursor}))
