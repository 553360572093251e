from prefect import flow, get_run_logger
from prefect.variables import Variable

ORDERS = {"eu": [12, 30, 7], "us": [45, 3]}


@flow
def regional_totals(regions: list[str] | None = None) -> dict[str, int]:
    if regions is None:
        # read when the run starts: the variable's value at that moment
        regions = Variable.get("report_regions", default=["eu"])
    get_run_logger().info("Regions: %s", regions)
    return {region: sum(ORDERS[region]) for region in regions}


if __name__ == "__main__":
    print(regional_totals())
