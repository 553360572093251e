"""scripts/benchmark.py run by the tests: its quick mode into temporary paths.

conftest.py starts `run_quick` in the background with the last tests (the
`quick_benchmark` fixture); test_benchmark.py checks what it wrote and printed.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from harness import REPO
from harness.prefect_server import Finished, run_in_group

SCRIPT = REPO / "scripts/benchmark.py"
COMMITTED = [REPO / "docs/data/benchmark.json", *REPO.glob("docs/images/costs/*")]


def run_benchmark(
    *arguments: str, timeout: float = 600, env: dict[str, str] | None = None
) -> Finished:
    """The script in a process group of its own; on a timeout or an interruption it
    gets a Ctrl-C (it then stops the servers and the worker it started)."""
    return run_in_group(
        [sys.executable, str(SCRIPT), *arguments],
        env=dict(os.environ) if env is None else env,
        cwd=REPO,
        timeout=timeout,
        stop_signals=(signal.SIGINT,),
    )


def fingerprints() -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in COMMITTED
        if path.is_file()
    }


@dataclass
class Quick:
    figures: dict
    table: str
    plots: Path
    committed_before: dict[str, str]


def run_quick(folder: Path) -> tuple[Finished, Quick | None]:
    """The quick mode into `folder`: its run, and what it wrote if it succeeded."""
    out, plots = folder / "figures" / "benchmark.json", folder / "plots"
    before = fingerprints()
    run = run_benchmark("--quick", "--out", str(out), "--plots", str(plots))
    if run.returncode != 0:
        return run, None
    return run, Quick(json.loads(out.read_text()), run.stdout, plots, before)
