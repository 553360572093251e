from prefect.deployments import run_deployment

# timeout=0: ask for a run, and return at once without waiting for it.
run = run_deployment("hello-flow/hello-deployment", timeout=0)
print(f"{run.state.name} ({run.state.type.value})")
