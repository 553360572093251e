import sys

from prefect import get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.client.schemas.sorting import FlowRunSort


def upcoming_runs(deployment_name: str, limit: int = 5) -> None:
    """Print when the next scheduled runs of a deployment will start."""
    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(deployment_name)
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(
                id=DeploymentFilterId(any_=[deployment.id])
            ),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(
                    type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])
                )
            ),
            sort=FlowRunSort.EXPECTED_START_TIME_ASC,
            limit=limit,
        )
    if not runs:
        # The server schedules a new or changed deployment's runs within seconds.
        print(f"No scheduled runs of {deployment_name} yet: try again in a few seconds")
    for run in runs:
        print(f"{run.expected_start_time:%Y-%m-%d %H:%M:%S %Z}  flow run {run.name!r}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python upcoming_runs.py FLOW-NAME/DEPLOYMENT-NAME")
    upcoming_runs(sys.argv[1])
