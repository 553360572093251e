import time

from prefect import flow


@flow(log_prints=True)
def slow_count(to: int = 60) -> int:
    """Counts to `to`, one number a second: a long job to break."""
    for number in range(1, to + 1):
        print(number)
        time.sleep(1)
    return to
