from prefect import get_client
from prefect.deployments import run_deployment

# Wait for the run to end: up to a minute, time enough for a worker to take it.
run = run_deployment("hello-flow/hello-deployment", timeout=60)
with get_client(sync_client=True) as client:
    states = client.read_flow_run_states(run.id)  # the oldest first
for state in states:
    print(state.type.value)
