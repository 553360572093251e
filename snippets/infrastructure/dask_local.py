from prefect import flow, task
from prefect_dask import DaskTaskRunner


@task
def square(x: int) -> int:
    return x * x


# A temporary Dask cluster on this machine: two worker processes, started with the
# flow run and stopped at its end.
@flow(task_runner=DaskTaskRunner(cluster_kwargs={"n_workers": 2}))
def squares(numbers: list[int]) -> list[int]:
    return square.map(numbers).result()


if __name__ == "__main__":
    print(squares([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))
    #> [1, 4, 9, 16, 25, 36, 49, 64, 81, 100]
