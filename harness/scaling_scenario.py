"""The scaling page's warning, seen: a server split into the API and the services, on
the in-memory broker, runs flows but records no task runs and no events.

The journey follows the rest of the page (PostgreSQL, the load test, the limits). This
takes the tasks lesson's flow to a whole server, then to the split pair, in a private
network where the server has Prefect's port (4200), as on a reader's machine; the
tests reach it through a port bridge. It starts when the session does, in the
background, and test_scaling_page.py checks what it recorded.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from harness import REPO
from harness.netns import PrivateNetwork
from harness.terminal import Background, Scenario, Terminal, id_after
from harness.waiting import WaitedTooLong, wait_until

# Prefect is imported where it is used, not here: this module is loaded with
# conftest.py, before the session's settings are in the environment.

SC = "snippets/scaling"
API = "http://127.0.0.1:4200/api"


def started_server(
    terminal: Terminal, network: PrivateNetwork, log: Path
) -> Background:
    server = terminal.start(
        f"{SC}/server_start.sh", log=log, stop_signals=(signal.SIGTERM,)
    )
    network.wait_until_healthy(API)
    return server


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


def whole_then_split(project: Path, home: Path, logs: Path) -> Scenario:
    with PrivateNetwork() as network:
        terminal = Terminal(cwd=project, home=home, api_url=API, wrap=network.wrap)
        scenario = Scenario(terminal)
        port = network.reach(4200)
        # The reader's settings from the earlier pages: the `local` profile of the
        # server page, and the install page's quiet settings in it.
        scenario.run("snippets/server/use_local_profile.sh")
        scenario.run("snippets/install/quiet_settings.sh")
        with started_server(terminal, network, logs / "server.log"):
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
    return scenario


@pytest.fixture(scope="session")
def scaling(session_dir: Path) -> Iterator[Future[Scenario]]:
    project = session_dir / "scaling"
    project.mkdir()
    shutil.copy(REPO / "snippets/tasks/hello_tasks.py", project)
    logs = session_dir / "scaling-logs"
    logs.mkdir()
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit(whole_then_split, project, session_dir / "scaling-home", logs)
