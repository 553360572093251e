# The exercise of "Deployments": deploy count_words as the deployment long-words of
# the work pool my-pool, with min_length=7 as its default, then start a run of it from
# this script and wait for a worker to run it.
# Then check it: uv run python check_deployments.py
from prefect import flow

TEXT = "Prefect turns Python functions into flows"


@flow(name="word-count", log_prints=True)
def count_words(text: str = TEXT, min_length: int = 1) -> int:
    words = [word for word in text.split() if len(word) >= min_length]
    print(f"{len(words)} words of at least {min_length} letters")
    return len(words)


if __name__ == "__main__":
    count_words(min_length=7)
