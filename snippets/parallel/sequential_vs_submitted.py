import time

from prefect import flow, task


@task
def nap() -> None:
    time.sleep(0.5)


@flow
def sequential() -> float:
    start = time.perf_counter()
    for _ in range(4):
        nap()
    return time.perf_counter() - start


@flow
def submitted() -> float:
    start = time.perf_counter()
    futures = [nap.submit() for _ in range(4)]
    for future in futures:
        future.result()
    return time.perf_counter() - start


if __name__ == "__main__":
    one_after_another = sequential()
    all_at_once = submitted()
    speedup = one_after_another / all_at_once
    print(f"4 naps of 0.5 s: submitted is more than twice as fast: {speedup > 2}")
    #> 4 naps of 0.5 s: submitted is more than twice as fast: True
