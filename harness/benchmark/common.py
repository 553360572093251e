"""What the benchmark's measurements share: how much to measure (the plans), the
environments they run in, running a command, and saying how far it has got."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness import REPO
from harness.measure import (
    base_env,
)
from harness.prefect_server import (
    FAST_POLLING,
    QUIET_ENV,
    PrefectServer,
    run_in_group,
)
from harness.waiting import WaitedTooLong, wait_until

OUTPUT = REPO / "docs/data/benchmark.json"
PLOTS = REPO / "docs/images/costs"
HELLO_WORLD = REPO / "snippets/flows/hello_world.py"  # the same print, no Prefect
FLOWS = REPO / "scripts/benchmark_flows.py"
RESULT_MARKER = "BENCHMARK-RESULT "  # as in benchmark_flows.py

POOL = "costs-pool"
DEPLOYMENT = "hello-flow/costs"
# The same flow, deployed with an image to a Docker work pool (as docs/docker.md does).
DOCKER_POOL = "costs-docker-pool"
DOCKER_DEPLOYMENT = "hello-flow/costs-in-docker"
DOCKER_IMAGE = "costs-hello:v1"
# The polling settings a worker reads (what the figures record as "fast").
WORKER_POLLING = {
    name: value
    for name, value in FAST_POLLING.items()
    if name.startswith("PREFECT_WORKER_")
}
FINAL_STATES = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
UUID = re.compile(r"UUID: ([0-9a-f-]{36})")

# What the servers, workers and flow runs below import: compiled once, before timing.
WARM_UP = (
    "import prefect.main, prefect.flow_engine, prefect.task_engine, prefect.cli, "
    "prefect.server.api.server, prefect.workers.process, prefect_dask"
)


@dataclass(frozen=True)
class Plan:
    """How much to measure: the full run makes the page's figures."""

    startup_repeats: int
    task_sizes: tuple[int, ...]
    task_repeats: int
    runner_tasks: int
    runner_repeats: int
    # One CPU-bound task: about 2.5 s here in the full plan, long enough for processes
    # to repay their start-up on 2 cores (at 1 s they did not).
    cpu_iterations: int
    sleep_seconds: float  # one sleeping task
    latency_samples: int
    # Measure the deployment runs alongside the rest, to finish sooner (quick mode).
    overlap_latency: bool


FULL = Plan(
    startup_repeats=5,
    task_sizes=(1, 10, 100, 1000),
    task_repeats=5,
    runner_tasks=8,
    runner_repeats=5,
    cpu_iterations=40_000_000,
    sleep_seconds=1.0,
    latency_samples=5,
    overlap_latency=False,
)
QUICK = Plan(
    startup_repeats=1,
    task_sizes=(1, 10, 100),
    task_repeats=1,
    runner_tasks=8,
    runner_repeats=1,
    cpu_iterations=300_000,
    sleep_seconds=0.1,
    latency_samples=1,
    overlap_latency=True,
)


class BenchmarkError(Exception):
    """A measurement that could not be made; the message says why."""


def waited[T](
    condition: Callable[[], T | None],
    *,
    timeout: float,
    what: str,
    interval: float,
    stop: threading.Event | None = None,
    give_up: Callable[[], str | bool | None] | None = None,
    seen: Callable[[], str] | None = None,
) -> T:
    """`wait_until`, failing as the benchmark fails (BenchmarkError); `stop` set
    gives up at once."""
    try:
        return wait_until(
            condition,
            timeout=timeout,
            what=what,
            interval=interval,
            give_up=lambda: (
                (stop is not None and stop.is_set() and "stopped")
                or (give_up is not None and give_up())
            ),
            seen=seen,
        )
    except WaitedTooLong as error:
        raise BenchmarkError(str(error)) from None


def clean_env(home: Path) -> dict[str, str]:
    """This process's environment without any Prefect setting (a reader's own
    PREFECT_API_URL or polling settings would skew the figures), with `home`."""
    env = {
        name: value
        for name, value in base_env(home).items()
        if not name.startswith("PREFECT_")
    }
    return {**env, **QUIET_ENV, "PREFECT_HOME": str(home)}


def client_env(server: PrefectServer) -> dict[str, str]:
    return {**clean_env(server.home), **server.client_env()}


def run_checked(
    command: list[str], *, env: dict[str, str], cwd: Path, timeout: float
) -> str:
    """Run a command to its end in its own process group; return its stdout.

    Stopped by its PID (with what it started) on a timeout or an interruption.
    """
    try:
        done = run_in_group(
            command,
            env=env,
            cwd=cwd,
            timeout=timeout,
            stop_signals=(signal.SIGINT, signal.SIGTERM),
        )
    except subprocess.TimeoutExpired:
        raise BenchmarkError(
            f"{' '.join(command)} did not finish within {timeout:.0f} s"
        ) from None
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-40:])
        raise BenchmarkError(
            f"{' '.join(command)} failed with exit code {done.returncode}:\n{tail}"
        )
    return done.stdout


STARTED = time.perf_counter()


def progress(section: str) -> None:
    """Say on stderr what is being measured, and how long since the script started."""
    elapsed = time.perf_counter() - STARTED
    print(f"[{elapsed:4.0f} s] {section}", file=sys.stderr, flush=True)
