"""Every owner field of ``/api/tasks`` reads people through the one resolver: a name, an
alias and a unique prefix work; ambiguous and unknown references are 422 with the matches."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy.orm import Session

from tests.factories import make_user
from workitems.user.models import User

Send = Callable[[TestClient, str], Response]
PROBLEM = "application/problem+json"


@pytest.fixture
def marcus(session: Session) -> User:
    make_user(session, email="sofia@example.com", name="Sofia Reyes", aliases=["Sof"])
    make_user(session, email="sofie@example.com", name="Sofie Lind")
    return make_user(session, email="mw@example.com", name="Marcus Webb", aliases=["the PM"])


def _key(client: TestClient) -> str:
    response = client.post("/api/tasks", json={"title": "Send the Q3 deck"})
    assert response.status_code == 201, response.text
    return str(response.json()["key"])


def _create(client: TestClient, ref: str) -> Response:
    return client.post("/api/tasks", json={"title": "Send the Q3 deck", "assignee": ref})


def _patch(client: TestClient, ref: str) -> Response:
    key = _key(client)
    return client.patch(f"/api/tasks/{key}", json={"assignee": ref}, headers={"If-Match": '"1"'})


def _assign(client: TestClient, ref: str) -> Response:
    return client.post(f"/api/tasks/{_key(client)}/assign", json={"assignee": ref})


def _list(client: TestClient, ref: str) -> Response:
    return client.get("/api/tasks", params={"assignee": ref})


def _search(client: TestClient, ref: str) -> Response:
    return client.get("/api/tasks", params={"q": f'assignee:"{ref}"'})


WRITES = [_create, _patch, _assign]
FIELDS = [*WRITES, _list, _search]


class TestOwnerFields:
    @pytest.mark.parametrize("send", WRITES)
    @pytest.mark.parametrize("ref", ["Marcus Webb", "marcus", "the pm", "Marc", "mw@EXAMPLE.com"])
    def test_writes_accept_names_aliases_and_prefixes(
        self, client: TestClient, marcus: User, send: Send, ref: str
    ) -> None:
        response = send(client, ref)
        assert response.status_code in (200, 201), response.text
        assert response.json()["assignee"]["email"] == "mw@example.com"

    @pytest.mark.parametrize("send", [_list, _search])
    @pytest.mark.parametrize("ref", ["Marcus Webb", "the pm", "Marc"])
    def test_filters_accept_names_aliases_and_prefixes(
        self, client: TestClient, marcus: User, send: Send, ref: str
    ) -> None:
        mine = client.post("/api/tasks", json={"title": "Book the venue", "assignee": marcus.id})
        _key(client)  # someone else's, not listed
        response = send(client, ref)
        assert response.status_code == 200, response.text
        assert [t["key"] for t in response.json()["items"]] == [mine.json()["key"]]

    @pytest.mark.parametrize("send", FIELDS)
    def test_ambiguous_is_422_listing_the_matches(
        self, client: TestClient, marcus: User, send: Send
    ) -> None:
        response = send(client, "Sofi")
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == PROBLEM
        body = response.json()
        assert "could be 2 people" in body["detail"]
        assert [m["email"] for m in body["matches"]] == ["sofia@example.com", "sofie@example.com"]

    @pytest.mark.parametrize("send", FIELDS)
    def test_unknown_is_422_saying_so(self, client: TestClient, marcus: User, send: Send) -> None:
        response = send(client, "Priya")
        assert response.status_code == 422, response.text
        assert "Nobody is called 'priya'" in response.json()["detail"].replace("Priya", "priya")
