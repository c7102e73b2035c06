"""``PrefixedRouter`` answers a path outside its prefix without walking its routes, and
matches exactly as an ``APIRouter`` otherwise (partial matches, so 405s, included)."""

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Match
from starlette.types import Scope

from workitems.http.routers import PrefixedRouter

tried: list[str] = []


class CountingRoute(APIRoute):
    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        tried.append(self.path)
        return super().matches(scope)


def _app() -> FastAPI:
    fixed = PrefixedRouter(prefix="/api/things/search", route_class=CountingRoute)
    by_id = PrefixedRouter(prefix="/api/things")

    @fixed.get("")
    async def search() -> dict[str, Any]:
        return {"route": "search"}

    @fixed.get("/saved")
    async def saved() -> dict[str, Any]:
        return {"route": "saved"}

    @by_id.get("/{ref}")
    async def one(ref: str) -> dict[str, Any]:
        return {"route": "one", "ref": ref}

    app = FastAPI()
    app.include_router(fixed)
    app.include_router(by_id)
    return app


def test_a_path_outside_the_prefix_skips_the_routers_routes() -> None:
    client = TestClient(_app())
    tried.clear()
    assert client.get("/api/things/42").json() == {"route": "one", "ref": "42"}
    assert tried == []
    # A longer word is not under the prefix either.
    assert client.get("/api/things/searching").json() == {"route": "one", "ref": "searching"}
    assert tried == []


def test_paths_under_the_prefix_match_as_before() -> None:
    client = TestClient(_app())
    assert client.get("/api/things/search").json() == {"route": "search"}
    assert client.get("/api/things/search/saved").json() == {"route": "saved"}
    assert tried
    refused = client.post("/api/things/search/saved")
    assert refused.status_code == 405
    assert refused.headers["Allow"] == "GET"
