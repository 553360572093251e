"""The architecture page: a run on a work pool that no worker polls turns Late."""

from __future__ import annotations

import re

import prefect_api as api
from pty_session import ENTER, Question
from reader_fixtures import Deployed, the_run

A = "snippets/architecture"


def test_a_run_that_no_worker_picks_up_turns_late(
    deployed: Deployed, update_outputs: bool
) -> None:
    terminal = deployed.terminal
    terminal.check(the_run(f"{A}/create_idle_pool.sh"), update=update_outputs)
    terminal.check(
        the_run(f"{A}/deploy_unattended.sh"),
        update=update_outputs,
        questions=[
            Question("Would you like to configure schedules", "n" + ENTER, "n"),
            Question("Would you like to save configuration", "n" + ENTER, "n"),
        ],
    )
    created = terminal.check(the_run(f"{A}/run_unattended.sh"), update=update_outputs)
    run_id = re.search(r"UUID: ([0-9a-f-]{36})", created.output).group(1)

    # Scheduled for now, nobody picks it up: the server marks it Late once it is
    # more than 15 seconds overdue (PREFECT_SERVER_SERVICES_LATE_RUNS_AFTER_SECONDS).
    late = api.eventually(
        lambda: (run := api.flow_run(run_id)).state.name == "Late" and run,
        timeout=90,
        what="the unattended run turning Late",
    )
    assert late.state.type.value == "SCHEDULED"
    shown = terminal.check(the_run(f"{A}/run_state.sh"), update=update_outputs)
    assert shown.output.strip() == "Late (a SCHEDULED state)"
