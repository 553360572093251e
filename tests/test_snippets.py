"""Every Python snippet: linted, then run against the session's server, its printed
output checked against the `#>` lines written under its prints."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from commands import REPO, SNIPPETS
from pytest_examples import CodeExample, EvalExample
from ruff.__main__ import find_ruff_bin

PYTHON_SNIPPETS = sorted(SNIPPETS.rglob("*.py"))


@pytest.fixture
def without_flow_heartbeats():
    """Run the snippets' flows without their heartbeat thread.

    At the end of each synchronous flow run, Prefect stops the run's heartbeat thread,
    which checks once a second whether to stop: up to a second per flow run, more than
    ten times the rest of a small run. Heartbeats let a server notice crashed runs; no
    lesson's printed output depends on them. The commands whose output pages show run
    with Prefect's defaults (test_commands.py).
    """
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def snippet_id(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


@pytest.mark.parametrize("path", PYTHON_SNIPPETS, ids=snippet_id)
def test_snippet(path: Path, eval_example: EvalExample, prefect_server,
                 without_flow_heartbeats, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> None:
    lint = subprocess.run(
        [find_ruff_bin(), "check", "--quiet", "--no-cache", path.relative_to(REPO)],
        cwd=REPO, capture_output=True, text=True,
    )
    assert lint.returncode == 0, f"ruff found problems:\n{lint.stdout}{lint.stderr}"

    example = CodeExample.create(path.read_text(), path=path)
    # As if copied alone into a new folder: no sibling files to import or read.
    monkeypatch.chdir(tmp_path)
    if eval_example.update_examples:
        eval_example.run_print_update(example)
    else:
        eval_example.run_print_check(example)


def test_there_are_snippets() -> None:
    assert len(PYTHON_SNIPPETS) >= 10, PYTHON_SNIPPETS
