from background_tasks import count_words
from prefect.task_worker import serve

if __name__ == "__main__":
    # The same as `prefect task serve background_tasks.py:count_words`, from Python;
    # limit: at most 10 runs of the served tasks at a time in this process.
    serve(count_words, limit=10)
