from collections import Counter

from prefect import flow

TEXTS = {
    "monday": "Prefect keeps every version of an artifact under its key",
    "tuesday": "A key takes lowercase letters numbers and dashes only",
}


@flow(name="word-report", flow_run_name="word-report-{day}")
def word_report(day: str) -> None:
    lengths = Counter(len(word) for word in TEXTS[day].split())
    for length, words in sorted(lengths.items()):
        print(f"{words} words of {length} letters")


if __name__ == "__main__":
    word_report("monday")
    word_report("tuesday")
