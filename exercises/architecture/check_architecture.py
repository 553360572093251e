"""Check the exercise of "Work pools and workers": run state_history.py, then ask your
server for the run it started and the states that run went through. Run it in your
project folder, with your server and a worker of my-pool running:

    uv run python check_architecture.py
"""

import re

from prefect.exceptions import ObjectNotFound

try:
    from lesson_check import REVISION, Check, run_check
except ImportError as error:
    if error.name != "lesson_check":
        raise
    REVISION = 0  # no lesson_check.py here, or a copy from before revisions
if REVISION < 3:
    raise SystemExit(
        "check_architecture.py needs lesson_check.py next to it, revision 3 or newer: "
        "it is in the lesson's download, and on the install lesson, under its exercise."
    )

NAME = "hello-flow/hello-deployment"
WORKER = "uv run prefect worker start --pool my-pool"
# A worker asks for runs every 10 s: give it several tries.
WAIT_SECONDS = 60
STATE_LINE = re.compile(r"^\S.* \([A-Z]+\)$|^[A-Z]+$")


def points(check: Check) -> None:
    try:
        deployment = check.client.read_deployment_by_name(NAME)
    except ObjectNotFound:
        deployment = None
    check.needed(
        f"a deployment {NAME}, from the lesson on deployments",
        deployment is not None,
        found="none of that name",
        hint="Deploy hello_flow.py to the work pool my-pool as that lesson does, in "
        '"Deploy it, answering the questions".',
    )
    run = check.the_run_of(
        deployment,
        what=f"a run of {NAME}, started by the script",
        hint=f'Keep the run_deployment("{NAME}", ...) of the starter.',
    )
    # The script may return before the run ends (timeout=0): wait for a worker.
    check.worker_ran(run, worker=WORKER, wait_seconds=WAIT_SECONDS)
    history = [
        f"{state.name} ({state.type.value})"
        for state in check.client.read_flow_run_states(run.id)
    ]
    printed = [line for line in check.printed.splitlines() if STATE_LINE.match(line)]
    if len(printed) > 1 and all(line.isupper() for line in printed):
        found = "it printed the types of the states, not their names"
        hint = (
            "state.name is what the UI shows: Submitting is a PENDING state, Late a "
            'SCHEDULED one. See "The states of a run" on the page.'
        )
    else:
        found = f"it printed {', '.join(printed)}" if printed else "no such line"
        hint = (
            "run.state is the one state the run is in now. "
            "client.read_flow_run_states(run.id) gives every state it went through."
        )
    check.point(
        "it printed every state of the run, the oldest first, as Name (TYPE)",
        printed == history,
        found=found,
        hint=hint,
    )


if __name__ == "__main__":
    run_check(
        lesson="Work pools and workers",
        script="state_history.py",
        points=points,
        needs_your_server=True,
    )
