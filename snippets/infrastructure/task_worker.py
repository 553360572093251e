import asyncio

from background_tasks import count_words
from prefect.task_worker import aserve

if __name__ == "__main__":
    # The same as `prefect task serve background_tasks.py:count_words`, from Python;
    # limit: at most 10 runs of the served tasks at a time in this process.
    # Run in an event loop of its own, Ctrl-C stops it as it stops the command.
    asyncio.run(aserve(count_words, limit=10))
