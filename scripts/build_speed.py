"""How fast this site builds: a cold `mkdocs build --strict`, and a rebuild under
`mkdocs serve` after one page is edited, as a writer sees it.

    uv run python scripts/build_speed.py              # 5 of each
    uv run python scripts/build_speed.py --repeats 3

It works on a copy of the project in a temporary folder (the repository is never
edited), and prints medians with their range. The rebuild is timed from the moment
the edited page is saved until `mkdocs serve` serves the page with the edit in it.
`mkdocs serve` listens on 127.0.0.1, on a free port, and is stopped by its PID.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from harness import REPO
from harness.prefect_server import free_port, stop_process
from harness.waiting import wait_until

# What a build reads: the pages, the snippets they include, the template overrides,
# and the test files the testing page quotes.
PROJECT = ["mkdocs.yml", "docs", "snippets", "overrides", "tests"]
EDITED = "docs/flows.md"


def copy_project(destination: Path) -> Path:
    destination.mkdir(parents=True)
    for name in PROJECT:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(
                source,
                destination / name,
                ignore=shutil.ignore_patterns("node_modules", "__pycache__"),
            )
        else:
            shutil.copy2(source, destination / name)
    return destination


def mkdocs(*args: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs", *args]


def env() -> dict[str, str]:
    # No "MkDocs 2.0" banner from Material in the timing output.
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def cold_build(project: Path, site: Path) -> float:
    """One `mkdocs build --strict` in a fresh process, into an empty folder."""
    shutil.rmtree(site, ignore_errors=True)
    start = time.perf_counter()
    build = subprocess.run(
        mkdocs("build", "--strict", "--site-dir", str(site)),
        cwd=project,
        env=env(),
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if build.returncode != 0:
        sys.exit(f"mkdocs build --strict failed:\n{build.stderr}")
    return elapsed


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.read().decode()
    except (urllib.error.URLError, OSError):
        return ""


def wait_for(url: str, text: str, timeout: float = 60) -> None:
    wait_until(
        lambda: text in fetch(url),
        timeout=timeout,
        interval=0.02,
        what=f"{url} showing {text!r}",
        seen=lambda: "",
    )


def rebuilds(project: Path, repeats: int) -> list[float]:
    """Seconds from saving an edited page to `mkdocs serve` serving the edit."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/flows/"
    log = project / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            mkdocs("serve", "--dev-addr", f"127.0.0.1:{port}"),
            cwd=project,
            env=env(),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        try:
            wait_for(url, "Your first flow", timeout=120)
        except TimeoutError:
            sys.exit(f"mkdocs serve did not come up:\n{log.read_text()}")
        page = project / EDITED
        original = page.read_text()
        times = []
        for number in range(repeats):
            marker = f"Edited for the rebuild timing, number {number}."
            start = time.perf_counter()
            page.write_text(f"{original}\n{marker}\n")
            wait_for(url, marker)
            times.append(time.perf_counter() - start)
        return times
    finally:
        stop_process(server)


def summary(values: list[float]) -> str:
    return (
        f"{statistics.median(values):5.2f} s  "
        f"(min {min(values):.2f}, max {max(values):.2f}, n={len(values)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="samples of each")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error(f"--repeats must be 1 or more, not {args.repeats}")
    with tempfile.TemporaryDirectory(prefix="learn-prefect-build-") as tmp:
        project = copy_project(Path(tmp) / "project")
        cold = [cold_build(project, Path(tmp) / "site") for _ in range(args.repeats)]
        warm = rebuilds(project, args.repeats)
    print(f"cold `mkdocs build --strict`:             {summary(cold)}")
    print(f"rebuild under `mkdocs serve`, one page:   {summary(warm)}")


if __name__ == "__main__":
    main()
