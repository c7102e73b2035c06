"""The in-flight bound: a request over it is 503 at once; probes are never refused."""

import asyncio

import httpx2
import pytest
from starlette.types import Receive, Scope, Send

from workitems.api.inflight import InFlightLimitMiddleware


@pytest.mark.anyio
class TestInFlightLimit:
    async def test_over_the_bound_is_503_with_retry_after(self) -> None:
        release = asyncio.Event()

        async def slow(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["path"] != "/livez":
                await release.wait()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})

        app = InFlightLimitMiddleware(slow, limit=1)
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://t") as client:
            first = asyncio.create_task(client.get("/api/tasks"))
            for _ in range(100):
                if app.in_flight:
                    break
                await asyncio.sleep(0.01)
            refused = await client.get("/api/tasks")
            probe = asyncio.create_task(client.get("/livez"))
            assert refused.status_code == 503
            assert refused.headers["Retry-After"] == "1"
            assert (await asyncio.wait_for(probe, 5)).status_code == 200
            release.set()
            assert (await asyncio.wait_for(first, 5)).status_code == 200
        assert app.in_flight == 0
