"""The tasks page's claims about a task called outside any flow: which of its log
lines reach the server, checked through the API."""

from __future__ import annotations

from datetime import UTC, datetime

from harness import REPO
from harness import prefect_api as api
from harness.terminal import Run, Terminal
from harness.waiting import wait_until

T = "snippets/tasks"


def test_a_task_outside_a_flow_sends_its_own_log_lines_not_the_last(
    prefect_server, update_outputs: bool
) -> None:
    terminal = Terminal(
        cwd=REPO / T, home=prefect_server.home, api_url=prefect_server.api_url
    )
    run = Run.of(f"{T}/run_task_without_flow.sh")
    started = datetime.now(UTC)
    result = terminal.check(run, update=update_outputs)
    # The warning is about one line: the last, logged once the task run is over.
    assert result.output.count("UserWarning") == 1, result.output
    finished = "Task run 'add' - Finished in state Completed()"
    assert result.output.index("UserWarning") < result.output.index(finished)

    # Outside a flow, the task run is named after the task alone; the server records
    # it from the events the process sent.
    (task_run,) = wait_until(
        # the latest, as the command made only one
        lambda: api.task_runs("add", started_after=started, outside_flows=True)[-1:],
        timeout=30,
        what="the task run 'add'",
    )
    assert task_run.flow_run_id is None
    # The line the task logged while it ran is on the server, under the task run;
    # the closing line is not.
    messages = wait_until(
        lambda: (
            "Adding 1 and 2" in (found := api.task_run_log_messages(task_run.id))
            and found
        ),
        timeout=30,
        what="the task run's log line",
    )
    assert not any(m.startswith("Finished in state") for m in messages), messages
