import sys

from prefect import get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
from prefect.client.schemas.sorting import FlowRunSort


def last_run(deployment_name: str) -> str:
    """The newest flow run of a deployment: its name, state and the state's message."""
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
    run = runs[0]
    return f"Flow run '{run.name}': {run.state.name}\n{run.state.message}"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python last_run.py FLOW-NAME/DEPLOYMENT-NAME")
    print(last_run(sys.argv[1]))
