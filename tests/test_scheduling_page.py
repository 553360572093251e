"""The scheduling page: schedules made every way the page shows, and the runs the
server's scheduler creates from them, checked through the API.

The page's parts touch different deployments, so they run at the same time, each in a
terminal of its own (a Scenario); the tests check what each recorded.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import prefect_api as api
import pytest
from commands import Result, Scenario, part
from pty_session import ENTER, Question
from reader_fixtures import FAST_POLLING, Deployed

SC = "snippets/scheduling"
BERLIN = ZoneInfo("Europe/Berlin")
DONT_SAVE = [Question("Would you like to save configuration", "n" + ENTER, "n")]
# schedules.yaml has no pull section: `prefect deploy` asks, for each deployment,
# whether workers should fetch the code from remote storage; they load it from here.
LOCAL_CODE = [
    Question("pull your flow code from a remote storage location", "n" + ENTER, "n")
]


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


def interval(scenario: Scenario) -> Scenario:
    scenario.run(f"{SC}/deploy_interval.sh")
    scenario.seen["schedules"] = api.deployment("hello-flow/hello-deployment").schedules
    scenario.run(f"{SC}/schedule_ls.sh")
    scenario.seen["runs"] = scheduled_runs("hello-flow/hello-deployment")
    scenario.run(f"{SC}/upcoming_runs.sh")
    return scenario


def cron_paused_and_resumed(scenario: Scenario) -> Scenario:
    scenario.run(f"{SC}/deploy_cron.sh", DONT_SAVE)
    scenario.seen["runs"] = scheduled_runs("hello-flow/weekday-mornings")
    scenario.run(f"{SC}/pause_schedule.sh")
    scenario.seen["scheduled after pause"] = api.flow_runs(
        "hello-flow/weekday-mornings", api.StateType.SCHEDULED
    )
    scenario.seen["schedules after pause"] = api.deployment(
        "hello-flow/weekday-mornings"
    ).schedules
    # The scheduler's turn: once it has made the runs of deployments created after the
    # pause, it has had its turn at this one too.
    scenario.run(f"{SC}/deploy_schedules_yaml.sh", LOCAL_CODE * 2)
    scenario.seen["business-hours"] = scheduled_runs("hello-flow/business-hours")
    scenario.seen["every-six-hours"] = scheduled_runs("hello-flow/every-six-hours")
    scenario.seen["scheduled while paused"] = api.flow_runs(
        "hello-flow/weekday-mornings", api.StateType.SCHEDULED
    )
    scenario.run(f"{SC}/resume_schedule.sh")
    scenario.seen["runs after resume"] = scheduled_runs("hello-flow/weekday-mornings")
    return scenario


def rrule(scenario: Scenario) -> Scenario:
    scenario.run(f"{SC}/deploy_rrule.sh", DONT_SAVE)
    scenario.seen["runs"] = scheduled_runs("hello-flow/mwf-evenings")
    return scenario


def from_python(scenario: Scenario) -> Scenario:
    scenario.run(f"{SC}/deploy_with_schedules.sh")
    scenario.seen["schedules"] = api.deployment("hello-flow/from-python").schedules
    return scenario


def served(scenario: Scenario, log: Path) -> Scenario:
    polling = scenario.terminal.with_env(**FAST_POLLING)
    with polling.start(
        f"{SC}/serve_every_minute.sh",
        log=log,
        stop_signals=(signal.SIGINT, signal.SIGTERM),
    ) as serving:
        banner = serving.wait_for(
            r"You can also run your flow via the Prefect UI: .*\n"
        )
        scenario.results[f"{SC}/serve_every_minute.sh"] = Result(
            0, serving.output[: banner.end()]
        )
        scenario.seen["deployment"] = api.wait_until_polled("hello-flow/every-minute")
        scenario.seen["runs"] = scheduled_runs("hello-flow/every-minute", at_least=2)
    scenario.seen["output"] = serving.output
    return scenario


@pytest.fixture(scope="module")
def parts(
    deployed: Deployed, session_dir: Path
) -> Iterator[dict[str, Future[Scenario]]]:
    def new() -> Scenario:
        return Scenario(deployed.terminal)

    with ThreadPoolExecutor(max_workers=5) as pool:
        yield {
            "interval": pool.submit(interval, new()),
            "cron": pool.submit(cron_paused_and_resumed, new()),
            "rrule": pool.submit(rrule, new()),
            "python": pool.submit(from_python, new()),
            "serve": pool.submit(served, new(), session_dir / "serve-every-minute.log"),
        }


def test_an_interval_schedule_runs_every_60_seconds(
    parts: dict, update_outputs: bool
) -> None:
    interval = part(parts, "interval")
    interval.check(f"{SC}/deploy_interval.sh", update=update_outputs)
    # prefect.yaml still holds the paused schedule the questions made: deploying
    # with --interval adds the new one next to it.
    assert sorted(
        (s.schedule.interval.total_seconds(), s.active)
        for s in interval.seen["schedules"]
    ) == [(60, False), (60, True)]
    interval.check(f"{SC}/schedule_ls.sh", update=update_outputs)
    assert gaps(interval.seen["runs"]) == {timedelta(seconds=60)}
    upcoming = interval.check(f"{SC}/upcoming_runs.sh", update=update_outputs)
    assert len(upcoming.output.strip().splitlines()) == 5


def test_a_cron_schedule_runs_at_9_in_berlin_on_weekdays(
    parts: dict, update_outputs: bool
) -> None:
    cron = part(parts, "cron")
    cron.check(f"{SC}/deploy_cron.sh", update=update_outputs)
    for run in cron.seen["runs"]:
        local = run.expected_start_time.astimezone(BERLIN)
        assert (local.hour, local.minute, local.second) == (9, 0, 0), local
        assert local.isoweekday() <= 5, local


def test_an_rrule_schedule_runs_on_monday_wednesday_friday_evenings(
    parts: dict, update_outputs: bool
) -> None:
    rrule = part(parts, "rrule")
    rrule.check(f"{SC}/deploy_rrule.sh", update=update_outputs)
    for run in rrule.seen["runs"]:
        local = run.expected_start_time.astimezone(BERLIN)
        assert (local.hour, local.minute) == (18, 30), local
        assert local.strftime("%a") in {"Mon", "Wed", "Fri"}, local


def test_a_paused_schedule_makes_no_runs_until_resumed(
    parts: dict, update_outputs: bool
) -> None:
    cron = part(parts, "cron")
    cron.check(f"{SC}/pause_schedule.sh", update=update_outputs)
    # Pausing deleted the runs the schedule had made and not yet started...
    assert cron.seen["scheduled after pause"] == []
    (schedule,) = cron.seen["schedules after pause"]
    assert not schedule.active
    # ...and the scheduler made none, though it made those of later deployments.
    assert cron.seen["business-hours"] and cron.seen["every-six-hours"]
    assert cron.seen["scheduled while paused"] == []
    cron.check(f"{SC}/resume_schedule.sh", update=update_outputs)
    assert cron.seen["runs after resume"]


def test_schedules_from_prefect_yaml(parts: dict, update_outputs: bool) -> None:
    cron = part(parts, "cron")
    cron.check(f"{SC}/deploy_schedules_yaml.sh", update=update_outputs)
    for run in cron.seen["business-hours"]:
        local = run.expected_start_time.astimezone(BERLIN)
        assert 9 <= local.hour <= 17 and local.minute == 0 and local.isoweekday() <= 5
    runs = cron.seen["every-six-hours"]
    assert gaps(runs) == {timedelta(hours=6)}
    # counted from the anchor: midnight on 1 January 2026 in Berlin
    anchor = datetime(2026, 1, 1, tzinfo=BERLIN)
    assert {
        (run.expected_start_time - anchor) % timedelta(hours=6) for run in runs
    } == {timedelta(0)}


def test_schedules_from_python(parts: dict, update_outputs: bool) -> None:
    python = part(parts, "python")
    python.check(f"{SC}/deploy_with_schedules.sh", update=update_outputs)
    schedules = python.seen["schedules"]
    assert {type(s.schedule).__name__ for s in schedules} == {
        "CronSchedule",
        "IntervalSchedule",
        "RRuleSchedule",
    }
    assert {s.schedule.timezone for s in schedules} == {"Europe/Berlin"}


def test_serve_with_an_interval(parts: dict, update_outputs: bool) -> None:
    served = part(parts, "serve")
    served.check(f"{SC}/serve_every_minute.sh", update=update_outputs)
    (schedule,) = served.seen["deployment"].schedules
    assert schedule.schedule.interval == timedelta(seconds=60) and schedule.active
    assert not served.seen["deployment"].paused
    assert gaps(served.seen["runs"]) == {timedelta(seconds=60)}
    # Stopped with Ctrl-C, `serve` tries to pause its deployment, schedule and all.
    api.assert_paused_as_reported("hello-flow/every-minute", served.seen["output"])
