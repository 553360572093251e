"""Check the exercise of "The Prefect server and its UI": run recent_runs.py against
your server, then compare what it printed with the runs the server holds. Run it in
your project folder, with your server running:

    uv run python check_server.py
"""

from prefect.client.schemas.sorting import FlowRunSort

try:
    from lesson_check import REVISION, Check, run_check
except ImportError as error:
    if error.name != "lesson_check":
        raise
    REVISION = 0  # no lesson_check.py here, or a copy from before revisions
if REVISION < 2:
    raise SystemExit(
        "check_server.py needs lesson_check.py next to it, revision 2 or newer: it is "
        "in the lesson's download, and on the install lesson, under its exercise."
    )

COUNT = 3


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, ..., 11th, ..., 21st."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def points(check: Check) -> None:
    lines = [line for line in check.printed.splitlines() if line.strip()]
    check.needed(
        f"recent_runs.py printed {COUNT} lines",
        len(lines) == COUNT,
        found=f"{len(lines)} lines",
        hint='One print per run: print(f"{run.name}: {run.state_name}").',
    )
    printed = [line.rpartition(": ") for line in lines]
    check.needed(
        "each line is '<run name>: <state name>'",
        all(separator for _, separator, _ in printed),
        found=next((line for line in lines if ": " not in line), None),
        hint="Put ': ' between the run's name and its state's.",
    )
    # Every run the server holds that has started, newest first: up to 200, the
    # most it sends at once.
    runs = check.client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC)
    names = [run.name for run in runs]
    newest = runs[:COUNT]
    printed_names = [name for name, _, _ in printed]
    check.point(
        f"they are the {COUNT} runs that started last, newest first",
        printed_names == [run.name for run in newest],
        found="the "
        + ", ".join(
            ordinal(names.index(name) + 1) if name in names else f"unknown {name!r}"
            for name in printed_names
        )
        + " newest runs",
        hint="The server sends runs in the order sort= asks for: "
        "FlowRunSort.START_TIME_DESC (from prefect.client.schemas.sorting) puts the "
        "newest first. Without sort=, it sorts them by id, and ids are random.",
    )
    by_name = {run.name: run.state_name for run in runs}
    wrong = [
        (state, by_name[name])
        for name, _, state in printed
        if name in by_name and state != by_name[name]
    ]
    check.point(
        "each state is the one the UI shows for that run",
        not wrong,
        found=f"{wrong[0][0]} for a run that is {wrong[0][1]}" if wrong else None,
        hint="run.state_name is the state's name, as the UI shows it (Completed, "
        "Failed); run.state_type is its kind, an enum.",
    )


if __name__ == "__main__":
    run_check(
        lesson="The Prefect server and its UI",
        script="recent_runs.py",
        points=points,
        needs_your_server=True,
    )
