"""The scaling page: the server on a real PostgreSQL, two workers sharing a pool under
a load of 20 runs on each database, and concurrency limits. The reader's steps run in
the background from the start of the session (scaling_scenario.py); these tests check
what they recorded."""

from __future__ import annotations

import json
from concurrent.futures import Future

import pytest
from commands import REPO, Scenario

SC = "snippets/scaling"
RUNS = 20


def result(scaling: Future[Scenario]) -> Scenario:
    return scaling.result(timeout=900)


def test_the_server_on_postgresql(scaling: Future[Scenario], update_outputs: bool):
    scenario = result(scaling)
    scenario.check(f"{SC}/create_database.sh", update=update_outputs)
    scenario.check(f"{SC}/use_postgres.sh", update=update_outputs)
    scenario.check(f"{SC}/server_wrong_password.sh", update=update_outputs)
    scenario.check(
        f"{SC}/server_workers.sh", key="workers on postgres", update=update_outputs
    )
    scenario.check(
        f"{SC}/server_workers.sh",
        key="workers on sqlite",
        output=f"{SC}/server_workers_sqlite.out",
        update=update_outputs,
    )


LOCKED = REPO / "docs/data/database_is_locked.json"


def test_the_page_says_how_often_sqlite_was_locked(
    scaling: Future[Scenario], update_outputs: bool
):
    """The scaling page quotes how many "database is locked" errors each server
    logged during its load test: figures of the last refresh, like the load test's."""
    scenario = result(scaling)
    fresh = {db: scenario.seen[f"{db} locked"] for db in ("postgres", "sqlite")}
    assert fresh["postgres"] == 0  # PostgreSQL has no such lock
    if update_outputs:
        LOCKED.write_text(json.dumps(fresh, indent=2) + "\n")
    shown = json.loads(LOCKED.read_text())
    assert set(shown) == {"postgres", "sqlite"} and shown["postgres"] == 0
    assert isinstance(shown["sqlite"], int) and shown["sqlite"] >= 0


@pytest.mark.parametrize("database", ["postgres", "sqlite"])
def test_two_workers_share_the_runs(
    scaling: Future[Scenario], database: str, update_outputs: bool
):
    scenario = result(scaling)
    scenario.check(
        f"{SC}/load_test.sh",
        key=f"load {database}",
        output=f"{SC}/load_test_{database}.out",
        update=update_outputs,
    )
    # every run completed, each started exactly once, and both workers had a share
    assert len(scenario.seen[f"{database} completed"]) == RUNS
    assert scenario.seen[f"{database} times run"] == {1: RUNS}
    per_worker = scenario.seen[f"{database} per worker"]
    assert set(per_worker) == {"worker-a", "worker-b"}, per_worker
    assert sum(per_worker.values()) == RUNS and min(per_worker.values()) > 0


def test_concurrency_limits(scaling: Future[Scenario], update_outputs: bool):
    scenario = result(scaling)
    scenario.check(f"{SC}/pool_limits.sh", update=update_outputs)
    scenario.check(
        f"{SC}/run_limited_queries.sh",
        key="no limit yet",
        output=f"{SC}/limited_queries_no_limit.out",
        update=update_outputs,
    )
    scenario.check(f"{SC}/gcl_create.sh", update=update_outputs)
    shown = scenario.check(f"{SC}/run_limited_queries.sh", update=update_outputs)
    assert "6 queries, at most 2 at a time" in shown.output
    assert scenario.seen["limits"] == (6, 3, 2)


def test_a_split_server_needs_a_shared_message_broker(scaling: Future[Scenario]):
    scenario = result(scaling)
    # The whole server recorded the tasks lesson's two task runs and its events...
    whole = scenario.seen["whole"]
    assert whole["flow run"] == "COMPLETED", whole
    assert whole["task runs"] == 2 and whole["events"] > 0, whole
    # ...the API and the services as two processes on the in-memory broker (the
    # page's warning) ran the flow but recorded neither.
    split = scenario.seen["split"]
    assert split == {"flow run": "COMPLETED", "task runs": 0, "events": 0}, split
