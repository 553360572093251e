"""Measure what Prefect costs on this machine: print a table, write JSON, draw plots.

    uv run python scripts/benchmark.py          # the page's figures (about 20 min)
    uv run python scripts/benchmark.py --quick  # fewer, smaller runs (about 2 min)

It measures, on the machine it runs on:

- start-up: a plain Python hello world, `python -c "import prefect"`, the hello flow
  (snippets/flows/hello_flow.py) with a temporary server and against a running one,
  and `prefect server start` until /api/health answers (new and existing database);
- per-task overhead, inside one flow run against a running server: n plain function
  calls, n task calls, n `.submit()`, one `.map()` over n inputs, for growing n;
- task runners (threads, processes, Dask) for CPU-bound and for sleeping tasks;
- the latency from `prefect deployment run` to Completed, with a process worker at
  Prefect's default polling and at fast polling.

The quick mode measures the deployment runs alongside the rest, to finish sooner: its
figures check that every part works, they are not for the page.

Each figure is the median of several runs, with its range (min-max). Comparisons are
ratios of figures of the same run: the machine is noisy, a ratio less so. The figures
go to docs/data/benchmark.json, which docs/costs.md reads when the site is built, and
the plots to docs/images/costs/. Every server and worker it starts listens on
127.0.0.1, on a free port, with a throwaway PREFECT_HOME, and is stopped by its PID.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path

from harness.commands import REPO
from harness.measure import (
    HELLO_FLOW,
    base_env,
    hello_flow_times,
    import_prefect_times,
    median_of,
    spread,
    start_server_timed,
    timed,
)
from harness.prefect_server import (
    PATIENT_TEMPORARY_SERVER,
    QUIET_ENV,
    PrefectServer,
    cache_bytecode,
    prefect_executable,
    run_in_group,
    start_in_group,
    stop_process,
)

OUTPUT = REPO / "docs/data/benchmark.json"
PLOTS = REPO / "docs/images/costs"
HELLO_WORLD = REPO / "snippets/flows/hello_world.py"  # the same print, no Prefect
FLOWS = REPO / "scripts/benchmark_flows.py"
RESULT_MARKER = "BENCHMARK-RESULT "  # as in benchmark_flows.py

POOL = "costs-pool"
DEPLOYMENT = "hello-flow/costs"
FAST_POLLING = {
    "PREFECT_WORKER_QUERY_SECONDS": "1",
    "PREFECT_WORKER_PREFETCH_SECONDS": "1",
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


def api(server: PrefectServer, method: str, path: str, body: object = None):
    """One call to the server's REST API, answered as JSON."""
    request = urllib.request.Request(
        server.api_url + path,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)


# --- Start-up -----------------------------------------------------------------


def measure_startup(
    plan: Plan, scratch: Path, stack: contextlib.ExitStack
) -> tuple[dict, PrefectServer]:
    """Start-up figures; returns them and a running server for the other sections."""
    repeats = plan.startup_repeats
    template = scratch / "template.db"

    # Python compiles each module the first time a process imports it and caches the
    # result (cache_bytecode in main): measure the later starts, as a reader has them
    # from their second run on, not the one-off compilation.
    timed([sys.executable, "-c", WARM_UP], env=clean_env(scratch / "warm-up"))

    # `prefect server start` on a new home: it creates its database first.
    new_database = []
    for attempt in range(repeats):
        server, seconds = start_server_timed(scratch / f"new-database-{attempt}")
        try:
            if attempt == 0:  # an empty database, for the homes below
                server.save_database(template)
        finally:
            server.stop()
        new_database.append(seconds)

    # With no server running: plain Python, the import, the temporary server.
    hello_home = scratch / "hello-home"
    hello_home.mkdir()
    shutil.copyfile(template, hello_home / "prefect.db")  # no one-off migrations
    no_server = clean_env(hello_home)
    plain = median_of(
        repeats, lambda: timed([sys.executable, str(HELLO_WORLD)], env=no_server)
    )
    import_prefect = import_prefect_times(repeats, no_server)
    # The same without Python's bytecode cache, as the first run after an install
    # has it (or every run where PYTHONDONTWRITEBYTECODE is set and the packages were
    # installed without bytecode): an empty cache folder, never written to.
    uncached = {
        **no_server,
        "PYTHONPYCACHEPREFIX": str(scratch / "empty-bytecode-cache"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    import_uncached = import_prefect_times(repeats, uncached)
    # A busy machine gives a slower figure instead of none.
    temporary = hello_flow_times(repeats, {**no_server, **PATIENT_TEMPORARY_SERVER})

    # `prefect server start` on a home that has its database already; the last one
    # stays up for everything that follows.
    existing_database = []
    for attempt in range(repeats):
        server, seconds = start_server_timed(
            scratch / f"existing-database-{attempt}", template
        )
        existing_database.append(seconds)
        if attempt < repeats - 1:
            server.stop()
    stack.callback(server.stop)

    running = hello_flow_times(repeats, {**no_server, **server.client_env()})
    figures = {
        "plain_hello_world_s": plain,
        "import_prefect_s": import_prefect,
        "import_prefect_uncached_s": import_uncached,
        "hello_flow_temporary_server_s": temporary,
        "hello_flow_running_server_s": running,
        "server_start_new_database_s": spread(new_database),
        "server_start_existing_database_s": spread(existing_database),
    }
    m = {name: value["median"] for name, value in figures.items()}
    figures["ratios"] = {
        "temporary_vs_running_server": m["hello_flow_temporary_server_s"]
        / m["hello_flow_running_server_s"],
        "running_server_vs_plain_python": m["hello_flow_running_server_s"]
        / m["plain_hello_world_s"],
        "import_share_of_running_server": m["import_prefect_s"]
        / m["hello_flow_running_server_s"],
        "import_uncached_vs_cached": m["import_prefect_uncached_s"]
        / m["import_prefect_s"],
    }
    return figures, server


# --- Per-task overhead ----------------------------------------------------------


def run_flows(arguments: list[str], server: PrefectServer, scratch: Path) -> dict:
    """Run benchmark_flows.py against `server`; return the figures it printed."""
    stdout = run_checked(
        [sys.executable, str(FLOWS), *arguments],
        env=client_env(server),
        cwd=scratch,
        timeout=3600,
    )
    for line in stdout.splitlines():
        if line.startswith(RESULT_MARKER):
            return json.loads(line.removeprefix(RESULT_MARKER))
    raise BenchmarkError(f"benchmark_flows.py {arguments[0]} printed no result")


# A server started with `prefect server start` passes events through an in-memory
# queue; when they come faster than it stores them, it logs this and drops them.
DROPPED = re.compile(r"Subscription queue is full, dropping message.* queue_size=(\d+)")


def dropped_events(server: PrefectServer) -> tuple[int, int | None]:
    """How many events the server's log says it dropped, and the queue's size."""
    found = DROPPED.findall(server.log_path.read_text(errors="replace"))
    return len(found), (int(found[0]) if found else None)


def wait_for_task_runs(
    server: PrefectServer,
    flow_run_id: str,
    expected: int,
    settled_after: float = 10,
    timeout: float = 900,
) -> dict:
    """Wait until the server has stored the flow run's `expected` task runs, all
    Completed (the flow run sends them as events, the server stores them later), or
    has stored nothing new for `settled_after` seconds: a server that could not keep
    up drops events, and the task runs they were about are never stored.
    """
    runs_of_flow = {"flow_run_id": {"any_": [flow_run_id]}}
    queries = {
        "stored": {"task_runs": runs_of_flow},
        "completed": {
            "task_runs": {**runs_of_flow, "state": {"type": {"any_": ["COMPLETED"]}}}
        },
    }
    start = last_change = time.monotonic()
    counts: dict[str, int] = {}
    while True:
        now_counts = {
            name: api(server, "POST", "/task_runs/count", query)
            for name, query in queries.items()
        }
        now = time.monotonic()
        if now_counts != counts:
            counts, last_change = now_counts, now
        if counts["completed"] >= expected or now - last_change >= settled_after:
            break
        if now - start > timeout:
            raise BenchmarkError(
                f"the server was still storing the task runs of flow run "
                f"{flow_run_id} after {timeout:.0f} s ({counts})"
            )
        time.sleep(0.5)  # the interval between two questions
    return {
        "task_runs_expected": expected,
        "task_runs_stored": counts["stored"],
        "task_runs_completed": counts["completed"],
        # from the end of the flow run's process to the last task run stored
        "caught_up_after_s": last_change - start,
    }


def measure_per_task(plan: Plan, server: PrefectServer, scratch: Path) -> dict:
    sizes = [str(n) for n in plan.task_sizes]
    dropped_before, _ = dropped_events(server)
    found = run_flows(
        ["tasks", "--sizes", *sizes, "--repeats", str(plan.task_repeats)],
        server,
        scratch,
    )
    # Three task runs per warm-up (call, submit, map of one), then n per way and size.
    task_ways = 3
    expected = task_ways + plan.task_repeats * task_ways * sum(plan.task_sizes)
    stored = wait_for_task_runs(server, found["flow_run_id"], expected)
    dropped, queue_size = dropped_events(server)

    ways = {}
    for way, per_size in found["seconds"].items():
        ways[way] = {
            size: {
                "total_s": spread(samples),
                "per_task_ms": spread([s / int(size) * 1000 for s in samples]),
            }
            for size, samples in per_size.items()
        }
    largest = sizes[-1]
    per_task = {way: ways[way][largest]["per_task_ms"]["median"] for way in ways}
    return {
        "sizes": list(plan.task_sizes),
        "repeats": plan.task_repeats,
        "ways": ways,
        "ratios_at_largest_size": {
            "call_vs_plain": per_task["call"] / per_task["plain"],
            "submit_vs_call": per_task["submit"] / per_task["call"],
            "map_vs_call": per_task["map"] / per_task["call"],
            "map_vs_submit": per_task["map"] / per_task["submit"],
        },
        # What the server made of it: the flow run's task runs it stored, and the
        # events it dropped (its log's count; zero when it kept up).
        "server": {
            **stored,
            "dropped_events": dropped - dropped_before,
            "event_queue_size": queue_size,
        },
    }


# --- Task runners -----------------------------------------------------------------


def measure_runners(plan: Plan, server: PrefectServer, scratch: Path) -> dict:
    found = run_flows(
        [
            "runners",
            "--tasks",
            str(plan.runner_tasks),
            "--repeats",
            str(plan.runner_repeats),
            "--cpu-iterations",
            str(plan.cpu_iterations),
            "--sleep-seconds",
            str(plan.sleep_seconds),
        ],
        server,
        scratch,
    )
    work = {}
    for kind in ("cpu", "sleep"):
        runners = {
            name: {
                "flow_s": spread(found["flow_s"][kind][name]),
                "submit_to_results_s": spread(found["submit_to_results_s"][kind][name]),
            }
            for name in found["flow_s"][kind]
        }
        serial = spread(found["serial_s"][kind])
        work[kind] = {
            "one_call_s": spread(found["one_call_s"][kind]),
            "serial_plain_python_s": serial,
            "runners": runners,
            # how many times faster than the same calls one after another
            "speedup_vs_serial": {
                name: serial["median"] / figures["flow_s"]["median"]
                for name, figures in runners.items()
            },
        }
    return {
        "tasks": plan.runner_tasks,
        "repeats": plan.runner_repeats,
        "cpu_iterations": plan.cpu_iterations,
        "sleep_seconds": plan.sleep_seconds,
        "workers": found["workers"],
        "work": work,
    }


# --- Deployment latency ---------------------------------------------------------


@contextlib.contextmanager
def worker(env: dict[str, str], log: Path, stop: threading.Event):
    """`prefect worker start` on the pool, until it says it has started."""
    with log.open("wb") as output:
        process = start_in_group(
            [prefect_executable(), "worker", "start", "--pool", POOL],
            stop_signals=(signal.SIGINT, signal.SIGINT),
            env=env,
            cwd=log.parent,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120
        while "started!" not in log.read_text(errors="replace"):
            if process.poll() is not None:
                raise BenchmarkError(
                    f"the worker exited with code {process.returncode}:\n"
                    f"{log.read_text(errors='replace')[-3000:]}"
                )
            if time.monotonic() > deadline:
                raise BenchmarkError("the worker did not start within 120 s")
            if stop.wait(0.1):
                raise BenchmarkError("stopped")
        yield process
    finally:
        # A worker stops on Ctrl-C; a second one makes it stop at once.
        stop_process(process, (signal.SIGINT, signal.SIGINT))


def seconds_since(timestamp: str, start: float) -> float:
    return dt.datetime.fromisoformat(timestamp).timestamp() - start


def one_deployment_run(
    server: PrefectServer, env: dict, cwd: Path, stop: threading.Event
) -> dict:
    """`prefect deployment run`, then the API until the run is Completed.

    Returns when each step happened, in seconds after the command started.
    """
    start_clock = time.time()  # compared with the timestamps of the run's states
    start = time.perf_counter()
    created = run_checked(
        [prefect_executable(), "deployment", "run", DEPLOYMENT],
        env=env,
        cwd=cwd,
        timeout=120,
    )
    command = time.perf_counter() - start
    found = UUID.search(created)
    if not found:
        raise BenchmarkError(f"no flow run id in what deployment run said:\n{created}")
    run_id = found.group(1)
    deadline = time.monotonic() + 300
    while True:
        state = api(server, "GET", f"/flow_runs/{run_id}")["state"]["type"]
        if state in FINAL_STATES:
            break
        if time.monotonic() > deadline:
            raise BenchmarkError(f"flow run {run_id} still {state} after 300 s")
        # the interval between two questions, not a wait for a result
        if stop.wait(0.1):
            raise BenchmarkError("stopped")
    total = time.perf_counter() - start
    if state != "COMPLETED":
        raise BenchmarkError(f"flow run {run_id} ended {state}, not COMPLETED")
    states = {
        s["type"]: seconds_since(s["timestamp"], start_clock)
        for s in api(server, "GET", f"/flow_run_states/?flow_run_id={run_id}")
    }
    if not {"SCHEDULED", "PENDING", "RUNNING"} <= states.keys():
        raise BenchmarkError(f"flow run {run_id} went through {sorted(states)} only")
    return {
        "command_s": command,  # until `prefect deployment run` returned
        "created_s": states["SCHEDULED"],  # the server has the run
        "picked_up_s": states["PENDING"],  # a worker took it
        "running_s": states["RUNNING"],  # its own process began the flow
        "completed_s": total,  # seen Completed through the API
    }


def measure_latency(
    plan: Plan, server: PrefectServer, scratch: Path, stop: threading.Event
) -> dict:
    """Deployment runs with each polling setting. `stop` set: give up at once."""
    defaults = run_flows(["polling"], server, scratch)
    project = scratch / "project"
    project.mkdir()
    shutil.copy(HELLO_FLOW, project)
    env = client_env(server)
    run_checked(
        [prefect_executable(), "work-pool", "create", POOL, "--type", "process"],
        env=env,
        cwd=project,
        timeout=120,
    )
    run_checked(
        [
            prefect_executable(),
            "--no-prompt",
            "deploy",
            "hello_flow.py:hello_flow",
            "--name",
            "costs",
            "--pool",
            POOL,
        ],
        env=env,
        cwd=project,
        timeout=120,
    )
    modes = {"default": {}, "fast": FAST_POLLING}
    result = {}
    for mode, settings in modes.items():
        interval = float(
            settings.get(
                "PREFECT_WORKER_QUERY_SECONDS",
                defaults["PREFECT_WORKER_QUERY_SECONDS"],
            )
        )
        samples = []
        with worker({**env, **settings}, scratch / f"worker-{mode}.log", stop):
            for k in range(plan.latency_samples):
                # A reader asks for a run at any moment of the worker's polling cycle.
                # A run asked for right after the previous one ended would always
                # meet the cycle at the same point; spreading the requests over one
                # polling interval samples the whole cycle instead.
                if stop.wait((k + 0.5) / plan.latency_samples * interval):
                    raise BenchmarkError("stopped")
                samples.append(one_deployment_run(server, env, project, stop))
        result[mode] = {
            "settings": settings
            or {name: str(value) for name, value in defaults.items()},
            "polls_per_minute": 60 / interval,
            **{
                step: spread([sample[step] for sample in samples])
                for step in samples[0]
            },
        }
    result["ratios"] = {
        "default_vs_fast": result["default"]["completed_s"]["median"]
        / result["fast"]["completed_s"]["median"],
        "polls_fast_vs_default": result["fast"]["polls_per_minute"]
        / result["default"]["polls_per_minute"],
    }
    result["samples"] = plan.latency_samples
    return result


def measure_overlapping(
    plan: Plan, server: PrefectServer, scratch: Path
) -> tuple[dict, dict, dict]:
    """The quick mode: the deployment runs (mostly waiting for a worker's poll) in a
    thread, alongside the task measurements. The script ends sooner; the figures of
    both parts suffer, and only show that every part works."""
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as pool:
        progress("deployment latency, alongside the rest")
        latency = pool.submit(measure_latency, plan, server, scratch, stop)
        try:
            progress("per-task overhead")
            per_task = measure_per_task(plan, server, scratch)
            progress("task runners")
            runners = measure_runners(plan, server, scratch)
            progress("waiting for the deployment runs")
            return per_task, runners, latency.result()
        finally:
            stop.set()  # on an error: the latency part gives up (and stops its worker)


# --- The machine ----------------------------------------------------------------


def machine() -> dict:
    def from_proc(path: str, field: str) -> str | None:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(field):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return None

    memory = from_proc("/proc/meminfo", "MemTotal")  # "24684084 kB"
    return {
        "cpu": from_proc("/proc/cpuinfo", "model name") or platform.processor(),
        "cores": os.cpu_count(),
        "ram_gib": round(int(memory.split()[0]) / 2**20, 1) if memory else None,
        "os": f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        "prefect": version("prefect"),
        "prefect_dask": version("prefect-dask"),
        "dask": version("dask"),
    }


# --- Output -----------------------------------------------------------------------


def duration(seconds: float) -> str:
    """A duration in the unit that suits it, with two or three significant digits."""
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale or unit == "µs":
            value = seconds / scale
            return f"{value:.1f} {unit}" if value >= 10 else f"{value:.2f} {unit}"
    raise AssertionError("unreachable")


WAY_NAMES = {
    "plain": "plain function call",
    "call": "task called in the flow",
    "submit": "task.submit()",
    "map": "task.map()",
}
RUNNER_NAMES = {
    "thread": "ThreadPoolTaskRunner",
    "process": "ProcessPoolTaskRunner",
    "dask": "DaskTaskRunner",
}
KIND_NAMES = {"cpu": "CPU-bound", "sleep": "sleeping"}


def table_rows(figures: dict) -> list[tuple[str, dict, float]]:
    """(what, its figures, scale): one row per measurement, in seconds x scale."""
    s = figures["startup"]
    rows = [
        ("python hello_world.py (plain Python)", s["plain_hello_world_s"], 1),
        ('python -c "import prefect"', s["import_prefect_s"], 1),
        (
            'python -c "import prefect", no bytecode cache',
            s["import_prefect_uncached_s"],
            1,
        ),
        (
            "python hello_flow.py, temporary server",
            s["hello_flow_temporary_server_s"],
            1,
        ),
        (
            "python hello_flow.py, running server",
            s["hello_flow_running_server_s"],
            1,
        ),
        (
            "prefect server start to /api/health, new database",
            s["server_start_new_database_s"],
            1,
        ),
        (
            "prefect server start to /api/health, existing database",
            s["server_start_existing_database_s"],
            1,
        ),
    ]
    t = figures["per_task"]
    for way, name in WAY_NAMES.items():
        for size in t["sizes"]:
            per = t["ways"][way][str(size)]["per_task_ms"]
            tasks = "1 task" if size == 1 else f"{size} tasks"
            rows.append((f"{name}, {tasks}: per task", per, 1e-3))
    r = figures["task_runners"]
    for kind, kind_name in KIND_NAMES.items():
        work = r["work"][kind]
        rows.append(
            (
                f"{r['tasks']} {kind_name} calls one after another (plain Python)",
                work["serial_plain_python_s"],
                1,
            )
        )
        for runner, name in RUNNER_NAMES.items():
            rows.append(
                (
                    f"{r['tasks']} {kind_name} tasks, {name}",
                    work["runners"][runner]["flow_s"],
                    1,
                )
            )
    lat = figures["deployment_latency"]
    for mode in ("default", "fast"):
        rows.append(
            (
                f"prefect deployment run to Completed, {mode} polling",
                lat[mode]["completed_s"],
                1,
            )
        )
    return rows


def print_table(figures: dict) -> None:
    m = figures["machine"]
    print(
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, "
        f"{m['os']}, Python {m['python']}, Prefect {m['prefect']}"
    )
    print(f"Mode: {figures['mode']}; medians, with the range (min-max) of the runs\n")
    width = 66
    print(f"{'what':<{width}} {'median':>10}   range")
    for what, stats, scale in table_rows(figures):
        low, high = stats["min"] * scale, stats["max"] * scale
        print(
            f"{what:<{width}} {duration(stats['median'] * scale):>10}   "
            f"{duration(low)} - {duration(high)}"
        )
    s = figures["startup"]["ratios"]
    t = figures["per_task"]["ratios_at_largest_size"]
    lat = figures["deployment_latency"]["ratios"]
    print()
    print(
        f"hello flow: temporary server {s['temporary_vs_running_server']:.1f}x "
        "the running server's time"
    )
    print(
        f"per task, {figures['per_task']['sizes'][-1]} tasks: .map() "
        f"{t['map_vs_call']:.2f}x a task call, .submit() {t['submit_vs_call']:.2f}x"
    )
    server = figures["per_task"]["server"]
    print(
        f"the server stored {server['task_runs_completed']} of the "
        f"{server['task_runs_expected']} task runs as Completed "
        f"({server['task_runs_stored']} in all), {server['caught_up_after_s']:.0f} s "
        f"after the flow run; it dropped {server['dropped_events']} events"
    )
    for kind, kind_name in KIND_NAMES.items():
        speedups = figures["task_runners"]["work"][kind]["speedup_vs_serial"]
        print(
            f"{kind_name} tasks, speed-up over one after another: "
            + ", ".join(f"{name} {speedups[name]:.1f}x" for name in RUNNER_NAMES)
        )
    print(
        f"deployment run to Completed: default polling {lat['default_vs_fast']:.1f}x "
        f"fast polling, which polls {lat['polls_fast_vs_default']:.0f}x as often"
    )


# --- Plots --------------------------------------------------------------------------

# Okabe-Ito: colours that colour-blind readers tell apart.
BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILION, GREY = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#999999",
)


def time_tick(seconds: float) -> str:
    """An axis label on a logarithmic time axis: 100 ns, 1 µs, 10 ms."""
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale * 0.999 or unit == "ns":
            return f"{seconds / scale:.3g} {unit}"
    raise AssertionError("unreachable")


def draw_plots(figures: dict, folder: Path) -> list[Path]:
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            # Text stays text in the SVG, drawn by the reader's browser in its own
            # sans-serif font: no font is embedded or downloaded.
            "svg.fonttype": "none",
            # Element ids from a fixed salt: the same figures give the same file.
            "svg.hashsalt": "learn-prefect-costs",
            "font.family": "sans-serif",
            "font.size": 10,
            "figure.facecolor": "white",
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    folder.mkdir(parents=True, exist_ok=True)
    written = []

    def save(fig, name: str) -> None:
        path = folder / name
        # No creation date in the file: re-running does not change it needlessly.
        fig.savefig(path, format="svg", bbox_inches="tight", metadata={"Date": None})
        plt.close(fig)
        written.append(path)

    def bars(ax, labels, stats, colors) -> None:
        """Horizontal bars at the medians, whiskers over the range, values written."""
        medians = [s["median"] for s in stats]
        low = [s["median"] - s["min"] for s in stats]
        high = [s["max"] - s["median"] for s in stats]
        y = range(len(labels))
        ax.barh(y, medians, color=colors, xerr=[low, high], capsize=3)
        ax.set_yticks(list(y), labels)
        ax.invert_yaxis()
        for row, stat in zip(y, stats, strict=True):
            ax.annotate(
                duration(stat["median"]),
                (stat["max"], row),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
            )
        ax.margins(x=0.15)

    # 1. Start-up
    s = figures["startup"]
    fig, ax = plt.subplots(figsize=(8, 3.8))
    bars(
        ax,
        [
            "plain Python hello world",
            "import prefect",
            "import prefect, no bytecode cache",
            "hello flow, running server",
            "hello flow, temporary server",
            "server start, existing database",
            "server start, new database",
        ],
        [
            s["plain_hello_world_s"],
            s["import_prefect_s"],
            s["import_prefect_uncached_s"],
            s["hello_flow_running_server_s"],
            s["hello_flow_temporary_server_s"],
            s["server_start_existing_database_s"],
            s["server_start_new_database_s"],
        ],
        [GREY, SKY, SKY, BLUE, VERMILION, GREEN, GREEN],
    )
    ax.set_xlabel(
        "seconds from the start of the command to its end (median; whiskers: range)"
    )
    ax.set_title("Starting up: one process, from start to end", loc="left")
    save(fig, "startup.svg")

    # 2. Per-task overhead
    t = figures["per_task"]
    fig, ax = plt.subplots(figsize=(8, 3.8))
    colors = {"plain": GREY, "call": BLUE, "submit": ORANGE, "map": GREEN}
    for way, name in WAY_NAMES.items():
        stats = [t["ways"][way][str(n)]["per_task_ms"] for n in t["sizes"]]
        ax.plot(
            t["sizes"],
            [x["median"] for x in stats],
            marker="o",
            color=colors[way],
            label=name,
        )
        ax.fill_between(
            t["sizes"],
            [x["min"] for x in stats],
            [x["max"] for x in stats],
            color=colors[way],
            alpha=0.2,
            linewidth=0,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(t["sizes"], [str(n) for n in t["sizes"]])
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax.yaxis.set_major_formatter(
        matplotlib.ticker.FuncFormatter(lambda ms, _: time_tick(ms / 1000))
    )
    ax.set_xlabel("tasks in one go (log scale)")
    ax.set_ylabel("time per task (log scale)")
    ax.set_title(
        "Time per task inside one flow run, against a running server", loc="left"
    )
    ax.legend(loc="center left", bbox_to_anchor=(1, 0.5), frameon=False)
    save(fig, "per_task.svg")

    # 3. Task runners
    r = figures["task_runners"]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), sharey=True)
    for ax, kind in zip(axes, ("cpu", "sleep"), strict=True):
        work = r["work"][kind]
        stats = [work["serial_plain_python_s"]] + [
            work["runners"][runner]["flow_s"] for runner in RUNNER_NAMES
        ]
        bars(
            ax,
            ["one after another,\nplain Python", "threads", "processes", "Dask"],
            stats,
            [GREY, BLUE, ORANGE, PURPLE],
        )
        ax.set_title(f"{r['tasks']} {KIND_NAMES[kind]} tasks", loc="left")
        ax.set_xlabel("seconds, whole flow run")
    save(fig, "task_runners.svg")

    # 4. Deployment latency: when each step happened, medians of each step
    lat = figures["deployment_latency"]
    fig, ax = plt.subplots(figsize=(8, 2.8))
    modes = ["default", "fast"]
    labels = [
        f"{mode} polling\n(every {60 / lat[mode]['polls_per_minute']:g} s)"
        for mode in modes
    ]
    steps = [
        ("created_s", "the command creates the run", GREY),
        ("picked_up_s", "waiting for a worker's poll", VERMILION),
        ("running_s", "the worker starts the flow's process", ORANGE),
        ("completed_s", "the flow runs, to Completed", GREEN),
    ]
    for row, mode in enumerate(modes):
        previous = 0.0
        for step, name, color in steps:
            end = max(previous, lat[mode][step]["median"])
            ax.barh(
                row,
                end - previous,
                left=previous,
                color=color,
                label=name if row == 0 else None,
            )
            previous = end
        total = lat[mode]["completed_s"]
        ax.errorbar(
            total["median"],
            row,
            xerr=[[total["median"] - total["min"]], [total["max"] - total["median"]]],
            color="black",
            capsize=3,
        )
        ax.annotate(
            duration(total["median"]),
            (total["max"], row),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
        )
    ax.set_yticks(range(len(modes)), labels)
    ax.invert_yaxis()
    ax.margins(x=0.12)
    ax.set_xlabel("seconds after the command started (medians; whiskers: range)")
    ax.set_title("From prefect deployment run to Completed", loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.32), ncol=2, frameon=False)
    save(fig, "deployment_latency.svg")
    return written


# --- Main ---------------------------------------------------------------------------


def checked_output_paths(
    parser: argparse.ArgumentParser, out: Path, plots: Path
) -> None:
    """Refuse, before measuring anything, paths that cannot be written."""

    def first_existing(path: Path) -> Path:
        while not path.exists():
            path = path.parent
        return path

    if out.is_dir():
        parser.error(f"--out {out}: is a folder, name a .json file")
    if out.suffix != ".json":
        parser.error(f"--out {out}: the figures are JSON, name a .json file")
    for path, option in ((out.parent, "--out"), (plots, "--plots")):
        existing = first_existing(path.absolute())
        if not existing.is_dir():
            parser.error(f"{option} {path}: {existing} is a file, not a folder")
        if not os.access(existing, os.W_OK):
            parser.error(f"{option} {path}: {existing} is not writable")


STARTED = time.perf_counter()


def progress(section: str) -> None:
    """Say on stderr what is being measured, and how long since the script started."""
    elapsed = time.perf_counter() - STARTED
    print(f"[{elapsed:4.0f} s] {section}", file=sys.stderr, flush=True)


def display(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer repeats and smaller sizes (for the tests; about 2 minutes)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=OUTPUT,
        help=f"where to write the figures (default: {display(OUTPUT)})",
    )
    parser.add_argument(
        "--plots",
        type=Path,
        default=PLOTS,
        help=f"the folder for the plots (default: {display(PLOTS)})",
    )
    args = parser.parse_args()
    checked_output_paths(parser, args.out, args.plots)
    cache_bytecode()
    plan = QUICK if args.quick else FULL

    began = time.perf_counter()
    try:
        with (
            tempfile.TemporaryDirectory(
                prefix="learn-prefect-benchmark-", ignore_cleanup_errors=True
            ) as tmp,
            contextlib.ExitStack() as stack,  # closed first: stops the server
        ):
            scratch = Path(tmp)
            progress("start-up")
            startup, server = measure_startup(plan, scratch, stack)
            if plan.overlap_latency:
                per_task, runners, latency = measure_overlapping(plan, server, scratch)
            else:
                stop = threading.Event()  # never set: nothing runs alongside
                progress("per-task overhead")
                per_task = measure_per_task(plan, server, scratch)
                progress("task runners")
                runners = measure_runners(plan, server, scratch)
                progress("deployment latency")
                latency = measure_latency(plan, server, scratch, stop)
            progress("done")
    except BenchmarkError as error:
        sys.exit(f"benchmark failed: {error}")

    figures = {
        "measured_on": dt.date.today().isoformat(),
        "mode": "quick" if args.quick else "full",
        "command": "uv run python scripts/benchmark.py"
        + (" --quick" if args.quick else ""),
        "plan": asdict(plan),
        "machine": machine(),
        "wall_time_s": time.perf_counter() - began,
        "startup": startup,
        "per_task": per_task,
        "task_runners": runners,
        "deployment_latency": latency,
    }
    check_finite(figures)
    print_table(figures)
    plots = draw_plots(figures, args.plots)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    partial = args.out.with_suffix(".partial")
    partial.write_text(json.dumps(figures, indent=2) + "\n")
    partial.replace(args.out)
    print(f"\nwrote {display(args.out)}")
    for path in plots:
        print(f"wrote {display(path)}")
    print(f"in {figures['wall_time_s']:.0f} s")


def check_finite(value: object, where: str = "figures") -> None:
    """Every figure is a number we can plot: no NaN or infinity slipped in."""
    if isinstance(value, dict):
        for key, item in value.items():
            check_finite(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_finite(item, f"{where}[{index}]")
    elif isinstance(value, float) and not math.isfinite(value):
        raise SystemExit(f"benchmark failed: {where} is {value}")


if __name__ == "__main__":
    main()
