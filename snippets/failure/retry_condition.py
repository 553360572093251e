from prefect import flow, task
from prefect.client.schemas.objects import State, TaskRun
from prefect.tasks import Task

calls = {"rate limited": 0, "not found": 0}


class HTTPError(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


def worth_retrying(task: Task, task_run: TaskRun, state: State) -> bool:
    """Retry what may pass on a second try: a rate limit, a server error."""
    try:
        state.result()
    except HTTPError as error:
        return error.status == 429 or error.status >= 500
    return False


@task(retries=3, retry_delay_seconds=0.5, retry_condition_fn=worth_retrying)
def download(path: str) -> str:
    calls[path] += 1
    if path == "not found":
        raise HTTPError(404)
    if calls[path] == 1:
        raise HTTPError(429)
    return f"contents of {path}"


@flow
def downloads() -> None:
    for path in calls:
        state = download(path, return_state=True)
        print(f"{path}: {state.name} after {calls[path]} call(s)")
        #> rate limited: Completed after 2 call(s)
        #> not found: Failed after 1 call(s)


if __name__ == "__main__":
    downloads()
