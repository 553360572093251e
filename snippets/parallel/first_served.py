import time

from prefect import flow, task
from prefect.futures import as_completed


@task
def fetch(source: str, seconds: float) -> str:
    time.sleep(seconds)
    return f"{source}, after {seconds} s"


@flow
def first_come_first_served() -> None:
    futures = [
        fetch.submit(source, seconds)
        for source, seconds in [("slow", 1.5), ("fast", 0.1), ("medium", 0.8)]
    ]
    for future in as_completed(futures):
        print(future.result())
        #> fast, after 0.1 s
        #> medium, after 0.8 s
        #> slow, after 1.5 s


if __name__ == "__main__":
    first_come_first_served()
