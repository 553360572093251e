from prefect import flow, get_run_logger, tags, task
from prefect.runtime import flow_run, task_run

ORDERS = {"eu": [12, 30, 7], "us": [45, 3]}


@task(task_run_name="fetch-{region}", tags=["orders-db"])
def fetch_orders(region: str) -> list[int]:
    get_run_logger().info("Tags: %s", sorted(task_run.tags))
    return ORDERS[region]


@flow(flow_run_name="report-{region}")
def region_report(region: str) -> int:
    get_run_logger().info("Tags: %s", sorted(flow_run.tags))
    return sum(fetch_orders(region))


# A copy of the task with other options; fetch_orders itself is unchanged.
fetch_patiently = fetch_orders.with_options(
    task_run_name="refetch-{region}", retries=2, retry_delay_seconds=1
)


@flow
def sales_report() -> dict[str, int]:
    with tags("nightly"):
        eu = region_report("eu")
    us = sum(fetch_patiently("us"))
    return {"eu": eu, "us": us}


if __name__ == "__main__":
    print(sales_report())
    #> {'eu': 49, 'us': 48}
