from prefect import get_run_logger


def total(orders: list[int]) -> int:
    get_run_logger().info("Adding %d orders", len(orders))
    return sum(orders)


print(total([12, 30, 7]))
