"""The flows that scripts/benchmark.py times from inside, one process per command.

    python scripts/benchmark_flows.py tasks --sizes 1 10 100 --repeats 2
    python scripts/benchmark_flows.py runners --tasks 8 --repeats 2 \\
        --cpu-iterations 3000000 --sleep-seconds 1
    python scripts/benchmark_flows.py polling

benchmark.py runs this with PREFECT_API_URL set to a server it started: every flow
and task run here is recorded by that server, as a reader's would be. The figures
come back as one JSON line on stdout, after RESULT_MARKER (Prefect logs to stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable

from prefect import flow, task
from prefect.runtime import flow_run
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

RESULT_MARKER = "BENCHMARK-RESULT "


# --- Per-task overhead: the cost of Prefect around a function that does nothing ---


def plain_add_one(x: int) -> int:
    return x + 1


@task
def add_one(x: int) -> int:
    return x + 1


def plain_calls(n: int) -> None:
    for i in range(n):
        plain_add_one(i)


def task_calls(n: int) -> None:
    for i in range(n):
        add_one(i)


def submitted(n: int) -> None:
    futures = [add_one.submit(i) for i in range(n)]
    for future in futures:
        future.result()


def mapped(n: int) -> None:
    add_one.map(list(range(n))).result()


WAYS: dict[str, Callable[[int], None]] = {
    "plain": plain_calls,
    "call": task_calls,
    "submit": submitted,
    "map": mapped,
}


@flow
def per_task_overhead(sizes: list[int], repeats: int) -> dict:
    """Time each way of running n tasks, for each n, `repeats` times, interleaved
    (so that a noisy moment of the machine hits every way alike)."""
    # A first task run in a process pays one-off costs: not counted.
    for run in WAYS.values():
        run(1)
    seconds = {way: {str(n): [] for n in sizes} for way in WAYS}
    for _ in range(repeats):
        for n in sizes:
            for way, run in WAYS.items():
                start = time.perf_counter()
                run(n)
                seconds[way][str(n)].append(time.perf_counter() - start)
    return {"flow_run_id": flow_run.id, "seconds": seconds}


def worker_polling() -> dict[str, float]:
    """The polling settings a worker started from this environment would use."""
    from prefect.settings import get_current_settings

    worker = get_current_settings().worker
    return {
        "PREFECT_WORKER_QUERY_SECONDS": worker.query_seconds,
        "PREFECT_WORKER_PREFETCH_SECONDS": worker.prefetch_seconds,
    }


# --- Task runners: the same tasks in threads, in processes, on a Dask cluster ---


def cpu_work(iterations: int) -> int:
    """Pure-Python arithmetic: holds the GIL the whole time."""
    total = 0
    for i in range(iterations):
        total += i * i
    return total


def sleep_work(seconds: float) -> float:
    """Waiting, as on a network or a disk: releases the GIL."""
    time.sleep(seconds)
    return seconds


@task
def cpu_task(iterations: int) -> int:
    return cpu_work(iterations)


@task
def sleep_task(seconds: float) -> float:
    return sleep_work(seconds)


@flow
def parallel_work(kind: str, count: int, size: float) -> float:
    """Map `count` tasks of one kind; return the seconds from the first submission
    to the last result. (A process pool starts its processes at the first
    submission: that is in these seconds too.)"""
    start = time.perf_counter()
    if kind == "cpu":
        cpu_task.map([int(size)] * count).result()
    else:
        sleep_task.map([size] * count).result()
    return time.perf_counter() - start


def task_runners() -> dict[str, Callable[[], object]]:
    """Each runner as a reader gets it with no arguments (their defaults)."""
    # Imported here, not at the top: each worker of the process pool imports this
    # file again, and has no use for Dask.
    from prefect_dask import DaskTaskRunner

    return {
        # no limit on threads by default
        "thread": ThreadPoolTaskRunner,
        # one process per CPU core by default
        "process": ProcessPoolTaskRunner,
        # a temporary local cluster sized to the cores, started with the flow run
        "dask": DaskTaskRunner,
    }


def runner_sizes() -> dict:
    """How many workers each runner's defaults give on this machine."""
    import os

    from distributed.deploy.utils import nprocesses_nthreads

    processes, threads = nprocesses_nthreads()
    return {
        "thread": "one thread per task (no limit)",
        "process": f"{os.cpu_count()} processes (one per core)",
        "dask": (
            f"{processes} worker processes of {threads} "
            f"thread{'s' if threads > 1 else ''} each"
        ),
    }


def compare_runners(
    count: int, repeats: int, cpu_iterations: int, sleep_seconds: float
) -> dict:
    sizes = {"cpu": cpu_iterations, "sleep": sleep_seconds}
    work = {"cpu": cpu_work, "sleep": sleep_work}
    one_call = {kind: [] for kind in sizes}
    serial = {kind: [] for kind in sizes}
    flows = {kind: {name: [] for name in task_runners()} for kind in sizes}
    inside = {kind: {name: [] for name in task_runners()} for kind in sizes}
    for _ in range(repeats):
        for kind, size in sizes.items():
            # The yardstick: the same calls one after another, in plain Python.
            start = time.perf_counter()
            for _ in range(count):
                work[kind](size)
            serial[kind].append(time.perf_counter() - start)
            one_call[kind].append(serial[kind][-1] / count)
            for name, runner in task_runners().items():
                configured = parallel_work.with_options(
                    name=f"{kind}-on-{name}", task_runner=runner()
                )
                start = time.perf_counter()
                inside[kind][name].append(configured(kind, count, size))
                flows[kind][name].append(time.perf_counter() - start)
    return {
        "one_call_s": one_call,
        "serial_s": serial,
        "flow_s": flows,
        "submit_to_results_s": inside,
        "workers": runner_sizes(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    tasks = commands.add_parser("tasks", help="per-task overhead")
    tasks.add_argument("--sizes", type=int, nargs="+", required=True)
    tasks.add_argument("--repeats", type=int, required=True)
    runners = commands.add_parser("runners", help="task runners compared")
    runners.add_argument("--tasks", type=int, required=True)
    runners.add_argument("--repeats", type=int, required=True)
    runners.add_argument("--cpu-iterations", type=int, required=True)
    runners.add_argument("--sleep-seconds", type=float, required=True)
    commands.add_parser("polling", help="a worker's polling settings, as configured")
    args = parser.parse_args()

    if args.command == "tasks":
        result = per_task_overhead(args.sizes, args.repeats)
    elif args.command == "polling":
        result = worker_polling()
    else:
        result = compare_runners(
            args.tasks, args.repeats, args.cpu_iterations, args.sleep_seconds
        )
    print(RESULT_MARKER + json.dumps(result, default=str), flush=True)


if __name__ == "__main__":  # process pools re-import this file in each worker
    sys.exit(main())
