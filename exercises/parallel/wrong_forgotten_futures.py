import time

from prefect import flow, task
from prefect.task_runners import ThreadPoolTaskRunner

PHOTOS = ["beach.jpg", "cat.jpg", "dog.jpg", "forest.jpg", "lake.jpg", "snow.jpg"]


@task
def make_thumbnail(photo: str) -> str:
    time.sleep(1)  # stands for the real work: reading, resizing, writing
    return photo.replace(".jpg", "_small.jpg")


@flow(task_runner=ThreadPoolTaskRunner(max_workers=3))
def thumbnails(photos: list[str]) -> None:
    for photo in photos:
        make_thumbnail.submit(photo)  # the pool runs them, 3 at a time
    print(f"{len(photos)} thumbnails on their way")


if __name__ == "__main__":
    thumbnails(PHOTOS)
