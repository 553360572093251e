"""Check the exercise of "Scheduling": run quarterly.py, then ask your server about
the schedule of the deployment it made and the runs its scheduler made of it. Run it
in your project folder, with your server running:

    uv run python check_scheduling.py
"""

import time
from zoneinfo import ZoneInfo

from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.client.schemas.sorting import FlowRunSort

try:
    from lesson_check import REVISION, Check, run_check
except ImportError as error:
    if error.name != "lesson_check":
        raise
    REVISION = 0  # no lesson_check.py here, or a copy from before revisions
if REVISION < 2:
    raise SystemExit(
        "check_scheduling.py needs lesson_check.py next to it, revision 2 or newer: it "
        "is in the lesson's download, and on the install lesson, under its exercise."
    )

NAME = "hello-flow/quarterly"
PARIS = ZoneInfo("Europe/Paris")
QUARTERS = {1, 4, 7, 10}  # January, April, July, October
# The scheduler looks for new deployments every few seconds.
WAIT_SECONDS = 30


def points(check: Check) -> None:
    deployment = check.the_deployment(
        NAME, hint='Keep the .deploy(name="quarterly", ...) of the starter.'
    )
    schedules = deployment.schedules
    check.needed(
        "it has one schedule, active",
        len(schedules) == 1 and schedules[0].active,
        found=f"{len(schedules)} schedules"
        if len(schedules) != 1
        else "one schedule, paused",
        hint="schedules=[...] in .deploy(), with one schedule from "
        'prefect.schedules: see "Schedules in Python" on the page.',
    )
    schedule = schedules[0].schedule
    check.point(
        "its time zone is Europe/Paris",
        schedule.timezone == "Europe/Paris",
        found=schedule.timezone,
        hint='Each schedule has its own: timezone="Europe/Paris". Without it, the '
        "times of the rule are UTC.",
    )
    coming = FlowRunFilter(
        state=FlowRunFilterState(
            type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])
        )
    )
    by_deployment = DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id]))
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        runs = check.client.read_flow_runs(
            deployment_filter=by_deployment,
            flow_run_filter=coming,
            sort=FlowRunSort.EXPECTED_START_TIME_ASC,
        )
        if runs or time.monotonic() > deadline:
            break
        time.sleep(1)
    check.needed(
        "the scheduler made its coming runs",
        bool(runs),
        found=f"no Scheduled run after {WAIT_SECONDS} s",
        hint="The server's scheduler makes them; is your server running with its "
        "services, as `prefect server start` does?",
    )
    starts = [run.expected_start_time.astimezone(PARIS) for run in runs]
    # What the rule said, in its own time zone: the same whatever the date.
    own_zone = ZoneInfo(schedule.timezone or "UTC")
    off_time = [
        run.expected_start_time.astimezone(own_zone)
        for run, start in zip(runs, starts, strict=True)
        if (start.hour, start.minute) != (6, 30)
    ]
    check.point(
        "each coming run starts at 06:30 in Paris",
        not off_time,
        found=f"runs at {off_time[0]:%H:%M} {own_zone.key}, which is not 06:30 in Paris"
        if off_time
        else None,
        hint="BYHOUR and BYMINUTE in the rule are read in the schedule's time zone.",
    )
    wrong_days = sorted(
        {
            "not on a Monday"
            if start.weekday() != 0
            else "in other months"
            if start.month not in QUARTERS
            else "on Mondays after the first week of the month"
            for start in starts
            if start.weekday() != 0 or start.day > 7 or start.month not in QUARTERS
        }
    )
    check.point(
        "each on the first Monday of January, April, July or October",
        not wrong_days,
        found="runs " + " and ".join(wrong_days),
        hint="BYMONTH=1,4,7,10 for the months, and BYDAY=1MO for the first Monday "
        "(MO alone is every Monday).",
    )


if __name__ == "__main__":
    run_check(
        lesson="Scheduling",
        script="quarterly.py",
        points=points,
        needs_your_server=True,
    )
