"""Formatting and figures: tables, units, the machine's state and the JSON report."""

import json
import math
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def fmt_rps(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == 0 else f"{value:.1f}"


def fmt_ms(value: float) -> str:
    return f"{value:,.1f}" if value >= 10 else f"{value:.2f}"


def fmt_bytes(n: int) -> str:
    if n >= 1024**3:
        return f"{n / 1024**3:.2f} GB"
    return f"{n / 1024**2:.0f} MB"


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least ``fraction`` of them at or below
    (NaN when there are none)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    """A plain-text table; the first column left-aligned, the figures right-aligned."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    right = [i > 0 for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.rjust(w) if r else cell.ljust(w)
            for cell, w, r in zip(cells, widths, right, strict=True)
        )

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def versions() -> str:
    import sqlite3
    from importlib.metadata import version

    names = ["fastapi", "starlette", "uvicorn", "sqlalchemy", "pydantic"]
    parts = [f"{name} {version(name)}" for name in names]
    parts.append(f"sqlite {sqlite3.sqlite_version}")
    return ", ".join(parts)


def command() -> str:
    """The exact command that was run, for a closing note."""
    return shlex.join(sys.orig_argv)


def write_json(path: Path, report: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**report, "command": command()}, indent=2, default=str))
    print(f"figures written to {path}")
