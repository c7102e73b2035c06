"""Docs kept complete by tests: every setting is in the README, every route has a scope,
every package is on the map in CONTRIBUTING.md."""

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


class TestContributing:
    def test_every_package_and_module_is_on_the_map(self) -> None:
        layout = (ROOT / "CONTRIBUTING.md").read_text().split("## Layout", 1)[1]
        layout = layout.split("```", 2)[1]
        source = ROOT / "src" / "workitems"
        names = [
            f"{path.name}/" if path.is_dir() else path.name
            for path in source.iterdir()
            if (path.is_dir() and (path / "__init__.py").exists())
            or (path.suffix == ".py" and path.name != "__init__.py")
        ]
        listed = {line.split()[0] for line in layout.splitlines() if line.startswith("  ")}
        assert names
        missing = sorted(name for name in names if name not in listed)
        assert not missing, f"add these to CONTRIBUTING.md's layout: {missing}"


class TestRoutes:
    def test_every_route_declares_one_scope(self, app: FastAPI) -> None:
        for route in app.routes:
            if not isinstance(route, APIRoute) or not route.include_in_schema:
                continue
            if route.path in UNAUTHENTICATED:
                continue
            assert len(set(_scopes(route.dependant))) == 1, f"{route.methods} {route.path}"
