from prefect import flow


@flow(
    name="word-count",
    flow_run_name="words-at-least-{min_length}",
)
def count_words(text: str, min_length: int = 1) -> int:
    words = [word for word in text.split() if len(word) >= min_length]
    print(f"{len(words)} words of at least {min_length} letters")
    return len(words)


if __name__ == "__main__":
    count_words("Prefect turns Python functions into flows", min_length=6)
