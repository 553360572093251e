"""Every command a page shows runs for real, and its output still matches the page.

The pages the journey follows (harness/journey.py) are run and compared there; the
commands below are those of the other pages, and those that a page's own test runs
again in the context it needs."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from harness import REPO, SNIPPETS
from harness.commands import RUNS, Run
from harness.journey import journey_commands, journey_outputs
from harness.terminal import Result, Terminal

GENERIC_RUNS = [run for run in RUNS if not run.dedicated]


def terminal_for(run: Run, prefect_server) -> Terminal:
    """In the snippet's folder, against the session's server."""
    return Terminal(
        cwd=(REPO / run.command).parent,
        home=prefect_server.home,
        api_url=prefect_server.api_url,
    )


@pytest.fixture(scope="module")
def started(prefect_server) -> Iterator[dict[Run, Future[Result]]]:
    """All the generic runs, started together, three at a time: they do not depend
    on each other, and each spends most of its time importing Prefect."""
    with ThreadPoolExecutor(max_workers=3) as pool:
        yield {
            run: pool.submit(terminal_for(run, prefect_server).run_as_registered, run)
            for run in GENERIC_RUNS
        }


@pytest.mark.parametrize("run", GENERIC_RUNS, ids=lambda run: run.id)
def test_command(run: Run, started, prefect_server, update_outputs: bool) -> None:
    terminal_for(run, prefect_server).check(
        run, update=update_outputs, result=started[run].result(timeout=300)
    )


def test_every_command_snippet_is_run() -> None:
    commands = {path.relative_to(REPO).as_posix() for path in SNIPPETS.rglob("*.sh")}
    registered = {run.command for run in RUNS}
    run = registered | journey_commands()
    assert commands - run == set(), "command snippets that no test runs"
    assert registered - commands == set(), "runs of command snippets that do not exist"


def test_every_shown_output_comes_from_a_run() -> None:
    outputs = {path.relative_to(REPO).as_posix() for path in SNIPPETS.rglob("*.out")}
    registered = {run.output for run in RUNS if run.output} | journey_outputs()
    assert outputs - registered == set(), "shown outputs that no run refreshes"
