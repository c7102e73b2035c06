"""Docs kept complete by tests: every setting is in the README, every route has a scope."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import APIRoute

from workitems.api.deps import RequireScope
from workitems.config import Settings

ROOT = Path(__file__).resolve().parent.parent
UNAUTHENTICATED = {"/livez", "/readyz"}


def _scopes(dependant: object) -> list[str]:
    found: list[str] = []
    call = getattr(dependant, "call", None)
    if isinstance(call, RequireScope):
        found.append(call.scope.value)
    for sub in getattr(dependant, "dependencies", []):
        found.extend(_scopes(sub))
    return found


class TestReadme:
    def test_every_setting_is_documented(self) -> None:
        readme = (ROOT / "README.md").read_text()
        for name in Settings.model_fields:
            assert f"`WORKITEMS_{name.upper()}`" in readme, f"WORKITEMS_{name.upper()}"


class TestRoutes:
    def test_every_route_declares_one_scope(self, app: FastAPI) -> None:
        for route in app.routes:
            if not isinstance(route, APIRoute) or not route.include_in_schema:
                continue
            if route.path in UNAUTHENTICATED:
                continue
            assert len(set(_scopes(route.dependant))) == 1, f"{route.methods} {route.path}"
