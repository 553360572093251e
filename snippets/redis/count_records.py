"""What the server recorded of the last run of the flow `burst`."""

import sys
import time

from prefect import get_client
from prefect.client.schemas.filters import FlowFilter, FlowFilterName, FlowRunFilter
from prefect.client.schemas.sorting import FlowRunSort
from prefect.events.filters import EventAnyResourceFilter, EventFilter
from prefect.settings import get_current_settings

QUIET_FOR = 5  # seconds without anything new: the server has recorded all it will


def count(client, run) -> tuple[int, int]:
    """The task runs and the events the server has stored for `run` so far."""
    task_runs = []
    while page := client.read_task_runs(
        flow_run_filter=FlowRunFilter(id={"any_": [run.id]}),
        offset=len(task_runs),
        limit=200,  # the most the server returns at once
    ):
        task_runs += page
    events = client.read_events(
        filter=EventFilter(
            any_resource=EventAnyResourceFilter(id=[f"prefect.flow-run.{run.id}"])
        ),
        limit=50,  # one page: its `total` counts them all
    )
    return len(task_runs), events.total


def main() -> None:
    with get_client(sync_client=True) as client:
        if client.api_healthcheck() is not None:
            sys.exit(f"No Prefect server answers at {get_current_settings().api.url}.")
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["burst"])),
            sort=FlowRunSort.START_TIME_DESC,
            limit=1,
        )
        if not runs:
            sys.exit("This server has no run of the flow `burst`: run burst.py first.")
        (run,) = runs
        # The server stores task runs and events after they happen, in the
        # background: count until the numbers stop changing.
        counted, last_change = None, time.monotonic()
        while time.monotonic() - last_change < QUIET_FOR:
            now = count(client, run)
            if now != counted:
                counted, last_change = now, time.monotonic()
            time.sleep(0.5)
    task_runs, events = counted
    print(f"The last run of burst: {run.state_name}")
    print(f"Task runs recorded: {task_runs} of {run.parameters['count']}")
    print(f"Events recorded: {events}")


if __name__ == "__main__":
    main()
