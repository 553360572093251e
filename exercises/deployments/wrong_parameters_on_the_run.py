from pathlib import Path

from prefect import flow
from prefect.deployments import run_deployment

TEXT = "Prefect turns Python functions into flows"


@flow(name="word-count", log_prints=True)
def count_words(text: str = TEXT, min_length: int = 1) -> int:
    words = [word for word in text.split() if len(word) >= min_length]
    print(f"{len(words)} words of at least {min_length} letters")
    return len(words)


if __name__ == "__main__":
    flow.from_source(
        source=str(Path(__file__).parent),
        entrypoint="long_words.py:count_words",
    ).deploy(
        name="long-words",
        work_pool_name="my-pool",
    )
    flow_run = run_deployment(
        "word-count/long-words", parameters={"min_length": 7}, timeout=120
    )
    print(f"The run ended {flow_run.state.name}")
