from prefect import flow, get_run_logger, task

ORDERS = {"eu": [12, 30, 7], "us": [45, 3]}


@task(task_run_name="fetch-{region}")
def fetch_orders(region: str) -> list[int]:
    orders = ORDERS[region]
    get_run_logger().info("Fetched %d orders", len(orders))
    return orders


@flow
def region_report(region: str) -> int:
    total = sum(fetch_orders(region))
    get_run_logger().info("Total for %s: %d", region, total)
    return total


@flow
def sales_report(regions: list[str]) -> dict[str, int]:
    logger = get_run_logger()
    totals = {}
    for region in regions:
        state = region_report(region, return_state=True)
        if state.is_failed():
            logger.warning("No report for %s: %s", region, state.message)
            continue
        totals[region] = state.result()
    return totals


if __name__ == "__main__":
    print(sales_report(["eu", "mars"]))
    #> {'eu': 49}
