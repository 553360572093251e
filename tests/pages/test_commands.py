"""Every command a page shows runs for real, and every output it shows comes from a
run: the journey's (harness/journey.py), or a page's own test's, in the context that
test makes (harness/commands.py lists those)."""

from __future__ import annotations

from harness import REPO, SNIPPETS
from harness.commands import RUNS
from harness.journey import journey_commands, journey_outputs


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


def test_every_run_is_made() -> None:
    """A run no page's test makes is one the journey makes: its output is one the
    journey shows."""
    only_listed = {
        run.id
        for run in RUNS
        if not run.dedicated and run.output not in journey_outputs()
    }
    assert only_listed == set(), "runs that neither the journey nor a test makes"
