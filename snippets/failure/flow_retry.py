from prefect import flow, task

calls = {"extract": 0, "load": 0}


# persist_result=True keeps the result where a retry of the flow run finds it
@task(persist_result=True)
def extract() -> list[int]:
    calls["extract"] += 1
    return [3, 1, 2]


@task
def load(rows: list[int]) -> int:
    calls["load"] += 1
    if calls["load"] == 1:
        raise ConnectionError("the warehouse hung up")
    return len(rows)


@flow(retries=1, retry_delay_seconds=2)
def nightly_etl() -> int:
    rows = extract()
    return load(rows)


if __name__ == "__main__":
    loaded = nightly_etl()
    print(f"loaded {loaded} rows")
    #> loaded 3 rows
    print(f"extract ran {calls['extract']} time, load {calls['load']} times")
    #> extract ran 1 time, load 2 times
