import sys

from prefect import get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
from prefect.client.schemas.sorting import FlowRunSort


def latest_run_state(deployment_name: str) -> str:
    """The state of the newest flow run of a deployment, and its type."""
    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(deployment_name)
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(
                id=DeploymentFilterId(any_=[deployment.id])
            ),
            sort=FlowRunSort.EXPECTED_START_TIME_DESC,
            limit=1,
        )
    if not runs:
        return f"{deployment_name} has no flow runs"
    state = runs[0].state
    return f"{state.name} (a {state.type.value} state)"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python run_state.py FLOW-NAME/DEPLOYMENT-NAME")
    print(latest_run_state(sys.argv[1]))
