from prefect import flow, task
from prefect.cache_policies import INPUTS


# A past day's prices do not change: fetch them once. The cache key is the day;
# the source is left out of it.
@task(retries=2, cache_policy=INPUTS - "source")
def fetch_prices(day: str, source) -> list[float]:
    return source(day)


@task
def average(prices: list[float]) -> float:
    if not prices:
        raise ValueError("no prices to average")
    return round(sum(prices) / len(prices), 2)


# A report that takes more than a minute is stuck: stop it.
@flow(timeout_seconds=60)
def price_report(day: str, source) -> float:
    return average(fetch_prices(day, source))
