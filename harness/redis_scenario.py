"""The warning of the page on the server in several processes, seen: with the Redis
settings in the profile and no Redis answering, the API never answers and stops after a
while, and the services keep trying.

It takes about two minutes of waiting, so it starts when the session does, in the
background (an early scenario of tests/conftest.py), and test_redis_page.py checks what
it saw. Its server listens on a free port of 127.0.0.1 and looks for Redis on another
free port, where nothing listens.
"""

from __future__ import annotations

import signal
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.prefect_server import free_port, start_in_group, stop_process
from harness.terminal import command_env

# What the page's use_redis.sh puts in the profile.
REDIS_SETTINGS = {
    "PREFECT_MESSAGING_BROKER": "prefect_redis.messaging",
    "PREFECT_MESSAGING_CACHE": "prefect_redis.messaging",
    "PREFECT_SERVER_EVENTS_CAUSAL_ORDERING": "prefect_redis.ordering",
    "PREFECT_SERVER_CONCURRENCY_LEASE_STORAGE": "prefect_redis.lease_storage",
}
GIVE_UP_AFTER = 600  # seconds: far beyond the two minutes the page quotes


@dataclass
class WithoutRedis:
    redis_port: int
    answered: bool
    """Whether the API ever answered /api/health."""
    returncode: int | None
    """The API's exit status; None if it was still running when we gave up."""
    seconds: float
    api_output: str
    services_output: str


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def server_without_redis(folder: Path) -> WithoutRedis:
    redis_port, api_port = free_port(), free_port()
    env = command_env(home=folder / "prefect-home", api_url=None)
    env.update(
        REDIS_SETTINGS,
        PREFECT_REDIS_MESSAGING_PORT=str(redis_port),
        PREFECT_SERVER_API_HOST="127.0.0.1",
        PREFECT_SERVER_API_PORT=str(api_port),
    )
    api_log, services_log = folder / "api.log", folder / "services.log"
    with api_log.open("w") as api_out, services_log.open("w") as services_out:
        api = start_in_group(
            ["prefect", "server", "start", "--no-services"],
            stdout=api_out,
            stderr=api_out,
            env=env,
            cwd=folder,
        )
        services = start_in_group(
            ["prefect", "server", "services", "start"],
            stdout=services_out,
            stderr=services_out,
            env=env,
            cwd=folder,
            stop_signals=(signal.SIGINT, signal.SIGTERM),
        )
        start, answered = time.monotonic(), False
        health = f"http://127.0.0.1:{api_port}/api/health"
        # Waiting for the API to end by itself, watching that it never answers.
        while api.poll() is None and time.monotonic() - start < GIVE_UP_AFTER:
            answered = answered or answers(health)
            time.sleep(0.5)
        seconds = time.monotonic() - start
        returncode = api.poll()
        stop_process(api)
        stop_process(services, (signal.SIGINT, signal.SIGTERM))
    return WithoutRedis(
        redis_port=redis_port,
        answered=answered,
        returncode=returncode,
        seconds=seconds,
        api_output=api_log.read_text(errors="replace"),
        services_output=services_log.read_text(errors="replace"),
    )


@pytest.fixture(scope="session")
def without_redis(session_dir: Path) -> Iterator[Future[WithoutRedis]]:
    folder = session_dir / "without-redis"
    folder.mkdir()
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit(server_without_redis, folder)
