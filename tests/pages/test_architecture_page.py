"""The architecture page: a run on a work pool that no worker polls turns Late, and
a worker started for that pool runs it."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

from harness import prefect_api as api
from harness.prefect_server import FAST_POLLING
from harness.terminal import Result, Run, Scenario, id_after

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


def test_a_worker_for_the_pool_runs_the_late_run(
    unattended: Future[Scenario], session_dir: Path, update_outputs: bool
) -> None:
    scenario = unattended.result(timeout=300)
    run_id = id_after("UUID: ", scenario.results[f"{A}/run_unattended.sh"].output)
    assert api.flow_run(run_id).state.name == "Late"
    polling = scenario.terminal.with_env(**FAST_POLLING)
    with polling.start(
        f"{A}/worker_nobody_home.sh", log=session_dir / "worker-nobody-home.log"
    ) as worker:
        worker.wait_for(r"Worker '.*' started!")
        run = api.wait_for_final_state(run_id, timeout=120)
        assert run.state.type.value == "COMPLETED", run.state
        finished = worker.wait_for(
            rf"Flow run '{run.name}' - Finished in state Completed\(\)\n"
        )
        scenario.terminal.check(
            Run.of(f"{A}/worker_nobody_home.sh"),
            update=update_outputs,
            result=Result(0, worker.output[: finished.end()]),
        )
    assert "stopped!" in worker.output, worker.output  # Ctrl-C stopped it
