import math
import time

from prefect import flow, task


@task(timeout_seconds=1)
def wait_for_export(seconds: float) -> None:
    time.sleep(seconds)  # a call that blocks: a slow query, a stuck download


@flow
def exports() -> None:
    started = time.monotonic()
    state = wait_for_export(5, return_state=True)
    elapsed = math.floor(time.monotonic() - started)
    print(f"called directly: {state.name} after {elapsed} s")
    #> called directly: TimedOut after 1 s

    started = time.monotonic()
    future = wait_for_export.submit(5)  # runs in a worker thread
    future.wait()
    elapsed = math.floor(time.monotonic() - started)
    print(f"submitted: {future.state.name} after {elapsed} s")
    #> submitted: TimedOut after 5 s


if __name__ == "__main__":
    exports()
    #> called directly: TimedOut after 1 s
    #> submitted: TimedOut after 5 s
