from collections import Counter

from prefect import flow
from prefect.artifacts import create_table_artifact

TEXTS = {
    "monday": "Prefect keeps every version of an artifact under its key",
    "tuesday": "A key takes lowercase letters numbers and dashes only",
}


@flow(name="word-report", flow_run_name="word-report-{day}")
def word_report(day: str) -> None:
    lengths = Counter(len(word) for word in TEXTS[day].split())
    create_table_artifact(
        key="word-lengths",
        table=[{"length": n, "words": lengths[n]} for n in sorted(lengths)],
        description=f"Words by length, {day}",
    )


if __name__ == "__main__":
    word_report("monday")
    word_report("tuesday")
