"""The architecture page: a run on a work pool that no worker polls turns Late."""

from __future__ import annotations

from concurrent.futures import Future

from commands import Scenario

A = "snippets/architecture"


def test_a_run_that_no_worker_picks_up_turns_late(
    unattended: Future[Scenario], update_outputs: bool
) -> None:
    scenario = unattended.result(timeout=300)
    scenario.check(f"{A}/run_unattended.sh", update=update_outputs)
    assert (
        scenario.seen["late"].state.type.value == "SCHEDULED"
    )  # Late is a kind of Scheduled
    shown = scenario.check(f"{A}/run_state.sh", update=update_outputs)
    assert shown.output.strip() == "Late (a SCHEDULED state)"
