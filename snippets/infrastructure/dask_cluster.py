import sys

from prefect import flow, task
from prefect_dask import DaskTaskRunner


@task
def square(x: int) -> int:
    return x * x


# A Dask cluster that is already running: its scheduler's address.
@flow(task_runner=DaskTaskRunner(address="tcp://127.0.0.1:8786"))
def squares(numbers: list[int]) -> list[int]:
    return square.map(numbers).result()


if __name__ == "__main__":
    try:
        print(squares([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))
    except OSError as error:  # no Dask scheduler answered at the address
        sys.exit(f"No Dask cluster to run on: {error}")
