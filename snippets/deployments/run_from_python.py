from prefect.deployments import run_deployment

if __name__ == "__main__":
    # Creates a flow run of the deployment and waits (up to 2 minutes) for it to end.
    flow_run = run_deployment(
        "greet/greet-deployment",
        parameters={"name": "Arthur"},
        timeout=120,
    )
    print(f"{flow_run.state.name}: {flow_run.parameters}")
