"""The scaling page: what the journey (harness/journey.py) does not show by itself.
It follows the page, on a PostgreSQL it provides (tests/journey/ also reads what the
server's terminal showed on the way); these tests check the limits the page's table
lists besides the ones its commands show."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
from prefect import flow, task
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.concurrency.sync import rate_limit

from harness import REPO
from harness import prefect_api as api
from harness.terminal import command_env, run_command

# The limits the page's table lists besides the ones its commands show: each held, on
# the session's server, by a small run of its own.


def most_at_once(spans: list[tuple[float, float]]) -> int:
    return max(sum(s <= t < e for s, e in spans) for t, _ in spans)


def test_a_tag_limit_caps_the_task_runs_with_that_tag(prefect_server, tmp_path: Path):
    """`prefect concurrency-limit create TAG N` makes a global limit named `tag:TAG`;
    every task run with the tag takes one of its slots while it runs."""

    tag = f"warehouse-{uuid.uuid4().hex[:8]}"
    env = command_env(home=tmp_path, api_url=prefect_server.api_url)
    created = run_command(
        ["prefect", "concurrency-limit", "create", tag, "2"], cwd=REPO, env=env
    )
    assert created.returncode == 0, created.output
    try:
        with api.client() as client:
            limit = client.read_global_concurrency_limit_by_name(f"tag:{tag}")
        assert limit.limit == 2

        def load(table: str) -> tuple[float, float]:
            start = time.monotonic()
            time.sleep(1)
            return start, time.monotonic()

        @flow
        def load_all(tags: list[str]) -> list[tuple[float, float]]:
            tagged = task(load, tags=tags)
            return tagged.map(["a", "b", "c", "d", "e"]).result()

        # Without a limit, the flow's thread pool runs the five side by side; with
        # the tag, never more than two at once (how many at once below that depends
        # on when the waiting ones ask again: the limit promises no more than two).
        free = load_all([f"unlimited-{tag}"])
        assert most_at_once(free) >= 3, free
        limited = load_all([tag])
        assert len(limited) == 5 and most_at_once(limited) <= 2, limited
    finally:
        run_command(["prefect", "concurrency-limit", "delete", tag], cwd=REPO, env=env)


def test_a_rate_limit_spaces_the_calls_by_its_slot_decay(prefect_server):
    """`rate_limit()` takes slots that are never given back: they decay, at
    `slot_decay_per_second`. One slot decaying at 2 per second: one call every half
    second. A limit without decay refuses `rate_limit()`."""

    name = f"weather-api-{uuid.uuid4().hex[:8]}"
    plain = f"plain-{uuid.uuid4().hex[:8]}"
    with api.client() as client:
        client.create_global_concurrency_limit(
            GlobalConcurrencyLimitCreate(name=name, limit=1, slot_decay_per_second=2)
        )
        client.create_global_concurrency_limit(
            GlobalConcurrencyLimitCreate(name=plain, limit=1)
        )
    try:
        times = []
        for _ in range(4):
            rate_limit(name)
            times.append(time.monotonic())
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        # a slot frees a whole number of decays after the last take: 0.5 s at least
        assert all(gap >= 0.45 for gap in gaps), gaps
        with pytest.raises(Exception, match="Only concurrency limits with slot decay"):
            rate_limit(plain)
    finally:
        with api.client() as client:
            client.delete_global_concurrency_limit_by_name(name)
            client.delete_global_concurrency_limit_by_name(plain)
