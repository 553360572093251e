# The exercise of "Scheduling": give the deployment hello-flow/quarterly one schedule,
# 06:30 in Paris on the first Monday of January, April, July and October.
# Then check it: uv run python check_scheduling.py
from pathlib import Path

from prefect import flow

if __name__ == "__main__":
    flow.from_source(
        source=str(Path(__file__).parent),
        entrypoint="hello_flow.py:hello_flow",
    ).deploy(
        name="quarterly",
        work_pool_name="my-pool",
        ignore_warnings=True,
    )
