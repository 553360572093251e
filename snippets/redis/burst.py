from prefect import flow, task


@task
def double(number: int) -> int:
    return number * 2


@flow
def burst(count: int) -> int:
    """Run `count` small task runs at once: each one is three events for the server."""
    return len(double.map(range(count)).result())


if __name__ == "__main__":
    ran = burst(count=300)
    print(f"The flow ran {ran} task runs")
