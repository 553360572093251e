import os
from pathlib import Path

from prefect import flow
from prefect.deployments import run_deployment


@flow(log_prints=True)
def greet(name: str = "world") -> None:
    greeting = os.environ.get("GREETING", "Hello")
    print(f"{greeting}, {name}!")


if __name__ == "__main__":
    flow.from_source(
        source=str(Path(__file__).parent),
        entrypoint="bonjour.py:greet",
    ).deploy(
        name="in-french",
        work_pool_name="my-pool",
        job_variables={"env": {"GREETING": "Bonjour"}},
    )
    flow_run = run_deployment("greet/in-french", timeout=120)
    print(f"The run ended {flow_run.state.name}")
