"""Timing what Prefect costs, shared by scripts/speed.py (how fast the tests are) and
scripts/benchmark.py (the "What Prefect costs" page), which measure some of the same
things."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

from harness import REPO
from harness.prefect_server import QUIET_ENV, PrefectServer, run_in_group

HELLO_FLOW = REPO / "snippets/flows/hello_flow.py"


def timed(command: list[str], *, env: dict[str, str], cwd: Path = REPO) -> float:
    """Wall time of one command, from its start to its end; exit if it fails.

    The command runs in a process group of its own: if we are interrupted (Ctrl-C, an
    error), it is stopped by its PID with whatever it started (a temporary server),
    and waited for.
    """
    start = time.perf_counter()
    done = run_in_group(command, env=env, cwd=cwd)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(
            f"{' '.join(command)} failed ({done.returncode}):\n"
            f"{done.stdout}{done.stderr}"
        )
    return elapsed


def base_env(home: Path) -> dict[str, str]:
    env = {**os.environ, **QUIET_ENV, "PREFECT_HOME": str(home)}
    env.pop("PREFECT_API_URL", None)
    return env


def spread(values: list[float]) -> dict:
    """The median of some measurements, their range, and the measurements."""
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "samples": values,
    }


def median_of(repeats: int, measure) -> dict:
    return spread([measure() for _ in range(repeats)])


def import_prefect_times(repeats: int, env: dict[str, str]) -> dict:
    """`python -c "import prefect"`, each time in a fresh process."""
    return median_of(
        repeats, lambda: timed([sys.executable, "-c", "import prefect"], env=env)
    )


def hello_flow_times(repeats: int, env: dict[str, str]) -> dict:
    """`python hello_flow.py`: with a temporary server when `env` has no
    PREFECT_API_URL, against the server it names when it has one."""
    return median_of(repeats, lambda: timed([sys.executable, str(HELLO_FLOW)], env=env))


def start_server_timed(
    home: Path, database_template: Path | None = None
) -> tuple[PrefectServer, float]:
    """Start `prefect server start`; return it, running, and the seconds it took
    until /api/health answered. The caller stops it."""
    start = time.perf_counter()
    server = PrefectServer(home=home).running(database_template)
    return server, time.perf_counter() - start
