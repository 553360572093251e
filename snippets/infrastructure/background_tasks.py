from prefect import task


@task
def count_words(text: str) -> int:
    """Runs on a task worker: any process that serves this task."""
    return len(text.split())
