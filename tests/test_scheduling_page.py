"""The scheduling page: schedules made every way the page shows, and the runs the
server's scheduler creates from them, checked through the API."""

from __future__ import annotations

import signal
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import prefect_api as api
import pytest
from commands import Result, Terminal
from pty_session import ENTER, Question
from reader_fixtures import FAST_POLLING, Deployed, the_run

SC = "snippets/scheduling"
BERLIN = ZoneInfo("Europe/Berlin")
DONT_SAVE = [Question("Would you like to save configuration", "n" + ENTER, "n")]
# schedules.yaml has no pull section: `prefect deploy` asks, for each deployment,
# whether workers should fetch the code from remote storage; they load it from here.
LOCAL_CODE = [
    Question("pull your flow code from a remote storage location", "n" + ENTER, "n")
]


@pytest.fixture(scope="module")
def terminal(deployed: Deployed) -> Terminal:
    return deployed.terminal


@pytest.fixture(scope="module")
def from_yaml(terminal: Terminal, update_outputs: bool):
    """The deployments of schedules.yaml, deployed."""
    return terminal.check(
        the_run(f"{SC}/deploy_schedules_yaml.sh"),
        update=update_outputs,
        questions=LOCAL_CODE * 2,
    )


def scheduled_runs(deployment_name: str, at_least: int = 3):
    """The deployment's scheduled runs, once the scheduler has made some."""
    return api.eventually(
        lambda: (
            len(runs := api.flow_runs(deployment_name, api.StateType.SCHEDULED))
            >= at_least
            and runs
        ),
        timeout=90,
        what=f"{at_least} scheduled runs of {deployment_name}",
    )


def gaps(runs) -> set[timedelta]:
    times = [run.expected_start_time for run in runs]
    return {later - earlier for earlier, later in zip(times, times[1:], strict=False)}


def test_an_interval_schedule_runs_every_60_seconds(
    terminal: Terminal, update_outputs: bool
) -> None:
    terminal.check(the_run(f"{SC}/deploy_interval.sh"), update=update_outputs)
    # prefect.yaml still holds the paused schedule the questions made: deploying
    # with --interval adds the new one next to it.
    schedules = api.deployment("hello-flow/hello-deployment").schedules
    assert sorted(
        (s.schedule.interval.total_seconds(), s.active) for s in schedules
    ) == [
        (60, False),
        (60, True),
    ]
    terminal.check(the_run(f"{SC}/schedule_ls.sh"), update=update_outputs)
    runs = scheduled_runs("hello-flow/hello-deployment")
    assert gaps(runs) == {timedelta(seconds=60)}
    upcoming = terminal.check(the_run(f"{SC}/upcoming_runs.sh"), update=update_outputs)
    assert len(upcoming.output.strip().splitlines()) == 5


def test_a_cron_schedule_runs_at_9_in_berlin_on_weekdays(
    terminal: Terminal, update_outputs: bool
) -> None:
    terminal.check(
        the_run(f"{SC}/deploy_cron.sh"), update=update_outputs, questions=DONT_SAVE
    )
    for run in scheduled_runs("hello-flow/weekday-mornings"):
        local = run.expected_start_time.astimezone(BERLIN)
        assert (local.hour, local.minute, local.second) == (9, 0, 0), local
        assert local.isoweekday() <= 5, local


def test_an_rrule_schedule_runs_on_monday_wednesday_friday_evenings(
    terminal: Terminal, update_outputs: bool
) -> None:
    terminal.check(
        the_run(f"{SC}/deploy_rrule.sh"), update=update_outputs, questions=DONT_SAVE
    )
    for run in scheduled_runs("hello-flow/mwf-evenings"):
        local = run.expected_start_time.astimezone(BERLIN)
        assert (local.hour, local.minute) == (18, 30), local
        assert local.strftime("%a") in {"Mon", "Wed", "Fri"}, local


def test_a_paused_schedule_makes_no_runs_until_resumed(
    terminal: Terminal, update_outputs: bool, request: pytest.FixtureRequest
) -> None:
    scheduled_runs("hello-flow/weekday-mornings")
    terminal.check(the_run(f"{SC}/pause_schedule.sh"), update=update_outputs)
    # Pausing deletes the runs the schedule had made and not yet started...
    assert api.flow_runs("hello-flow/weekday-mornings", api.StateType.SCHEDULED) == []
    (schedule,) = api.deployment("hello-flow/weekday-mornings").schedules
    assert not schedule.active
    # ...and the scheduler makes none: once it has made the runs of deployments
    # created after the pause, it has had its turn at this one too.
    request.getfixturevalue("from_yaml")  # deployed after the pause, or now
    scheduled_runs("hello-flow/business-hours")
    scheduled_runs("hello-flow/every-six-hours")
    assert api.flow_runs("hello-flow/weekday-mornings", api.StateType.SCHEDULED) == []

    terminal.check(the_run(f"{SC}/resume_schedule.sh"), update=update_outputs)
    scheduled_runs("hello-flow/weekday-mornings")


def test_schedules_from_prefect_yaml(from_yaml) -> None:
    for run in scheduled_runs("hello-flow/business-hours"):
        local = run.expected_start_time.astimezone(BERLIN)
        assert 9 <= local.hour <= 17 and local.minute == 0 and local.isoweekday() <= 5
    runs = scheduled_runs("hello-flow/every-six-hours")
    assert gaps(runs) == {timedelta(hours=6)}
    # counted from the anchor: midnight on 1 January 2026 in Berlin
    anchor = datetime(2026, 1, 1, tzinfo=BERLIN)
    assert {
        (run.expected_start_time - anchor) % timedelta(hours=6) for run in runs
    } == {timedelta(0)}


def test_schedules_from_python(terminal: Terminal, update_outputs: bool) -> None:
    terminal.check(the_run(f"{SC}/deploy_with_schedules.sh"), update=update_outputs)
    schedules = api.deployment("hello-flow/from-python").schedules
    assert {type(s.schedule).__name__ for s in schedules} == {
        "CronSchedule",
        "IntervalSchedule",
        "RRuleSchedule",
    }
    assert {s.schedule.timezone for s in schedules} == {"Europe/Berlin"}


def test_serve_with_an_interval(
    deployed: Deployed, session_dir: Path, update_outputs: bool
) -> None:
    terminal = deployed.terminal
    polling = Terminal(**{**terminal.__dict__, "env_extra": FAST_POLLING})
    with polling.start(
        f"{SC}/serve_every_minute.sh",
        log=session_dir / "serve-every-minute.log",
        stop_signals=(signal.SIGINT, signal.SIGTERM),
    ) as serving:
        banner = serving.wait_for(
            r"You can also run your flow via the Prefect UI: .*\n"
        )
        (schedule,) = api.deployment("hello-flow/every-minute").schedules
        assert schedule.schedule.interval == timedelta(seconds=60) and schedule.active
        runs = scheduled_runs("hello-flow/every-minute", at_least=2)
        assert gaps(runs) == {timedelta(seconds=60)}
        terminal.check(
            the_run(f"{SC}/serve_every_minute.sh"),
            update=update_outputs,
            result=Result(0, serving.output[: banner.end()]),
        )
        assert not api.deployment("hello-flow/every-minute").paused
    # Stopped with Ctrl-C, `serve` pauses its deployment, schedule and all.
    assert api.deployment("hello-flow/every-minute").paused
