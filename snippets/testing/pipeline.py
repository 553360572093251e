from prefect import flow, task


@task(retries=2)
def fetch_prices(source) -> list[float]:
    return source()


@task
def average(prices: list[float]) -> float:
    if not prices:
        raise ValueError("no prices to average")
    return round(sum(prices) / len(prices), 2)


@flow
def price_report(source) -> float:
    return average(fetch_prices(source))
