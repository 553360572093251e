"""What the tests ask the session's Prefect server, through Prefect's own client.

Assertions about runs, schedules and logs go through the API, never through the CLI's
tables (which truncate their columns).
"""

from __future__ import annotations

import contextlib
from datetime import datetime
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
from prefect.client.schemas.objects import (  # noqa: F401 (StateType re-exported)
    FlowRun,
    StateType,
    TaskRun,
)
from prefect.client.schemas.sorting import FlowRunSort, LogSort

from harness.waiting import wait_until


def client(api_url: str | None = None, *, auth_string: str | None = None):
    """A synchronous Prefect client (a context manager): for the server the
    environment names (the session's), or for the one at `api_url`."""
    if api_url is None:
        return get_client(sync_client=True)
    from prefect.client.orchestration import SyncPrefectClient

    return SyncPrefectClient(api_url, auth_string=auth_string)


def client_at(port: int, *, auth_string: str | None = None):
    """A client for the server that answers on 127.0.0.1:`port` (a bridge's port,
    for a server in a private network)."""
    return client(f"http://127.0.0.1:{port}/api", auth_string=auth_string)


def deployment(name: str):
    with client() as server:
        return server.read_deployment_by_name(name)


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
    with client() as server:
        found = server.read_deployment_by_name(deployment_name)
        return server.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[found.id])),
            flow_run_filter=state_filter,
            sort=FlowRunSort.EXPECTED_START_TIME_ASC,
            limit=limit,
        )


def flow_run(run_id: UUID | str) -> FlowRun:
    with client() as server:
        return server.read_flow_run(UUID(str(run_id)))


def wait_for_final_state(run_id: UUID | str, timeout: float = 90) -> FlowRun:
    return wait_until(
        lambda: (run := flow_run(run_id)).state and run.state.is_final() and run,
        timeout=timeout,
        what=f"flow run {run_id} reaching a final state",
    )


def log_messages(run_id: UUID | str, server=None) -> list[str]:
    """A flow run's log lines, oldest first, from the session's server (or through
    `server`, an open client)."""
    log_filter = LogFilter(flow_run_id=LogFilterFlowRunId(any_=[UUID(str(run_id))]))
    with contextlib.nullcontext(server) if server else client() as server:
        logs = server.read_logs(log_filter=log_filter, sort=LogSort.TIMESTAMP_ASC)
    return [log.message for log in logs]


def work_pool_names() -> list[str]:
    with client() as server:
        return [pool.name for pool in server.read_work_pools()]


def work_pool(name: str):
    with client() as server:
        return server.read_work_pool(name)


def wait_for_log(
    run_id: UUID | str, message: str, timeout: float = 30, server=None
) -> list[str]:
    """A flow run's log lines reach the server in batches, after its state may have."""
    return wait_until(
        lambda: message in (messages := log_messages(run_id, server)) and messages,
        timeout=timeout,
        what=f"the log line {message!r} of flow run {run_id}",
    )


def wait_until_polled(deployment_name: str, timeout: float = 60):
    """A served deployment once its `serve` process has started asking for work."""
    return wait_until(
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


def task_runs(
    task_name: str,
    *,
    flow_run_id: UUID | str | None = None,
    started_after: datetime | None = None,
    outside_flows: bool = False,
    api_url: str | None = None,
) -> list[TaskRun]:
    """Runs of the task called `task_name`, oldest first (the latest 200): of one
    flow run, if given; started after `started_after`, if given; only those run
    outside any flow (named after the task alone), if `outside_flows`; on the server
    at `api_url`, if given (else the session's)."""
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterId,
        TaskRunFilter,
        TaskRunFilterName,
        TaskRunFilterStartTime,
    )
    from prefect.client.schemas.sorting import TaskRunSort

    runs_of_flow = (
        FlowRunFilter(id=FlowRunFilterId(any_=[UUID(str(flow_run_id))]))
        if flow_run_id
        else None
    )
    started = TaskRunFilterStartTime(after_=started_after) if started_after else None
    with client(api_url) as server:
        runs = server.read_task_runs(
            flow_run_filter=runs_of_flow,
            task_run_filter=TaskRunFilter(
                name=TaskRunFilterName(like_=task_name), start_time=started
            ),
            sort=TaskRunSort.EXPECTED_START_TIME_DESC,
            limit=200,
        )
    # a task's runs are named after it, alone or with a suffix: count_words, square-3ab
    return [
        run
        for run in reversed(runs)
        if run.name == task_name
        or (not outside_flows and run.name.startswith(f"{task_name}-"))
    ]


def task_run_log_messages(*task_run_ids: UUID | str) -> list[str]:
    """The log lines the session's server holds of these task runs, oldest first."""
    from prefect.client.schemas.filters import LogFilterTaskRunId

    ids = [UUID(str(task_run_id)) for task_run_id in task_run_ids]
    with client() as server:
        logs = server.read_logs(
            log_filter=LogFilter(task_run_id=LogFilterTaskRunId(any_=ids)),
            sort=LogSort.TIMESTAMP_ASC,
        )
    return [log.message for log in logs]


def flow_runs_of(flow_name: str) -> list[FlowRun]:
    """Every run of the flow called `flow_name`, oldest first."""
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName
    from prefect.client.schemas.sorting import FlowRunSort as Sort

    with client() as server:
        return server.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])),
            sort=Sort.EXPECTED_START_TIME_ASC,
            limit=200,
        )


def task_run(run_id: UUID | str):
    with client() as server:
        return server.read_task_run(UUID(str(run_id)))


def deployment_refused(
    flow_name: str, pool: str, *, entrypoint: str, job_variables: dict
) -> str:
    """Ask the server for a deployment it must refuse; return its message."""
    from prefect.exceptions import PrefectHTTPStatusError

    with client() as server:
        flow_id = server.create_flow_from_name(flow_name)
        try:
            server.create_deployment(
                flow_id=flow_id,
                name="refused",
                work_pool_name=pool,
                entrypoint=entrypoint,
                job_variables=job_variables,
            )
        except PrefectHTTPStatusError as refused:
            return str(refused)
    raise AssertionError(f"the server accepted job variables {job_variables}")
