from prefect.client.orchestration import get_client
from prefect.client.schemas.sorting import FlowRunSort

with get_client(sync_client=True) as client:
    runs = client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=3)

for run in runs:
    print(f"{run.name}: {run.state_name}")
