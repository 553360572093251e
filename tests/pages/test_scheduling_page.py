"""The scheduling page: schedules made every way the page shows, and the runs the
server's scheduler creates from them, checked through the API.

The page's parts touch different deployments, so they run at the same time, each in a
terminal of its own (a Scenario); the tests check what each recorded.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from prefect.client.schemas.schedules import CronSchedule as ClientCron
from prefect.server.schemas.schedules import CronSchedule as ServerCron

from harness import prefect_api as api
from harness.prefect_server import FAST_POLLING
from harness.pty_session import ENTER, Question
from harness.reader_fixtures import Deployed
from harness.terminal import Result, Scenario, part
from harness.waiting import wait_until

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
    return wait_until(
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


def by_schedule(runs) -> dict[object, list]:
    """Runs grouped by the schedule that made them (the scheduler records it)."""
    grouped: dict[object, list] = {}
    for run in runs:
        grouped.setdefault(run.created_by and run.created_by.id, []).append(run)
    return grouped


def scheduled_by_each(deployment_name: str, schedule_ids, at_least: int = 3):
    """The deployment's scheduled runs, once each of `schedule_ids` has made some."""

    def check():
        grouped = by_schedule(api.flow_runs(deployment_name, api.StateType.SCHEDULED))
        ready = all(len(grouped.get(id, [])) >= at_least for id in schedule_ids)
        return ready and grouped

    return wait_until(
        check, timeout=150, what=f"scheduled runs of each schedule of {deployment_name}"
    )


def from_python(scenario: Scenario) -> Scenario:
    name = "hello-flow/from-python"
    scenario.run(f"{SC}/deploy_with_schedules.sh")
    deployment = api.deployment(name)
    scenario.seen["schedules"] = deployment.schedules
    ids = {type(s.schedule).__name__: s.id for s in deployment.schedules}
    scenario.seen["schedule ids"] = ids
    scenario.seen["before pause"] = scheduled_by_each(name, ids.values())
    # Pause one of the three schedules, as `prefect deployment schedule pause` does.
    scenario.seen["paused at"] = datetime.now(UTC)
    with api.client() as client:
        client.update_deployment_schedule(
            deployment.id, ids["IntervalSchedule"], active=False
        )
    scenario.seen["right after pause"] = api.flow_runs(name, api.StateType.SCHEDULED)
    others = [ids["CronSchedule"], ids["RRuleSchedule"]]
    scenario.seen["later"] = scheduled_by_each(name, others)
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

    # The 90-minute interval counts from midnight on 1 January in Berlin, as its
    # comment says: the anchor carries its time zone.
    midnight_berlin = datetime(2026, 1, 1, tzinfo=BERLIN)
    ids = python.seen["schedule ids"]
    (interval,) = (s for s in schedules if s.id == ids["IntervalSchedule"])
    assert interval.schedule.anchor_date == midnight_berlin
    first = python.seen["before pause"][ids["IntervalSchedule"]][0].expected_start_time
    assert (first - midnight_berlin) % timedelta(minutes=90) == timedelta(0), first
    # ...not on the grid a naive datetime(2026, 1, 1), read as midnight UTC, makes
    midnight_utc = datetime(2026, 1, 1, tzinfo=UTC)
    assert (first - midnight_utc) % timedelta(minutes=90) != timedelta(0), first


def test_pausing_one_schedule_deletes_the_coming_runs_of_all(parts: dict) -> None:
    python = part(parts, "python")
    ids = python.seen["schedule ids"]
    before = python.seen["before pause"]
    planned = {run.id for runs in before.values() for run in runs}
    assert all(before[id] for id in ids.values())
    # Pausing the interval schedule deleted the runs the cron and RRULE schedules had
    # made too (any left are new ones the scheduler made since)...
    after = python.seen["right after pause"]
    assert planned.isdisjoint(run.id for run in after), after
    # ...and the scheduler made those of the two active schedules again, none for the
    # paused one, except from a pass already under way at the pause (it reads the
    # schedules, then inserts their runs: seen once in a fresh-clone run), right away.
    later = python.seen["later"]
    assert later[ids["CronSchedule"]] and later[ids["RRuleSchedule"]]
    paused_at = python.seen["paused at"]
    in_flight = later.get(ids["IntervalSchedule"], [])
    assert all(run.created - paused_at < timedelta(seconds=30) for run in in_flight)


def test_serve_with_an_interval(parts: dict, update_outputs: bool) -> None:
    served = part(parts, "serve")
    served.check(f"{SC}/serve_every_minute.sh", update=update_outputs)
    (schedule,) = served.seen["deployment"].schedules
    assert schedule.schedule.interval == timedelta(seconds=60) and schedule.active
    assert not served.seen["deployment"].paused
    assert gaps(served.seen["runs"]) == {timedelta(seconds=60)}
    # Stopped with Ctrl-C, `serve` tries to pause its deployment, schedule and all.
    if api.assert_paused_as_reported("hello-flow/every-minute", served.seen["output"]):
        # ...and pausing it deleted the runs the scheduler had made.
        scheduled = api.flow_runs("hello-flow/every-minute", api.StateType.SCHEDULED)
        assert scheduled == [], scheduled


def test_time_zones_go_by_place_not_by_abbreviation() -> None:
    # The server's own schedule model, as the scheduler uses it: `EST` stays at
    # UTC-5 in summer, `America/New_York` follows summer time.
    july = datetime(2026, 7, 1, tzinfo=UTC)

    def first_9_am(timezone: str) -> datetime:
        schedule = ServerCron(cron="0 9 * * *", timezone=timezone)
        (first,) = asyncio.run(schedule.get_dates(n=1, start=july))
        return first

    new_york = ZoneInfo("America/New_York")
    assert first_9_am("EST").astimezone(new_york).hour == 10
    assert first_9_am("America/New_York").astimezone(new_york).hour == 9
    with pytest.raises(ValueError, match='Invalid timezone: "CEST"'):
        ClientCron(cron="0 9 * * *", timezone="CEST")
