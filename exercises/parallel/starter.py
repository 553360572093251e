import time

from prefect import flow, task

PHOTOS = ["beach.jpg", "cat.jpg", "dog.jpg", "forest.jpg", "lake.jpg", "snow.jpg"]


@task
def make_thumbnail(photo: str) -> str:
    time.sleep(1)  # stands for the real work: reading, resizing, writing
    return photo.replace(".jpg", "_small.jpg")


@flow
def thumbnails(photos: list[str]) -> list[str]:
    made = [make_thumbnail(photo) for photo in photos]
    print(f"{len(made)} thumbnails: {', '.join(made)}")
    return made


if __name__ == "__main__":
    thumbnails(PHOTOS)
