import sys
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import INPUTS, TASK_SOURCE

DOWNLOADS = Path("downloads.log")


# The cache key: the task's inputs and its source code. Change either and the
# task runs again; keep both and it returns the result it stored the first time.
@task(cache_policy=INPUTS + TASK_SOURCE)
def download_report(day: str) -> str:
    with DOWNLOADS.open("a") as log:  # the slow part, and a trace that it ran
        print(f"downloaded the report of {day}", file=log)
    return f"report of {day}"


@flow
def reports(day: str = "2026-11-24") -> str:
    return download_report(day)


if __name__ == "__main__":
    print(reports(*sys.argv[1:]))  # python caching.py [DAY]
    print(f"downloads.log: {len(DOWNLOADS.read_text().splitlines())} line(s)")
