"""The failure page: what Prefect does when a run is killed, cancelled, loses its
worker, or loses everything, and what bad input gets.

The runs on a worker come from harness/failure_scenario.py (a server of their own,
started with the session). Retries, timeouts, states and the missing parameter are
snippets that the snippet tests run and check line by line (their `#>` lines), and
the journey compares their commands' outputs, as a reader runs them.
"""

from __future__ import annotations

import uuid
from concurrent.futures import Future

import pytest
from prefect import flow
from prefect.deployments import run_deployment

from harness.terminal import Scenario

F = "snippets/failure"


@pytest.fixture(scope="module")
def story(failure_runs: Future[Scenario], prefect_server) -> Scenario:
    # (prefect_server: these tests run with those of the other pages that need one)
    return failure_runs.result(timeout=900)


def check_history(story: Scenario, shown: str, update: bool) -> None:
    """`python run_history.py slow-count/nightly`, as shown in `shown`.out."""
    story.check(
        f"{F}/run_history.sh",
        key=f"{shown}.out",
        output=f"{F}/{shown}.out",
        update=update,
    )


def test_a_cached_task_runs_once_per_input(
    story: Scenario, update_outputs: bool
) -> None:
    story.check(f"{F}/run_caching.sh", update=update_outputs)
    # three runs of the flow, two for the same day; the task's body wrote one line
    # per day: the second run used the result the first stored, the third, for
    # another day, ran the body again
    assert story.seen["downloads"] == (
        "downloaded the report of 2026-11-24\ndownloaded the report of 2026-11-25\n"
    )


def test_a_killed_process_crashes_its_run(
    story: Scenario, update_outputs: bool
) -> None:
    crashed = story.seen["crashed"]
    assert crashed.state.type.value == "CRASHED"
    assert "SIGKILL" in crashed.state.message
    assert story.seen["crashed process gone"]
    story.check(
        f"{F}/worker.sh",
        key="worker_crashed.out",
        output=f"{F}/worker_crashed.out",
        update=update_outputs,
    )
    check_history(story, "history_crashed", update_outputs)


def test_one_idempotency_key_one_run(story: Scenario, update_outputs: bool) -> None:
    story.check(f"{F}/trigger_once.sh", update=update_outputs)
    (run,) = story.seen["triggered"]  # two triggers, one run
    assert run.state.is_completed() and run.parameters == {"to": 3}


def test_an_idempotency_key_is_one_run_per_flow_not_per_deployment(
    prefect_server,
) -> None:
    """The page: the server makes one run per key and flow. The same key given to two
    deployments of one flow returns the first deployment's run; another flow's
    deployment gets a run of its own."""

    @flow(name=f"idempotent-{uuid.uuid4().hex[:8]}")
    def export() -> None: ...

    @flow(name=f"idempotent-other-{uuid.uuid4().hex[:8]}")
    def other() -> None: ...

    for name in ("morning", "evening"):
        export.to_deployment(name=name).apply()
    other.to_deployment(name="morning").apply()
    key = f"tonight-{uuid.uuid4()}"
    morning = run_deployment(f"{export.name}/morning", idempotency_key=key, timeout=0)
    evening = run_deployment(f"{export.name}/evening", idempotency_key=key, timeout=0)
    elsewhere = run_deployment(f"{other.name}/morning", idempotency_key=key, timeout=0)
    assert evening.id == morning.id
    assert evening.deployment_id == morning.deployment_id  # the first deployment's
    assert elsewhere.id != morning.id


def test_a_cancelled_run_ends_cancelled_and_its_process_is_gone(
    story: Scenario, update_outputs: bool
) -> None:
    cancelled = story.seen["cancelled"]
    assert cancelled.state.type.value == "CANCELLED"
    assert story.seen["cancelled process gone"]
    story.check(f"{F}/cancel_running.sh", update=update_outputs)
    story.check(
        f"{F}/worker.sh",
        key="worker_cancelled.out",
        output=f"{F}/worker_cancelled.out",
        update=update_outputs,
    )
    check_history(story, "history_cancelled", update_outputs)


def test_a_run_outlives_its_killed_worker_until_it_writes(
    story: Scenario, update_outputs: bool
) -> None:
    # the worker died; the run's process found its output gone at its next print
    orphan = story.seen["orphan"]
    assert orphan.state.type.value == "CRASHED"
    assert orphan.state.message == "Execution was aborted by Python system exit call."
    assert story.seen[f"{F}/run_slow_count.sh process gone"]
    check_history(story, "history_orphan", update_outputs)


def test_a_quiet_run_completes_without_its_killed_worker(
    story: Scenario, update_outputs: bool
) -> None:
    quiet = story.seen["quiet orphan"]
    assert quiet.parameters == {"to": 30, "quiet": True}
    assert quiet.state.type.value == "COMPLETED"
    running, completed = story.seen["quiet orphan states"][-2:]
    assert running.type.value == "RUNNING"
    # the worker was killed while the run was running, and the run's process
    # reported its end itself, later
    killed_at = story.seen[f"{F}/run_slow_count_quiet.sh worker killed at"]
    assert running.timestamp.timestamp() < killed_at < completed.timestamp.timestamp()
    assert story.seen[f"{F}/run_slow_count_quiet.sh process gone"]
    check_history(story, "history_orphan_quiet", update_outputs)


def test_a_zombie_run_is_crashed_by_the_heartbeat_automation(
    story: Scenario, update_outputs: bool
) -> None:
    story.check(f"{F}/create_automation.sh", update=update_outputs)
    zombie = story.seen["zombie"]
    assert zombie.state.type.value == "CRASHED"
    running, crashed = story.seen["zombie states"][-2:]
    # Nothing was left to report the run's end: it stayed Running, with its worker
    # and its process dead, until the automation missed its heartbeats.
    assert running.type.value == "RUNNING"
    assert crashed.message == "No heartbeat for 90 seconds: the run's process is gone."
    assert crashed.timestamp.timestamp() - story.seen["zombie killed at"] > 60
    check_history(story, "history_zombie", update_outputs)


def test_no_server_at_the_api_url(story: Scenario, update_outputs: bool) -> None:
    result = story.check(f"{F}/run_without_server.sh", update=update_outputs)
    assert "RuntimeError: Failed to reach API at http://127.0.0.1:4201/api/" in (
        result.output
    )


def test_a_malformed_prefect_yaml(story: Scenario, update_outputs: bool) -> None:
    result = story.check(f"{F}/deploy_all.sh", update=update_outputs)
    assert 'in "malformed.yaml", line 4, column 13' in result.output
