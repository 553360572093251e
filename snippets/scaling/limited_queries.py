import time

from prefect import flow, task
from prefect.concurrency.sync import concurrency


@task
def query(table: str) -> tuple[float, float]:
    # One slot of the global limit "database" for as long as the query runs.
    # strict=True: fail if no such limit exists, instead of running unlimited.
    with concurrency("database", occupy=1, strict=True):
        start = time.monotonic()
        time.sleep(1)  # the query
        return start, time.monotonic()


@flow
def nightly_queries() -> None:
    tables = ["users", "orders", "items", "prices", "stock", "reviews"]
    spans = query.map(tables).result()
    # the most queries running at the same moment
    most = max(sum(s <= t < e for s, e in spans) for t, _ in spans)
    print(f"{len(tables)} queries, at most {most} at a time")


if __name__ == "__main__":
    nightly_queries()
