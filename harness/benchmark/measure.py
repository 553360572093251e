"""The benchmark's measurements: start-up, per-task overhead, task runners, and the
latency of a deployment run."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import shutil
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harness.benchmark.common import (
    DEPLOYMENT,
    DOCKER_DEPLOYMENT,
    DOCKER_IMAGE,
    DOCKER_POOL,
    FINAL_STATES,
    FLOWS,
    HELLO_WORLD,
    POOL,
    RESULT_MARKER,
    UUID,
    WARM_UP,
    WORKER_POLLING,
    BenchmarkError,
    Plan,
    clean_env,
    client_env,
    progress,
    run_checked,
    waited,
)
from harness.docker_engine import PREFECT_IMAGE, ThrowawayDocker, give_prefect_image
from harness.measure import (
    HELLO_FLOW,
    hello_flow_times,
    import_prefect_times,
    median_of,
    spread,
    start_server_timed,
    timed,
)
from harness.prefect_server import (
    PATIENT_TEMPORARY_SERVER,
    PrefectServer,
    prefect_executable,
)
from harness.rest import RestApi
from harness.terminal import Background

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
    api = RestApi(server.api_url)
    start = last_change = time.monotonic()
    counts: dict[str, int] = {}

    def caught_up() -> bool:
        nonlocal counts, last_change
        now_counts = {
            name: api.call("/task_runs/count", query) for name, query in queries.items()
        }
        now = time.monotonic()
        if now_counts != counts:
            counts, last_change = now_counts, now
        return counts["completed"] >= expected or now - last_change >= settled_after

    waited(
        caught_up,
        timeout=timeout,
        interval=0.5,  # the interval between two questions
        what=f"the server storing the task runs of flow run {flow_run_id}",
        seen=lambda: f"stored so far: {counts}",
    )
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
def worker(env: dict[str, str], log: Path, stop: threading.Event, pool: str = POOL):
    """`prefect worker start` on a pool, until it says it has started."""
    # A worker stops on Ctrl-C; a second one makes it stop at once.
    with Background(
        [prefect_executable(), "worker", "start", "--pool", pool],
        cwd=log.parent,
        env=env,
        log=log,
        stop_signals=(signal.SIGINT, signal.SIGINT),
    ) as started:
        waited(
            lambda: "started!" in started.output,
            timeout=120,
            interval=0.1,
            stop=stop,
            what="the worker starting",
            give_up=lambda: (
                started.process.poll() is not None
                and f"it exited with code {started.process.returncode}"
            ),
            seen=lambda: started.output[-3000:],
        )
        yield started.process


def seconds_since(timestamp: str, start: float) -> float:
    return dt.datetime.fromisoformat(timestamp).timestamp() - start


def one_deployment_run(
    server: PrefectServer,
    env: dict,
    cwd: Path,
    stop: threading.Event,
    deployment: str = DEPLOYMENT,
) -> dict:
    """`prefect deployment run`, then the API until the run is Completed.

    Returns when each step happened, in seconds after the command started.
    """
    start_clock = time.time()  # compared with the timestamps of the run's states
    start = time.perf_counter()
    created = run_checked(
        [prefect_executable(), "deployment", "run", deployment],
        env=env,
        cwd=cwd,
        timeout=120,
    )
    command = time.perf_counter() - start
    found = UUID.search(created)
    if not found:
        raise BenchmarkError(f"no flow run id in what deployment run said:\n{created}")
    run_id = found.group(1)
    api = RestApi(server.api_url)
    state = waited(
        lambda: (
            (state := api.call(f"/flow_runs/{run_id}")["state"]["type"]) in FINAL_STATES
            and state
        ),
        timeout=300,
        # the interval between two questions, not a wait for a result
        interval=0.1,
        stop=stop,
        what=f"flow run {run_id} ending",
    )
    total = time.perf_counter() - start
    if state != "COMPLETED":
        raise BenchmarkError(f"flow run {run_id} ended {state}, not COMPLETED")
    states = {
        s["type"]: seconds_since(s["timestamp"], start_clock)
        for s in api.call(f"/flow_run_states/?flow_run_id={run_id}")
    }
    if not {"SCHEDULED", "PENDING", "RUNNING"} <= states.keys():
        raise BenchmarkError(f"flow run {run_id} went through {sorted(states)} only")
    return {
        "command_s": command,  # until `prefect deployment run` returned
        "created_s": states["SCHEDULED"],  # the server has the run
        "picked_up_s": states["PENDING"],  # a worker took it
        "running_s": states["RUNNING"],  # its own process (container) began the flow
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
    modes = {"default": {}, "fast": WORKER_POLLING}
    result = {}
    for mode, settings in modes.items():
        interval = float(
            settings.get(
                "PREFECT_WORKER_QUERY_SECONDS",
                defaults["PREFECT_WORKER_QUERY_SECONDS"],
            )
        )
        with worker({**env, **settings}, scratch / f"worker-{mode}.log", stop):
            samples = deployment_runs(plan, server, env, project, stop, interval)
        result[mode] = {
            "settings": settings
            or {name: str(value) for name, value in defaults.items()},
            "polls_per_minute": 60 / interval,
            **samples,
        }
    progress("deployment latency: a Docker worker")
    fast_interval = float(WORKER_POLLING["PREFECT_WORKER_QUERY_SECONDS"])
    result["docker"] = measure_docker_latency(
        plan, server, env, project, stop, fast_interval
    )
    result["ratios"] = {
        "default_vs_fast": result["default"]["completed_s"]["median"]
        / result["fast"]["completed_s"]["median"],
        "polls_fast_vs_default": result["fast"]["polls_per_minute"]
        / result["default"]["polls_per_minute"],
        "docker_vs_process": result["docker"]["completed_s"]["median"]
        / result["fast"]["completed_s"]["median"],
    }
    result["samples"] = plan.latency_samples
    return result


def deployment_runs(
    plan: Plan,
    server: PrefectServer,
    env: dict,
    project: Path,
    stop: threading.Event,
    interval: float,
    deployment: str = DEPLOYMENT,
) -> dict:
    """plan.latency_samples runs of `deployment`: the spread of each step's time."""
    samples = []
    for k in range(plan.latency_samples):
        # A reader asks for a run at any moment of the worker's polling cycle. A run
        # asked for right after the previous one ended would always meet the cycle
        # at the same point; spreading the requests over one polling interval
        # samples the whole cycle instead.
        if stop.wait((k + 0.5) / plan.latency_samples * interval):
            raise BenchmarkError("stopped")
        samples.append(one_deployment_run(server, env, project, stop, deployment))
    return {step: spread([sample[step] for sample in samples]) for step in samples[0]}


# As docs/docker.md builds and deploys: the flow's file in the image, the image used
# from the worker's machine (no registry).
DOCKERFILE = f"""\
FROM {PREFECT_IMAGE}
COPY {HELLO_FLOW.name} /opt/prefect/{HELLO_FLOW.name}
"""
DEPLOY_TO_DOCKER = f"""\
from hello_flow import hello_flow

hello_flow.deploy(
    name="{DOCKER_DEPLOYMENT.split("/")[1]}",
    work_pool_name="{DOCKER_POOL}",
    image="{DOCKER_IMAGE}",
    build=False,
    push=False,
    job_variables={{"image_pull_policy": "Never"}},
)
"""


def measure_docker_latency(
    plan: Plan,
    server: PrefectServer,
    env: dict,
    project: Path,
    stop: threading.Event,
    interval: float,
) -> dict:
    """The same deployment runs with a Docker worker (fast polling), each in a new
    container, on a Docker Engine of the benchmark's own; and the image's build."""
    with ThrowawayDocker() as engine:
        base_image_s = give_prefect_image(engine)
        (project / "Dockerfile").write_text(DOCKERFILE)
        started = time.perf_counter()
        engine.docker("build", "--quiet", "--tag", DOCKER_IMAGE, str(project))
        image_build_s = time.perf_counter() - started
        docker_env = {**env, "DOCKER_HOST": engine.host}
        run_checked(
            [
                prefect_executable(),
                "work-pool",
                "create",
                DOCKER_POOL,
                "--type",
                "docker",
            ],
            env=docker_env,
            cwd=project,
            timeout=120,
        )
        (project / "deploy_to_docker.py").write_text(DEPLOY_TO_DOCKER)
        run_checked(
            [sys.executable, "deploy_to_docker.py"],
            env=docker_env,
            cwd=project,
            timeout=120,
        )
        settings = {**docker_env, **WORKER_POLLING}
        log = project.parent / "worker-docker.log"
        with worker(settings, log, stop, pool=DOCKER_POOL):
            samples = deployment_runs(
                plan, server, docker_env, project, stop, interval, DOCKER_DEPLOYMENT
            )
    return {
        "settings": WORKER_POLLING,
        "base_image_import_s": base_image_s,  # the stand-in for the official image
        "image_build_s": image_build_s,  # docker build: the flow's file on top
        **samples,
    }


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
