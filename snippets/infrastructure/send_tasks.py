import sys

from background_tasks import count_words

texts = ["Prefect runs this elsewhere", "one two three", "hello"]

# .delay() returns at once: the task run waits on the server for a task worker.
futures = [count_words.delay(text) for text in texts]

for text, future in zip(texts, futures, strict=True):
    try:
        # Always give a timeout: without one, a missed completion event can make
        # .result() wait for good.
        words = future.result(timeout=20)
    except TimeoutError:
        sys.exit(
            "No task worker ran count_words within 20 s. Start one with:\n"
            "    uv run prefect task serve background_tasks.py:count_words"
        )
    print(f"{text!r}: {words} words")
