from pathlib import Path

from prefect import flow

if __name__ == "__main__":
    # The code stays where it is: workers of "my-pool" load hello_flow.py from this
    # folder, as with `prefect deploy`.
    flow.from_source(
        source=str(Path(__file__).parent),
        entrypoint="hello_flow.py:hello_flow",
    ).deploy(
        name="hello-from-python",
        work_pool_name="my-pool",
    )
