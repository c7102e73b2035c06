"""Bar-chart geometry for the dashboard's server-rendered SVG (pure: numbers in, shapes out).

Drawing on the server keeps the page free of a chart library and its download, renders the
same in every browser, and prints; the numbers also appear as text, so the charts read
without colour or sight.
"""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float
    #: Part of the bar drawn in the warning colour (overdue work, say).
    alert: int = 0
    alert_width: float = 0.0


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int = 0


def horizontal(
    rows: Sequence[tuple[str, float]],
    *,
    alerts: Sequence[int] = (),
    width: int = 460,
    row_height: int = 28,
    label_width: int = 130,
) -> Chart:
    """One bar a row, scaled to the largest value; ``alerts[i]`` of row ``i`` is drawn as
    an alert-coloured part of its bar."""
    largest = max((value for _, value in rows), default=0) or 1
    room = width - label_width - 110
    bars = []
    for i, (label, value) in enumerate(rows):
        alert = alerts[i] if i < len(alerts) else 0
        bars.append(
            Bar(
                label=label,
                value=value,
                x=label_width,
                y=i * row_height + 4,
                width=round(room * value / largest, 1),
                height=row_height - 10,
                alert=alert,
                alert_width=round(room * alert / largest, 1),
            )
        )
    height = max(1, len(rows)) * row_height
    return Chart(bars=bars, width=width, height=height, label_width=label_width)


def vertical(columns: Sequence[tuple[str, int]], *, width: int = 460, height: int = 200) -> Chart:
    """Columns over a baseline, labels under it (weekly throughput)."""
    largest = max((value for _, value in columns), default=0) or 1
    plot = height - 40
    slot = width / max(1, len(columns))
    bars = []
    for i, (label, value) in enumerate(columns):
        bar_height = round(plot * value / largest, 1)
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(i * slot + slot * 0.2, 1),
                y=round(20 + plot - bar_height, 1),
                width=round(slot * 0.6, 1),
                height=bar_height,
            )
        )
    return Chart(bars=bars, width=width, height=height)
