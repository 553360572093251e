import sys

from prefect import get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
from prefect.client.schemas.sorting import FlowRunSort


def history(deployment_name: str) -> list[str]:
    """The states of the newest run of a deployment, oldest first."""
    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(deployment_name)
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(
                id=DeploymentFilterId(any_=[deployment.id])
            ),
            sort=FlowRunSort.START_TIME_DESC,
            limit=1,
        )
        if not runs:
            return [f"{deployment_name} has no flow runs"]
        states = client.read_flow_run_states(runs[0].id)
    return [
        f"{state.timestamp:%H:%M:%S.%f}"[:-3]
        + f" {state.name}"
        + (f": {state.message}" if state.message else "")
        for state in states
    ]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python run_history.py FLOW-NAME/DEPLOYMENT-NAME")
    print("\n".join(history(sys.argv[1])))
