"""Check the exercise of "Running tasks in parallel": run thumbnails.py, then ask the
Prefect server when each task run began and ended. Run it in your project folder,
with your server running:

    uv run python check_parallel.py
"""

from datetime import datetime

try:
    from lesson_check import REVISION, Check, run_check
except ImportError as error:
    if error.name != "lesson_check":
        raise
    REVISION = 0  # no lesson_check.py here, or a copy from before revisions
if REVISION < 2:
    raise SystemExit(
        "check_parallel.py needs lesson_check.py next to it, revision 2 or newer: it is"
        " in the lesson's download, and on the install lesson, under its exercise."
    )

PHOTOS = ["beach.jpg", "cat.jpg", "dog.jpg", "forest.jpg", "lake.jpg", "snow.jpg"]
MADE = [photo.replace(".jpg", "_small.jpg") for photo in PHOTOS]
AT_ONCE = 3


def most_at_once(spans: list[tuple[datetime, datetime]]) -> int:
    """How many of the (start, end) spans were running at the same moment, at most."""
    # an end before a start at the same instant: one run ended, then the next began
    changes = sorted(
        [(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans]
    )
    running = most = 0
    for _, change in changes:
        running += change
        most = max(most, running)
    return most


def points(check: Check) -> None:
    run = check.the_flow_run(
        "thumbnails", hint="Keep the flow of the starter, def thumbnails()."
    )
    check.needed(
        "it ended Completed",
        run.state_name == "Completed",
        found=f"{run.state_name}: {run.state.message}" if run.state else None,
        hint="Run `uv run python thumbnails.py` to see its logs: they say what went "
        "wrong.",
    )
    task_runs = check.task_runs(run, "make_thumbnail")
    check.needed(
        f"{len(PHOTOS)} task runs of make_thumbnail, one per photo, each Completed",
        len(task_runs) == len(PHOTOS)
        and all(task_run.state_name == "Completed" for task_run in task_runs),
        found="not one Completed run per photo: the flow returned first, and its task "
        "runner cancelled the runs that had not begun",
        hint="A future that nobody resolves does not hold the flow back. Wait for "
        "every run: .result() on each future, or on what .map() returns. See "
        '"The trap: a future nobody waits for" on the page.',
    )
    at_once = most_at_once(
        [(task_run.start_time, task_run.end_time) for task_run in task_runs]
    )
    check.point(
        "they ran side by side, several at once",
        at_once > 1,
        found="one at a time: each began once the one before it had ended",
        hint="Calling a task runs it then and there. .submit() or .map() hand runs "
        "to the flow's task runner, which runs them together: see \"Many inputs: "
        '.map()" on the page.',
    )
    check.point(
        f"never more than {AT_ONCE} at once",
        at_once <= AT_ONCE,
        found=f"{at_once} at once",
        hint="The default task runner starts as many threads as there are runs. "
        f"ThreadPoolTaskRunner(max_workers={AT_ONCE}) in @flow(task_runner=...) "
        'caps them: see "Threads, with a limit" on the page.',
    )
    printed = f"{len(MADE)} thumbnails: {', '.join(MADE)}"
    check.point(
        "it printed the thumbnails, in the order of the photos",
        printed in check.printed.splitlines(),
        found="no such line",
        hint=f"The line the starter prints: {printed}. .map() keeps the order of "
        "its inputs.",
    )


if __name__ == "__main__":
    run_check(
        lesson="Running tasks in parallel",
        script="thumbnails.py",
        points=points,
        needs_your_server=True,
    )
