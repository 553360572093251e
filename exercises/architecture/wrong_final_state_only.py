from prefect.deployments import run_deployment

# Wait for the run to end: up to a minute, time enough for a worker to take it.
run = run_deployment("hello-flow/hello-deployment", timeout=60)
print(f"{run.state.name} ({run.state.type.value})")
