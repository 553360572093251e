"""The benchmark's figures, put in words: the machine they come from, the table the
script prints."""

from __future__ import annotations

import os
import platform
from importlib.metadata import version
from pathlib import Path

import psutil

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

    return {
        "cpu": from_proc("/proc/cpuinfo", "model name") or platform.processor(),
        "cores": os.cpu_count(),
        "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
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
    docker = lat["docker"]
    rows.append(
        (
            "prefect deployment run to Completed, Docker worker, fast polling",
            docker["completed_s"],
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
    docker = figures["deployment_latency"]["docker"]
    print(
        f"deployment run in a Docker container: {lat['docker_vs_process']:.1f}x a "
        f"process worker's (both fast polling); docker build of its image "
        f"{duration(docker['image_build_s'])}"
    )
