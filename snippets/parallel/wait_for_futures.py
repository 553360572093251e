import time

from prefect import flow, task
from prefect.futures import wait


@task
def nap(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


@flow
def naps():
    futures = [nap.submit(s) for s in (0.1, 0.2, 2)]
    done, not_done = wait(futures, timeout=1)
    print(f"done after 1 s: {len(done)}, still running: {len(not_done)}")
    #> done after 1 s: 2, still running: 1
    wait(not_done)
    print(sorted(future.result() for future in futures))
    #> [0.1, 0.2, 2]


if __name__ == "__main__":
    naps()
