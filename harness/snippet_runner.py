"""Lint a Python snippet; fail its test, saying why, when its run failed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from ruff.__main__ import find_ruff_bin

from harness.snippet_pool import Outcome


def lint(path: Path, *, config_root: Path) -> None:
    """ruff, with the repository's configuration."""
    result = subprocess.run(
        [find_ruff_bin(), "check", "--quiet", "--no-cache", str(path)],
        cwd=config_root,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        pytest.fail(
            f"ruff found problems in {path}:\n{result.stdout}{result.stderr}",
            pytrace=False,
        )


def check_outcome(outcome: Outcome, *, label: str) -> None:
    """Fail the test, saying what went wrong, unless the snippet's run passed."""
    if outcome.failure is None:
        return
    if outcome.mismatch:
        pytest.fail(
            f"{label}: what it prints no longer matches its #> lines.\n"
            f"{outcome.failure}"
            "If the change is expected, refresh it: uv run pytest --update-examples",
            pytrace=False,
        )
    pytest.fail(
        f"{label} failed:\n{outcome.failure}\n"
        f"What it printed and logged (the end):\n{outcome.output}",
        pytrace=False,
    )
