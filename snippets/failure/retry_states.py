import time

from prefect import flow, get_client, task
from prefect.tasks import exponential_backoff

calls = 0


@task(
    retries=2,
    # wait 1 s before the first retry, 2 s before the second...
    retry_delay_seconds=exponential_backoff(backoff_factor=1),
    # ...up to 50% longer or somewhat shorter, so that failing runs do not retry in step
    retry_jitter_factor=0.5,
)
def fetch_rates() -> dict[str, float]:
    global calls
    calls += 1
    if calls < 3:
        raise ConnectionError(f"call {calls}: the rates service did not answer")
    return {"EUR": 1.08, "GBP": 1.27}


@flow
def update_rates():
    return fetch_rates(return_state=True)


def state_history(task_run_id) -> list[str]:
    """The states the server recorded for a task run, oldest first."""
    with get_client(sync_client=True) as client:
        # A task run reports its states as events: the server records them a
        # moment after they happen. Wait for the last one.
        for _ in range(100):
            states = client.read_task_run_states(task_run_id)
            if states and states[-1].is_final():
                break
            time.sleep(0.1)
    return [state.name for state in states]


if __name__ == "__main__":
    state = update_rates()
    print(f"fetch_rates ran {calls} times and ended {state.name}")
    #> fetch_rates ran 3 times and ended Completed
    print(", ".join(state_history(state.state_details.task_run_id)))
    #> Pending, Running, AwaitingRetry, Retrying, AwaitingRetry, Retrying, Completed
