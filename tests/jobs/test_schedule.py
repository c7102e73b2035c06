"""When a job is due, and that one run is claimed by exactly one worker."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import Engine

from workitems.jobs import schedule
from workitems.jobs.schedule import Job

MONDAY_8 = Job("test.job", weekday=0, at=time(8, 0), run=lambda _s, _c: {})


@pytest.mark.parametrize(
    ("now", "slot"),
    [
        (datetime(2026, 11, 23, 8, 0, tzinfo=UTC), datetime(2026, 11, 23, 8, 0, tzinfo=UTC)),
        (datetime(2026, 11, 23, 7, 59, tzinfo=UTC), datetime(2026, 11, 16, 8, 0, tzinfo=UTC)),
        (datetime(2026, 11, 29, 23, 0, tzinfo=UTC), datetime(2026, 11, 23, 8, 0, tzinfo=UTC)),
        (datetime(2026, 11, 24, 9, 0, tzinfo=UTC), datetime(2026, 11, 23, 8, 0, tzinfo=UTC)),
    ],
)
def test_last_slot(now: datetime, slot: datetime) -> None:
    assert MONDAY_8.last_slot(now) == slot


def test_is_due() -> None:
    now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert MONDAY_8.is_due(None, now)
    assert MONDAY_8.is_due(datetime(2026, 11, 23, 7, 0, tzinfo=UTC), now)
    assert not MONDAY_8.is_due(datetime(2026, 11, 23, 8, 0, tzinfo=UTC), now)
    assert MONDAY_8.is_due(datetime(2026, 11, 23, 8, 0, tzinfo=UTC), now + timedelta(days=6))


@pytest.mark.concurrency
def test_concurrent_workers_run_a_slot_once(
    committed_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[int] = []
    job = Job("test.counted", weekday=0, at=time(8, 0), run=lambda _s, _c: {"n": runs.append(1)})
    monkeypatch.setattr(schedule, "JOBS", (job,))
    now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: schedule.run_due(engine, now=now), range(4)))
    assert len(runs) == 1
    assert sum("test.counted" in r for r in results) == 1
    assert schedule.run_due(engine, now=now + timedelta(days=7)) == {"test.counted": {"n": None}}
