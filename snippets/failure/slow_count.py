import time

from prefect import flow


@flow(log_prints=True)
def slow_count(to: int = 60, quiet: bool = False) -> int:
    """Counts to `to`, one number a second: a long job to break.

    Prints each number, unless `quiet`."""
    for number in range(1, to + 1):
        if not quiet:
            print(number)
        time.sleep(1)
    return to
