"""The scaling page, followed as a reader does: the server on a real PostgreSQL, two
workers sharing a pool under a load of 20 runs (on PostgreSQL, then on SQLite), and
concurrency limits.

Everything runs in a private network where PostgreSQL has its default port (5432) and
the Prefect server Prefect's (4200), as on a reader's machine; the tests reach that
server through a port bridge. The page needs nothing from the session's server, and its
load test is the longest part of the suite: it starts when the session does, in the
background, and the page's tests (test_scaling_page.py) check what it recorded.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from harness import REPO
from harness.netns import PrivateNetwork
from harness.postgres import ThrowawayPostgres
from harness.pty_session import ENTER, Question
from harness.terminal import Background, Scenario, Terminal, id_after
from harness.waiting import WaitedTooLong, wait_until

if TYPE_CHECKING:
    from prefect.client.orchestration import SyncPrefectClient

# Prefect is imported where it is used, not here: this module is loaded with
# conftest.py, before the session's settings are in the environment.

SC = "snippets/scaling"
SUPERUSER_PASSWORD = "postgres-password"  # what the reader gave their PostgreSQL
API = "http://127.0.0.1:4200/api"


def started_server(
    terminal: Terminal, network: PrivateNetwork, log: Path
) -> Background:
    server = terminal.start(
        f"{SC}/server_start.sh", log=log, stop_signals=(signal.SIGTERM,)
    )
    network.wait_until_healthy(API)
    return server


def completed_runs_of_deployment(client: SyncPrefectClient, name: str) -> list:
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterName,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    return client.read_flow_runs(
        deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[name])),
        flow_run_filter=FlowRunFilter(
            state=FlowRunFilterState(
                type=FlowRunFilterStateType(any_=[StateType.COMPLETED])
            )
        ),
        limit=200,
    )


def submitted_per_worker(client: SyncPrefectClient) -> Counter:
    """The flow runs each worker started, from the workers' events."""
    from prefect.events.filters import EventFilter, EventNameFilter

    page = client.read_events(
        EventFilter(event=EventNameFilter(name=["prefect.worker.submitted-flow-run"])),
        limit=50,
    )
    events = list(page.events)
    while page.next_page:
        page = client.read_events_page(page.next_page)
        events += page.events
    return Counter(event.resource.name for event in events)


def load(scenario: Scenario, key: str, logs: Path, port: int) -> None:
    """Deploy, start two workers on one pool, queue the runs; record what happened."""
    from prefect.client.schemas.objects import StateType

    from harness.prefect_api import client_at

    terminal = scenario.terminal
    scenario.run(f"{SC}/deploy_load_test.sh", key=f"deploy {key}")
    # The workers poll as often as a reader's do (every 10 s), not as fast as the
    # other pages' tests let theirs: with SQLite, a poll every second from each
    # worker is two more writers for the one lock, and the load test's own requests
    # to create the runs then ran out of retries (HTTP 503) on a busy machine. All
    # 20 runs end about as soon either way: a worker fetches runs 10 s ahead.
    with (
        terminal.start(f"{SC}/worker_a.sh", log=logs / f"worker-a-{key}.log") as a,
        terminal.start(f"{SC}/worker_b.sh", log=logs / f"worker-b-{key}.log") as b,
    ):
        for worker in (a, b):
            worker.wait_for(r"Worker '.*' started!")
        scenario.run(f"{SC}/load_test.sh", key=f"load {key}")
    # What the server's own terminal showed meanwhile: SQLite's lock lost in a race.
    server_log = (logs / f"server-{key}.log").read_text(errors="replace")
    scenario.seen[f"{key} locked"] = server_log.count(
        "OperationalError: database is locked"
    )
    with client_at(port) as client:
        finished = completed_runs_of_deployment(client, "nightly")
        scenario.seen[f"{key} completed"] = [run.id for run in finished]
        # How many times each run was started: its Running states.
        scenario.seen[f"{key} times run"] = Counter(
            sum(
                state.type == StateType.RUNNING
                for state in client.read_flow_run_states(run.id)
            )
            for run in finished
        )
        scenario.seen[f"{key} per worker"] = submitted_per_worker(client)


def tasks_recorded(terminal: Terminal, port: int, timeout: float) -> dict:
    """Run the tasks lesson's flow; wait (up to `timeout`) for its two task runs and
    its events to be on the server. What it found, whether or not they came."""
    from uuid import UUID as RunId

    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.events.filters import EventAnyResourceFilter, EventFilter

    from harness.prefect_api import client_at

    ran = terminal.run("snippets/tasks/run_hello_tasks.sh")
    assert ran.returncode == 0, ran.output
    run_id = id_after("/runs/flow-run/", ran.output)
    found: dict = {}

    def recorded(client) -> bool:
        found.update(
            {
                "flow run": client.read_flow_run(run_id).state.type.value,
                "task runs": len(
                    client.read_task_runs(
                        flow_run_filter=FlowRunFilter(
                            id=FlowRunFilterId(any_=[RunId(run_id)])
                        )
                    )
                ),
                "events": client.read_events(
                    EventFilter(
                        any_resource=EventAnyResourceFilter(
                            id=[f"prefect.flow-run.{run_id}"]
                        )
                    ),
                    limit=50,  # the most the server accepts; only the total counts
                ).total,
            }
        )
        return found["task runs"] == 2 and bool(found["events"])

    # What came within `timeout`, whether or not all of it came: the page's test
    # says what is missing.
    with client_at(port) as client, contextlib.suppress(WaitedTooLong):
        wait_until(
            lambda: recorded(client),
            timeout=timeout,
            interval=0.5,
            what=f"the task runs and events of flow run {run_id}",
        )
    return found


def on_postgres_then_sqlite(project: Path, home: Path, logs: Path) -> Scenario:
    from harness.prefect_api import client_at

    with (
        PrivateNetwork() as network,
        ThrowawayPostgres(password=SUPERUSER_PASSWORD, wrap=network.wrap),
    ):
        terminal = Terminal(cwd=project, home=home, api_url=API, wrap=network.wrap)
        scenario = Scenario(terminal)
        port = network.reach(4200)
        # The reader's settings from the earlier pages: the `local` profile of the
        # server page, and the install page's quiet settings in it.
        scenario.run("snippets/server/use_local_profile.sh")
        scenario.run("snippets/install/quiet_settings.sh")
        scenario.run(
            f"{SC}/create_database.sh",
            [Question("Password for user postgres:", SUPERUSER_PASSWORD + ENTER, "…")],
        )
        scenario.run(f"{SC}/use_postgres.sh")
        scenario.run(f"{SC}/server_wrong_password.sh")
        scenario.run(f"{SC}/server_workers.sh", key="workers on postgres")
        with started_server(terminal, network, logs / "server-postgres.log"):
            load(scenario, "postgres", logs, port)
            scenario.run(f"{SC}/pool_limits.sh")
            scenario.run(f"{SC}/run_limited_queries.sh", key="no limit yet")
            scenario.run(f"{SC}/gcl_create.sh")
            scenario.run(f"{SC}/run_limited_queries.sh")
            with client_at(port) as client:
                pool = client.read_work_pool("shared-pool")
                queue = client.read_work_queue_by_name("default", "shared-pool")
                limit = client.read_global_concurrency_limit_by_name("database")
            scenario.seen["limits"] = (
                pool.concurrency_limit,
                queue.concurrency_limit,
                limit.limit,
            )
            # For the split below: how soon a whole server records a flow's tasks.
            start = time.monotonic()
            scenario.seen["whole"] = tasks_recorded(terminal, port, timeout=60)
            scenario.seen["whole took"] = time.monotonic() - start
        # The same server as two processes on the in-memory broker (the page warns).
        with (
            terminal.start(
                f"{SC}/server_api_only.sh",
                log=logs / "server-api-only.log",
                stop_signals=(signal.SIGTERM,),
            ),
            terminal.start(
                f"{SC}/server_services.sh",
                log=logs / "server-services.log",
                stop_signals=(signal.SIGINT, signal.SIGTERM),
            ) as services,
        ):
            network.wait_until_healthy(API)
            services.wait_for(r"Starting services\.\.\. Press CTRL\+C to stop")
            # Waiting for something that must not happen: give it several times as
            # long as the whole server took to record the same.
            scenario.seen["split"] = tasks_recorded(
                terminal, port, timeout=max(15, 5 * scenario.seen["whole took"])
            )
        # Back to SQLite, in the same Prefect home.
        scenario.run(f"{SC}/use_sqlite.sh")
        scenario.run(f"{SC}/server_workers.sh", key="workers on sqlite")
        with started_server(terminal, network, logs / "server-sqlite.log"):
            load(scenario, "sqlite", logs, port)
    return scenario


@pytest.fixture(scope="session")
def scaling(session_dir: Path) -> Iterator[Future[Scenario]]:
    project = session_dir / "scaling"
    project.mkdir()
    shutil.copy(REPO / "snippets/deployments/hello_flow.py", project)
    shutil.copy(REPO / "snippets/tasks/hello_tasks.py", project)
    for path in (REPO / SC).glob("*.py"):
        shutil.copy(path, project)
    (project / "create_database.sql").write_bytes(
        (REPO / SC / "create_database.sql").read_bytes()
    )
    logs = session_dir / "scaling-logs"
    logs.mkdir()
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit(
            on_postgres_then_sqlite, project, session_dir / "scaling-home", logs
        )
