"""What the tests ask the session's Prefect server, through Prefect's own client.

Assertions about runs, schedules and logs go through the API, never through the CLI's
tables (which truncate their columns).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from uuid import UUID

from prefect import get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.client.schemas.objects import FlowRun, StateType  # noqa: F401 (re-exported)
from prefect.client.schemas.sorting import FlowRunSort, LogSort


def eventually[T](check: Callable[[], T | None], *, timeout: float, what: str) -> T:
    """Call `check` until it returns something truthy; fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.25)
    raise AssertionError(f"{what}: not within {timeout} s (last seen: {last!r})")


def deployment(name: str):
    with get_client(sync_client=True) as client:
        return client.read_deployment_by_name(name)


def flow_runs(
    deployment_name: str, *states: StateType, limit: int = 200
) -> list[FlowRun]:
    """The deployment's flow runs, earliest expected start first."""
    state_filter = (
        FlowRunFilter(
            state=FlowRunFilterState(type=FlowRunFilterStateType(any_=list(states)))
        )
        if states
        else None
    )
    with get_client(sync_client=True) as client:
        found = client.read_deployment_by_name(deployment_name)
        return client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[found.id])),
            flow_run_filter=state_filter,
            sort=FlowRunSort.EXPECTED_START_TIME_ASC,
            limit=limit,
        )


def flow_run(run_id: UUID | str) -> FlowRun:
    with get_client(sync_client=True) as client:
        return client.read_flow_run(UUID(str(run_id)))


def wait_for_final_state(run_id: UUID | str, timeout: float = 90) -> FlowRun:
    return eventually(
        lambda: (run := flow_run(run_id)).state and run.state.is_final() and run,
        timeout=timeout,
        what=f"flow run {run_id} reaching a final state",
    )


def log_messages(run_id: UUID | str) -> list[str]:
    with get_client(sync_client=True) as client:
        logs = client.read_logs(
            log_filter=LogFilter(
                flow_run_id=LogFilterFlowRunId(any_=[UUID(str(run_id))])
            ),
            sort=LogSort.TIMESTAMP_ASC,
        )
    return [log.message for log in logs]


def work_pool_names() -> list[str]:
    with get_client(sync_client=True) as client:
        return [pool.name for pool in client.read_work_pools()]


def work_pool(name: str):
    with get_client(sync_client=True) as client:
        return client.read_work_pool(name)


def wait_for_log(run_id: UUID | str, message: str, timeout: float = 30) -> list[str]:
    """A flow run's log lines reach the server in batches, after its state may have."""
    return eventually(
        lambda: message in (messages := log_messages(run_id)) and messages,
        timeout=timeout,
        what=f"the log line {message!r} of flow run {run_id}",
    )


def wait_until_polled(deployment_name: str, timeout: float = 60):
    """A served deployment once its `serve` process has started asking for work."""
    return eventually(
        lambda: (
            (found := deployment(deployment_name)).last_polled is not None and found
        ),
        timeout=timeout,
        what=f"the serve process of {deployment_name} polling the server",
    )


def assert_paused_as_reported(deployment_name: str, serve_output: str) -> bool:
    """Check what a stopped `serve` says about pausing its deployment.

    Stopped with Ctrl-C, `serve` tries to pause its deployment. The attempt can be cut
    short: under load we have seen "Pausing all deployments..." and nothing after, with
    the deployment left running, and also with it paused all the same (the process was
    interrupted between the request and its report). So the pages promise only this:
    when `serve` says the deployments have been paused, they are. Returns whether it
    said so.
    """
    assert "Pausing all deployments..." in serve_output, serve_output
    said_so = "All deployments have been paused!" in serve_output
    if said_so:
        assert deployment(deployment_name).paused, serve_output
    return said_so


def task_runs(task_name: str, *, flow_run_id: UUID | str | None = None) -> list:
    """Runs of the task called `task_name` (of one flow run, if given), oldest first."""
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterId,
        TaskRunFilter,
        TaskRunFilterName,
    )
    from prefect.client.schemas.sorting import TaskRunSort

    runs_of_flow = (
        FlowRunFilter(id=FlowRunFilterId(any_=[UUID(str(flow_run_id))]))
        if flow_run_id
        else None
    )
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=runs_of_flow,
            task_run_filter=TaskRunFilter(name=TaskRunFilterName(like_=task_name)),
            sort=TaskRunSort.EXPECTED_START_TIME_ASC,
            limit=200,
        )
    # a task's runs are named after it, alone or with a suffix: count_words, square-3ab
    return [
        run
        for run in runs
        if run.name == task_name or run.name.startswith(f"{task_name}-")
    ]


def flow_runs_of(flow_name: str) -> list[FlowRun]:
    """Every run of the flow called `flow_name`, oldest first."""
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName
    from prefect.client.schemas.sorting import FlowRunSort as Sort

    with get_client(sync_client=True) as client:
        return client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])),
            sort=Sort.EXPECTED_START_TIME_ASC,
            limit=200,
        )


def task_run(run_id: UUID | str):
    with get_client(sync_client=True) as client:
        return client.read_task_run(UUID(str(run_id)))


def deployment_refused(
    flow_name: str, pool: str, *, entrypoint: str, job_variables: dict
) -> str:
    """Ask the server for a deployment it must refuse; return its message."""
    from prefect.exceptions import PrefectHTTPStatusError

    with get_client(sync_client=True) as client:
        flow_id = client.create_flow_from_name(flow_name)
        try:
            client.create_deployment(
                flow_id=flow_id,
                name="refused",
                work_pool_name=pool,
                entrypoint=entrypoint,
                job_variables=job_variables,
            )
        except PrefectHTTPStatusError as refused:
            return str(refused)
    raise AssertionError(f"the server accepted job variables {job_variables}")
