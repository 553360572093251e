"""The tasks page's claims about a task called outside any flow: which of its log
lines reach the server, checked through the API."""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import get_client
from prefect.client.schemas.filters import (
    LogFilter,
    LogFilterTaskRunId,
    TaskRunFilter,
    TaskRunFilterName,
    TaskRunFilterStartTime,
)
from prefect.client.schemas.sorting import LogSort, TaskRunSort

from harness import prefect_api as api
from harness.commands import REPO, RUNS_BY_COMMAND, Terminal

T = "snippets/tasks"


def task_runs(name: str, started_after: datetime):
    with get_client(sync_client=True) as client:
        return client.read_task_runs(
            task_run_filter=TaskRunFilter(
                name=TaskRunFilterName(any_=[name]),
                start_time=TaskRunFilterStartTime(after_=started_after),
            ),
            sort=TaskRunSort.EXPECTED_START_TIME_DESC,
            limit=1,
        )


def task_run_log_messages(task_run_id) -> list[str]:
    with get_client(sync_client=True) as client:
        logs = client.read_logs(
            log_filter=LogFilter(task_run_id=LogFilterTaskRunId(any_=[task_run_id])),
            sort=LogSort.TIMESTAMP_ASC,
        )
    return [log.message for log in logs]


def test_a_task_outside_a_flow_sends_its_own_log_lines_not_the_last(
    prefect_server, update_outputs: bool
) -> None:
    terminal = Terminal(
        cwd=REPO / T, home=prefect_server.home, api_url=prefect_server.api_url
    )
    (run,) = RUNS_BY_COMMAND[f"{T}/run_task_without_flow.sh"]
    started = datetime.now(UTC)
    result = terminal.check(run, update=update_outputs)
    # The warning is about one line: the last, logged once the task run is over.
    assert result.output.count("UserWarning") == 1, result.output
    finished = "Task run 'add' - Finished in state Completed()"
    assert result.output.index("UserWarning") < result.output.index(finished)

    # Outside a flow, the task run is named after the task alone; the server records
    # it from the events the process sent.
    (task_run,) = api.eventually(
        lambda: task_runs("add", started), timeout=30, what="the task run 'add'"
    )
    assert task_run.flow_run_id is None
    # The line the task logged while it ran is on the server, under the task run;
    # the closing line is not.
    messages = api.eventually(
        lambda: (
            "Adding 1 and 2" in (found := task_run_log_messages(task_run.id)) and found
        ),
        timeout=30,
        what="the task run's log line",
    )
    assert not any(m.startswith("Finished in state") for m in messages), messages
