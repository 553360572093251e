"""The failure page's runs on a worker, followed as a reader follows the page.

A long flow run is killed, cancelled, left behind by a worker that dies, and lost with
its worker (a zombie that only a heartbeat automation ends). These runs take minutes
of mostly waiting, and they kill workers: they get a Prefect server of their own (on a
free port of 127.0.0.1, stopped by its PID), start with the session in the background,
and the page's tests check what they recorded.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from harness import REPO, processes
from harness.netns import PrivateNetwork
from harness.prefect_server import FAST_POLLING, PrefectServer
from harness.terminal import Background, Result, Scenario, Terminal, id_after

if TYPE_CHECKING:
    # A plugin module: Prefect must not be imported before conftest.py has pointed
    # the environment at the session's server (see pytest_configure).
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.client.schemas.objects import FlowRun

F = "snippets/failure"
WORKER_STARTED = r"Worker '.*' started!"


class Runs:
    """What the tests ask the failure page's own server."""

    def __init__(self, client: SyncPrefectClient) -> None:
        self.client = client

    def read(self, run_id: str) -> FlowRun:
        return self.client.read_flow_run(run_id)

    def running(self, run_id: str) -> FlowRun:
        """The run once its process runs the flow (and the worker recorded its PID)."""
        from harness.waiting import wait_until

        def check() -> FlowRun | None:
            run = self.read(run_id)
            return run if run.state.is_running() and run.infrastructure_pid else None

        return wait_until(check, timeout=120, what=f"flow run {run_id} running")

    def final(self, run_id: str, timeout: float = 90) -> FlowRun:
        from harness.waiting import wait_until

        def check() -> FlowRun | None:
            run = self.read(run_id)
            return run if run.state.is_final() else None

        return wait_until(check, timeout=timeout, what=f"flow run {run_id} ending")

    def states(self, run_id: str) -> list:
        return self.client.read_flow_run_states(run_id)

    def heartbeats(self, run_id: str) -> list:
        from prefect.events.filters import (
            EventFilter,
            EventNameFilter,
            EventResourceFilter,
        )

        page = self.client.read_events(
            EventFilter(
                event=EventNameFilter(name=["prefect.flow-run.heartbeat"]),
                resource=EventResourceFilter(id=[f"prefect.flow-run.{run_id}"]),
            ),
            limit=50,
        )
        return list(page.events)


def excerpt(output: str, start: int, *patterns: str) -> str:
    """The worker's log lines from `start` on that contain one of `patterns`."""
    lines = output[start:].splitlines()
    return "\n".join(line for line in lines if any(p in line for p in patterns)) + "\n"


def start_worker(terminal: Terminal, log: Path) -> Background:
    worker = terminal.start(f"{F}/worker.sh", log=log)
    try:
        worker.wait_for(WORKER_STARTED)
    except BaseException:
        worker.stop()
        raise
    return worker


def new_slow_run(scenario: Scenario, runs: Runs, key: str) -> FlowRun:
    created = scenario.run(f"{F}/run_slow_count.sh", key=key)
    assert created.returncode == 0, created.output
    return runs.running(id_after("UUID: ", created.output))


def killed_run(scenario: Scenario, runs: Runs, worker: Background) -> None:
    """`kill -9` on a running run's process: the worker reports it Crashed."""
    run = new_slow_run(scenario, runs, "crash")
    mark = len(worker.output)
    scenario.run(f"{F}/kill_running.sh")
    scenario.seen["crashed"] = runs.final(str(run.id))
    scenario.seen["crashed process gone"] = not processes.running(
        int(run.infrastructure_pid)
    )
    worker.wait_for(r"Reported flow run '.*' as crashed")
    scenario.results["worker_crashed.out"] = Result(
        0, excerpt(worker.output, mark, "flow_run_executor", "as crashed")
    )
    scenario.run(f"{F}/run_history.sh", key="history_crashed.out")


def triggered_twice(scenario: Scenario, runs: Runs) -> None:
    """The same idempotency key twice: one run, which the worker runs once."""
    before = {run.id for run in runs.client.read_flow_runs()}
    scenario.run(f"{F}/trigger_once.sh")
    new = [run for run in runs.client.read_flow_runs() if run.id not in before]
    scenario.seen["triggered"] = [runs.final(str(run.id)) for run in new]


def cancelled_run(scenario: Scenario, runs: Runs, worker: Background) -> None:
    """`prefect flow-run cancel`: Cancelling; the worker kills the process;
    Cancelled."""
    run = new_slow_run(scenario, runs, "cancel")
    mark = len(worker.output)
    scenario.run(f"{F}/cancel_running.sh")
    scenario.seen["cancelled"] = runs.final(str(run.id))
    from harness.waiting import wait_until

    scenario.seen["cancelled process gone"] = wait_until(
        lambda: not processes.running(int(run.infrastructure_pid)),
        timeout=30,
        what="the cancelled run's process exiting",
    )
    worker.wait_for(r"Cancelled flow run '")
    scenario.results["worker_cancelled.out"] = Result(
        0, excerpt(worker.output, mark, "cancel", "terminated", "Finished in state")
    )
    scenario.run(f"{F}/run_history.sh", key="history_cancelled.out")


def lose_the_worker(
    scenario: Scenario, runs: Runs, terminal: Terminal, log: Path, command: str
) -> FlowRun:
    """Start a run with `command`, and once its flow code runs (its process has
    written its first log lines), kill its worker (SIGKILL); then wait for the run's
    end and for its process to exit."""
    from harness.waiting import wait_until

    with start_worker(terminal, log) as worker:
        created = scenario.run(command, key=command)
        assert created.returncode == 0, created.output
        run = runs.running(id_after("UUID: ", created.output))
        worker.wait_for(r"Flow run '[\w-]+' - View at http")
        os.killpg(worker.process.pid, signal.SIGKILL)
        worker.process.wait(timeout=30)
        killed_at = time.time()
    scenario.seen[f"{command} worker killed at"] = killed_at
    final = runs.final(str(run.id))
    scenario.seen[f"{command} process gone"] = wait_until(
        lambda: not processes.running(int(run.infrastructure_pid)),
        timeout=30,
        what="the orphaned run's process exiting",
    )
    return final


def worker_killed(scenario: Scenario, runs: Runs, terminal: Terminal, logs: Path):
    """The worker dies (SIGKILL); the run's process carries on without it, until it
    writes to its console, which was a pipe to the worker."""
    scenario.seen["orphan"] = lose_the_worker(
        scenario, runs, terminal, logs / "worker-killed.log", f"{F}/run_slow_count.sh"
    )
    scenario.run(f"{F}/run_history.sh", key="history_orphan.out")
    # the same, for a run that writes nothing while it works
    quiet = f"{F}/run_slow_count_quiet.sh"
    run = lose_the_worker(
        scenario, runs, terminal, logs / "worker-killed-quiet.log", quiet
    )
    scenario.seen["quiet orphan"] = run
    scenario.seen["quiet orphan states"] = runs.states(str(run.id))
    scenario.run(f"{F}/run_history.sh", key="history_orphan_quiet.out")


def zombie(scenario: Scenario, runs: Runs, terminal: Terminal, logs: Path) -> None:
    """The worker and the run's process die together, as with the machine under
    them: nothing reports the run's end; the heartbeat automation does."""
    from harness.waiting import wait_until

    with start_worker(terminal, logs / "worker-lost.log") as worker:
        run = new_slow_run(scenario, runs, "zombie")
        # the automation starts watching a run at its first heartbeat
        wait_until(
            lambda: runs.heartbeats(str(run.id)),
            timeout=60,
            what="the run's first heartbeat",
        )
        # the worker first, then at once the run's process: no one left to report
        os.killpg(worker.process.pid, signal.SIGKILL)
        os.kill(int(run.infrastructure_pid), signal.SIGKILL)
        scenario.seen["zombie killed at"] = time.time()
        scenario.seen["zombie"] = runs.final(str(run.id), timeout=240)
    scenario.seen["zombie states"] = runs.states(str(run.id))
    scenario.run(f"{F}/run_history.sh", key="history_zombie.out")


def bad_input(scenario: Scenario, project: Path) -> None:
    """A server that does not answer, and a prefect.yaml that is not YAML."""
    with PrivateNetwork() as network:  # nothing listens on 4201 there
        offline = Terminal(**{**scenario.terminal.__dict__, "wrap": network.wrap})
        scenario.results[f"{F}/run_without_server.sh"] = offline.run(
            f"{F}/run_without_server.sh"
        )
    broken = project / "broken-yaml"
    broken.mkdir()
    shutil.copy(REPO / F / "slow_count.py", broken)
    shutil.copy(REPO / F / "malformed_prefect.yaml", broken / "malformed.yaml")
    in_broken = Terminal(**{**scenario.terminal.__dict__, "cwd": broken})
    scenario.results[f"{F}/deploy_all.sh"] = in_broken.run(f"{F}/deploy_all.sh")


def failure_story(
    project: Path,
    home: Path,
    logs: Path,
    template: Path | None,
    session_server: PrefectServer,
) -> Scenario:
    from harness.prefect_api import client

    # Let the session's server boot first: the tests of every page wait for it.
    session_server.wait_until_ready(timeout=180)
    server = PrefectServer(home=home).start(template)
    try:
        server.wait_until_ready()
        terminal = Terminal(cwd=project, home=home, api_url=server.api_url)
        polling = terminal.with_env(**FAST_POLLING)
        scenario = Scenario(terminal)
        with client(server.api_url) as prefect:
            runs = Runs(prefect)
            scenario.run(f"{F}/run_caching.sh")
            scenario.seen["downloads"] = (project / "downloads.log").read_text()
            bad_input(scenario, project)
            scenario.run(f"{F}/deploy_slow_count.sh")
            scenario.run(f"{F}/create_automation.sh")
            with start_worker(polling, logs / "worker.log") as worker:
                killed_run(scenario, runs, worker)
                triggered_twice(scenario, runs)
                cancelled_run(scenario, runs, worker)
            worker_killed(scenario, runs, polling, logs)
            zombie(scenario, runs, polling, logs)
        return scenario
    finally:
        server.stop()


@pytest.fixture(scope="session")
def failure_runs(
    session_dir: Path,
    database_template_path: Path | None,
    booting_server: PrefectServer,
) -> Iterator[Future[Scenario]]:
    project = session_dir / "failure"
    project.mkdir()
    for name in ("slow_count.py", "caching.py", "crash_zombies.py", "run_history.py"):
        shutil.copy(REPO / F / name, project)
    shutil.copy(REPO / F / "trigger_once.py", project)
    shutil.copy(REPO / "snippets/flows/hello_flow.py", project)
    logs = session_dir / "failure-logs"
    logs.mkdir()
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit(
            failure_story,
            project,
            session_dir / "failure-home",
            logs,
            database_template_path,
            booting_server,
        )
