import threading
import time

from prefect import flow, task
from prefect.task_runners import ThreadPoolTaskRunner

running = 0
most_at_once = 0
lock = threading.Lock()


@task
def download(page: int) -> int:
    global running, most_at_once
    with lock:
        running += 1
        most_at_once = max(most_at_once, running)
    time.sleep(0.3)
    with lock:
        running -= 1
    return page


@flow(task_runner=ThreadPoolTaskRunner(max_workers=2))
def download_all():
    pages = download.map(range(6)).result()
    print(f"{len(pages)} pages, at most {most_at_once} downloads at once")
    #> 6 pages, at most 2 downloads at once


if __name__ == "__main__":
    download_all()
