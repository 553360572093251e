import time

from prefect import flow, task


@task(tags=["warehouse"])
def load(table: str) -> tuple[float, float]:
    start = time.monotonic()
    time.sleep(1)  # the load
    return start, time.monotonic()


@flow
def load_warehouse() -> None:
    tables = ["orders", "customers", "products", "stock", "prices"]
    spans = load.map(tables).result()
    # the most loads running at the same moment
    most = max(sum(s <= t < e for s, e in spans) for t, _ in spans)
    print(f"{len(tables)} loads, at most {most} at a time")


if __name__ == "__main__":
    load_warehouse()
