# The exercise of "Your first flow": make count_words a flow named word-count whose
# runs are named words-at-least-<min_length>, and whose print reaches the run's logs.
# Then check it: uv run python check_flows.py


def count_words(text: str, min_length: int = 1) -> int:
    words = [word for word in text.split() if len(word) >= min_length]
    print(f"{len(words)} words of at least {min_length} letters")
    return len(words)


if __name__ == "__main__":
    count_words("Prefect turns Python functions into flows", min_length=6)
