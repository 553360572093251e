"""Every command a page shows runs for real, and its output still matches the page."""

from __future__ import annotations

import pytest
from commands import REPO, RUNS, SNIPPETS, check_run

GENERIC_RUNS = [run for run in RUNS if not run.dedicated]


@pytest.mark.parametrize("run", GENERIC_RUNS, ids=lambda run: run.id)
def test_command(run, prefect_server, update_outputs: bool) -> None:
    check_run(
        run,
        cwd=(REPO / run.command).parent,
        home=prefect_server.home,
        api_url=prefect_server.api_url,
        update=update_outputs,
    )


def test_every_command_snippet_is_run() -> None:
    commands = {path.relative_to(REPO).as_posix() for path in SNIPPETS.rglob("*.sh")}
    registered = {run.command for run in RUNS}
    assert commands - registered == set(), "command snippets that no test runs"
    assert registered - commands == set(), "runs of command snippets that do not exist"


def test_every_shown_output_comes_from_a_run() -> None:
    outputs = {path.relative_to(REPO).as_posix() for path in SNIPPETS.rglob("*.out")}
    registered = {run.output for run in RUNS if run.output}
    assert outputs - registered == set(), "shown outputs that no run refreshes"
