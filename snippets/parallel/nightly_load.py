from prefect import flow, task
from prefect.futures import wait
from prefect.utilities.annotations import allow_failure


@task
def create_table() -> None: ...


@task
def load_rows() -> int:
    raise ConnectionError("the source is down")


@task
def clean_up() -> str:
    return "temporary files removed"


@task
def summarize() -> str:
    return "100 rows loaded"


@flow
def nightly_load() -> None:
    table = create_table.submit()
    rows = load_rows.submit(wait_for=[table])
    cleanup = clean_up.submit(wait_for=[allow_failure(rows)])
    summary = summarize.submit(wait_for=[rows])
    wait([cleanup, summary])
    for name, future in [
        ("load_rows", rows),
        ("clean_up", cleanup),
        ("summarize", summary),
    ]:
        print(f"{name}: {future.state.name}")
        #> load_rows: Failed
        #> clean_up: Completed
        #> summarize: NotReady


if __name__ == "__main__":
    nightly_load()
