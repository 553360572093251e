import time

from prefect import flow, task

slept = []  # how long each call to block() lasted, in seconds


def block(seconds: float) -> None:
    """A call that blocks: a slow query, a stuck download."""
    started = time.monotonic()
    try:
        time.sleep(seconds)
    finally:
        slept.append(time.monotonic() - started)


@task(timeout_seconds=1)
def wait_for_export(seconds: float) -> None:
    block(seconds)


@flow
def exports() -> None:
    state = wait_for_export(5, return_state=True)
    print(f"called directly: {state.name}, cut short: {slept[-1] < 5}")
    #> called directly: TimedOut, cut short: True

    future = wait_for_export.submit(5)  # runs in a worker thread
    future.wait()
    print(f"submitted: {future.state.name}, cut short: {slept[-1] < 5}")
    #> submitted: TimedOut, cut short: False


@flow(timeout_seconds=1)  # a limit for the whole flow run
def nightly_export() -> None:
    block(5)


if __name__ == "__main__":
    exports()
    #> called directly: TimedOut, cut short: True
    #> submitted: TimedOut, cut short: False

    state = nightly_export(return_state=True)
    print(f"the flow run: {state.name}, cut short: {slept[-1] < 5}")
    #> the flow run: TimedOut, cut short: True
