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
  Prefect's default polling and at fast polling, and with a Docker worker (on a Docker
  Engine of its own: Linux, root, and Debian's docker.io and debootstrap packages).

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
import sys
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path

from harness import REPO
from harness.benchmark.common import (
    FULL,
    OUTPUT,
    PLOTS,
    QUICK,
    BenchmarkError,
    progress,
)
from harness.benchmark.measure import (
    measure_latency,
    measure_overlapping,
    measure_per_task,
    measure_runners,
    measure_startup,
)
from harness.benchmark.plots import draw_plots
from harness.benchmark.report import machine, print_table
from harness.docker_engine import missing_tools
from harness.prefect_server import (
    cache_bytecode,
)

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


def checked_docker_engine(parser: argparse.ArgumentParser) -> None:
    """Refuse, before measuring anything, a machine where the Docker runs cannot be
    made: they start a Docker Engine of their own."""
    missing = missing_tools()
    if missing:
        parser.error(
            "the Docker runs need "
            + ", ".join(missing)
            + f": apt-get install {' '.join(missing)}"
        )
    if os.geteuid() != 0:
        parser.error("the Docker runs start dockerd, which needs root: run as root")


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
    checked_docker_engine(parser)
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
