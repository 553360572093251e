"""Lint a Python snippet, run it, and check what it prints against its `#>` lines."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pytest_examples import CodeExample, EvalExample
from ruff.__main__ import find_ruff_bin


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


def run_and_check_prints(
    eval_example: EvalExample, path: Path, *, label: str, update: bool | None = None
) -> None:
    """Run the file as `__main__`; with --update-examples (or `update`), rewrite its
    `#>` lines instead of checking them."""
    example = CodeExample.create(path.read_text(), path=path)
    if eval_example.update_examples if update is None else update:
        eval_example.run_print_update(example)
        return
    try:
        eval_example.run_print_check(example)
    except pytest.fail.Exception as failure:
        pytest.fail(
            f"{label}: what it prints no longer matches its #> lines.\n{failure}"
            "If the change is expected, refresh it: uv run pytest --update-examples",
            pytrace=False,
        )
