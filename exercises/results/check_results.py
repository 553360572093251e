"""Check the exercise of "Results, artifacts and logs": run word_report.py, then ask
the Prefect server which artifacts its two runs published, under which key. Run it in
your project folder, with your server running:

    uv run python check_results.py
"""

import json
import re

try:
    from lesson_check import REVISION, Check, run_check
except ImportError as error:
    if error.name != "lesson_check":
        raise
    REVISION = 0  # no lesson_check.py here, or a copy from before revisions
if REVISION < 2:
    raise SystemExit(
        "check_results.py needs lesson_check.py next to it, revision 2 or newer: it is"
        " in the lesson's download, and on the install lesson, under its exercise."
    )

from prefect.client.schemas.filters import (
    ArtifactCollectionFilter,
    ArtifactCollectionFilterKey,
    ArtifactFilter,
    ArtifactFilterFlowRunId,
)

KEY = "word-lengths"
DAYS = ["monday", "tuesday"]
TUESDAY = "A key takes lowercase letters numbers and dashes only"  # the starter's


def why(message: str | None) -> str:
    """The line of a failed run's message that says why: the last one, for a
    validation error (not the link to pydantic's documentation under it)."""
    lines = [
        line.strip()
        for line in (message or "").splitlines()
        if line.strip() and not line.strip().startswith("For further information")
    ]
    return re.sub(r" \[type=.*$", "", lines[-1]) if lines else "no message"


def points(check: Check) -> None:
    every_run = check.flow_runs()
    names = check.flow_names(every_run)
    runs = [  # the first started first
        run for run in reversed(every_run) if names[run.flow_id] == "word-report"
    ]
    failed = [run for run in runs if run.state_name != "Completed"]
    check.needed(
        "two runs of the flow word-report, one per day, each Completed",
        [run.name for run in runs] == [f"word-report-{day}" for day in DAYS]
        and not failed,
        found="; ".join(
            f"{run.name}, {run.state_name}"
            + (f": {why(run.state.message)}" if run in failed else "")
            for run in runs
        )
        or "no run of it",
        hint="A run that fails stops the script; its message, found above, says why."
        if failed
        else 'Keep the flow of the starter, @flow(name="word-report", ...), and its '
        "two calls at the bottom: monday's, then tuesday's.",
    )
    artifacts = check.client.read_artifacts(
        artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[run.id for run in runs])
        ),
    )
    published = ", ".join(
        f"a {artifact.type} artifact with "
        + (f"the key {artifact.key}" if artifact.key else "no key")
        for artifact in artifacts
    )
    keyed = [artifact for artifact in artifacts if artifact.key == KEY]
    check.needed(
        f"each run published a table artifact under the key {KEY}",
        sorted(artifact.flow_run_id for artifact in keyed)
        == sorted(run.id for run in runs)
        and all(artifact.type == "table" for artifact in keyed),
        found=published or "no artifact",
        hint="create_table_artifact(key=..., table=...) in the flow publishes one. "
        "Without a key, an artifact stays on its run's Artifacts tab: no versions, "
        "and `prefect artifact ls`, which lists the latest under each key, leaves it "
        'out. See "Artifacts: what a person should see" on the page.',
    )
    (latest,) = check.client.read_latest_artifacts(
        artifact_filter=ArtifactCollectionFilter(
            key=ArtifactCollectionFilterKey(any_=[KEY])
        )
    )
    check.needed(
        f"the latest version under {KEY} is tuesday's",
        latest.flow_run_id == runs[-1].id,
        found="another run's: one published after tuesday's",
        hint="The server keeps every artifact under its key, and shows the one "
        "published last as the latest. Run word_report.py again, alone.",
    )
    table = json.loads(latest.data)
    words = [len(word) for word in TUESDAY.split()]
    rows = [{"length": n, "words": words.count(n)} for n in sorted(set(words))]
    check.point(
        "its rows are tuesday's words by length: columns length and words",
        table == rows,
        found=table,
        hint="One row per length, shortest first, as a list of dicts: "
        '[{"length": 1, "words": 1}, ...].',
    )


if __name__ == "__main__":
    run_check(
        lesson="Results, artifacts and logs",
        script="word_report.py",
        points=points,
        needs_your_server=True,
    )
