"""Measure how fast this site's tests are, next to the naive way, and print it.

    uv run python scripts/speed.py            # everything (about 12 minutes)
    uv run python scripts/speed.py --no-naive # skip the slow naive baseline

It measures, on the machine it runs on:

- the snippet tests (`pytest tests/snippets`: three runner processes, one
  server) next to the naive way of checking the same snippets: each one run as
  `python FILE` with no server, so that each starts its own temporary server;
- the server-path tests (the pages on the server, deployments, work pools and
  scheduling) and the whole suite, each in one pytest process.

It prints a table and writes the figures to docs/data/speed.json. What Prefect itself
costs (`import prefect`, the hello flow with and without a server, a server's start)
is measured by scripts/benchmark.py, whose figures the pages show. Compare the times
here as ratios from one run: the machine is noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

from harness import REPO
from harness.measure import (
    HELLO_FLOW,
    base_env,
    timed,
)
from harness.output_rules import COMMAND_ONLY
from harness.prefect_server import cache_bytecode

OUTPUT = REPO / "docs/data/speed.json"


def measure_snippet_tests(naive: bool, scratch: Path) -> dict:
    python = sys.executable
    # The snippets the snippet tests run; the others (COMMAND_ONLY) serve until
    # stopped or need a worker, and their pages' tests run them by their commands.
    snippets = [
        path
        for path in sorted((REPO / "snippets").rglob("*.py"))
        if path.relative_to(REPO).as_posix() not in COMMAND_ONLY
    ]
    env = base_env(scratch / "unused-home")  # the suite makes its own homes
    # A pytest cache of our own: the first run is a fresh clone's (the server creates
    # its database), the second finds the database template the first one saved.
    pytest = [
        python,
        "-m",
        "pytest",
        "-q",
        "-o",
        f"cache_dir={scratch / 'cache'}",
        "tests/snippets",
    ]
    cold = timed(pytest, env=env)
    warm = timed(pytest, env=env)
    result = {"snippets": len(snippets), "suite_cold_s": cold, "suite_warm_s": warm}
    if naive:
        home = scratch / "naive-home"
        env = base_env(home)
        timed([python, str(HELLO_FLOW)], env=env)  # create the database first
        per_file = {}
        for path in snippets:
            per_file[path.relative_to(REPO).as_posix()] = timed(
                [python, str(path)], env=env, cwd=scratch
            )
        result["naive_s"] = sum(per_file.values())
        result["naive_per_file_s"] = per_file
        result["speedup_cold"] = result["naive_s"] / cold
        result["speedup_warm"] = result["naive_s"] / warm
    return result


SERVER_PATH = [
    "tests/pages/test_server_page.py",
    "tests/pages/test_deployments_page.py",
    "tests/pages/test_architecture_page.py",
    "tests/pages/test_scheduling_page.py",
]


def measure_suites(scratch: Path) -> dict:
    """Wall times of parts of the suite, each in its own pytest process."""
    env = base_env(scratch / "unused-home")
    pytest = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-o",
        f"cache_dir={scratch / 'cache'}",
    ]
    return {
        "server_path_s": timed([*pytest, *SERVER_PATH], env=env),
        "whole_suite_s": timed(pytest, env=env),
    }


def machine() -> str:
    return (
        f"{os.cpu_count()} CPU cores, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--no-naive",
        action="store_true",
        help="skip the naive baseline (each snippet with its own temporary server)",
    )
    args = parser.parse_args()
    cache_bytecode()

    with tempfile.TemporaryDirectory(prefix="learn-prefect-speed-") as tmp:
        scratch = Path(tmp)
        snippets = measure_snippet_tests(not args.no_naive, scratch)
        suites = measure_suites(scratch)

    print(f"Machine: {machine()}")
    print(f"{'what':<58} {'seconds':>8}")
    n = snippets["snippets"]
    print(
        f"{f'snippet tests, {n} snippets, one server: fresh clone':<58} "
        f"{snippets['suite_cold_s']:>8.1f}"
    )
    print(
        f"{'  the same again (server database template cached)':<58} "
        f"{snippets['suite_warm_s']:>8.1f}"
    )
    if "naive_s" in snippets:
        print(
            f"{f'naive: {n} x python FILE, temporary server each':<58} "
            f"{snippets['naive_s']:>8.1f}"
        )
        print(
            f"snippet tests vs naive: {snippets['speedup_cold']:.1f}x faster, fresh "
            f"clone, {snippets['speedup_warm']:.1f}x with the cache"
        )

    figures = {
        "measured_on": dt.date.today().isoformat(),
        "machine": machine(),
        "snippet_tests": snippets,
        "suites": suites,
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(figures, indent=2) + "\n")
    print(
        f"{'server-path tests (4 pages, one pytest process)':<58} "
        f"{suites['server_path_s']:>8.1f}"
    )
    print(f"{'the whole suite (uv run pytest)':<58} {suites['whole_suite_s']:>8.1f}")
    print(f"wrote {OUTPUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
