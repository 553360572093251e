from pathlib import Path

from prefect import flow

if __name__ == "__main__":
    flow.from_source(
        source=str(Path(__file__).parent),
        entrypoint="hello_flow.py:hello_flow",
    ).deploy(
        name="nightly",
        work_pool_name="shared-pool",
        cron="0 3 * * *",  # every night at 03:00
        ignore_warnings=True,  # the advice to use .serve() for local work
    )
