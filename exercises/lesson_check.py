"""The part every lesson's exercise check shares: find a Prefect server, run your
script against it, then print each point the lesson's check looks at, passed or not.

Each lesson's check (`check_flows.py`, `check_tasks.py`, ...) imports this file: keep it
next to them, in your project folder. Every lesson's download has a copy.

A check exits with 0 when every point passed, 1 when one did not, and 2 when it could
not check at all (no script to run, no server that answers).
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowFilter,
    FlowFilterId,
    FlowRunFilter,
    FlowRunFilterExpectedStartTime,
    FlowRunFilterId,
    FlowRunFilterStartTime,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.client.schemas.objects import FlowRun, TaskRun
from prefect.client.schemas.responses import DeploymentResponse
from prefect.client.schemas.sorting import FlowRunSort, TaskRunSort
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

# Goes up when the checks need something new of this file. Every check imports it, so
# a copy older than the check says so clearly: `if REVISION < N` in a check needing N.
REVISION = 3
# What each revision after 2 added, and so which N a check that uses it needs.
ADDED_IN = {"the_run_of": 3, "worker_ran": 3}
WIDTH = 88
ANSI_CODE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
TRACEBACK = "Traceback (most recent call last):"
SCRIPT_TIMEOUT = 300  # seconds; every exercise's script ends in a few
LOGS_WAIT_SECONDS = 15
RECORDS_WAIT_SECONDS = 15


class CannotCheck(Exception):
    """Nothing can be checked: the message says why and what to do."""


class Stop(Exception):
    """A point failed that the points after it need (no run to look at)."""


@dataclass
class Check:
    """What a lesson's check works with: a client of the server the script ran
    against (None when the check needs no server), and the time the script started."""

    client: SyncPrefectClient | None
    started: datetime
    printed: str = ""
    """What the script printed (stdout and stderr), without colour codes."""
    passed: int = 0
    failed: int = 0

    def point(
        self, what: str, ok: bool, *, found: object = None, hint: str = ""
    ) -> bool:
        """Print one point: `what` should hold; when it does not, what was found
        instead and a hint."""
        if ok:
            self.passed += 1
            print(f"  ✓ {what}")
            return True
        self.failed += 1
        print(f"  ✗ {what}")
        if found is not None:
            _say("found:", str(found))
        if hint:
            _say("hint:", hint)
        return False

    def needed(
        self, what: str, ok: bool, *, found: object = None, hint: str = ""
    ) -> None:
        """A point the next ones need: when it fails, the check stops there."""
        if not self.point(what, ok, found=found, hint=hint):
            raise Stop

    def flow_runs(self) -> list[FlowRun]:
        """The flow runs that started since the script did, the newest first."""
        return self.client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                start_time=FlowRunFilterStartTime(after_=self.started)
            ),
            sort=FlowRunSort.START_TIME_DESC,
        )

    def flow_names(self, runs: list[FlowRun]) -> dict[object, str]:
        """The name of the flow of each run, by flow id."""
        ids = list({run.flow_id for run in runs})
        if not ids:
            return {}
        flows = self.client.read_flows(
            flow_filter=FlowFilter(id=FlowFilterId(any_=ids))
        )
        return {flow.id: flow.name for flow in flows}

    def the_flow_run(self, flow_name: str, *, hint: str) -> FlowRun:
        """The newest run of the flow `flow_name` since the script started; the
        check stops when there is none, saying which flows ran instead. `hint` is
        for when no flow ran at all."""
        runs = self.flow_runs()
        names = self.flow_names(runs)
        mine = [run for run in runs if names[run.flow_id] == flow_name]
        if mine:
            self.point(f"a run of the flow {flow_name}", True)
            return mine[0]
        others = sorted({names[run.flow_id] for run in runs})
        if others:
            found = "runs of the flow " + ", ".join(others)
            hint = (
                "A flow takes its function's name (with - for _) unless @flow says "
                f'otherwise: @flow(name="{flow_name}").'
            )
        else:
            found = "no flow run at all"
        self.needed(f"a run of the flow {flow_name}", False, found=found, hint=hint)
        raise AssertionError("unreachable")

    def the_deployment(self, name: str, *, hint: str) -> DeploymentResponse:
        """The deployment `name` (`flow/deployment`), deployed or deployed again by
        the script; the check stops when there is none, or only an older one."""
        try:
            deployment = self.client.read_deployment_by_name(name)
        except ObjectNotFound:
            deployment = None
        self.needed(
            f"a deployment {name}, deployed by the script",
            deployment is not None and deployment.updated >= self.started,
            found="none of that name"
            if deployment is None
            else "one deployed before this check: the script did not deploy it again",
            hint=hint,
        )
        return deployment

    def the_run_of(
        self, deployment: DeploymentResponse, *, what: str, hint: str
    ) -> FlowRun:
        """The newest run of `deployment` asked for since the check started; the
        check stops when there is none."""
        runs = self.client.read_flow_runs(
            deployment_filter=DeploymentFilter(
                id=DeploymentFilterId(any_=[deployment.id])
            ),
            flow_run_filter=FlowRunFilter(
                expected_start_time=FlowRunFilterExpectedStartTime(after_=self.started)
            ),
        )
        self.needed(what, bool(runs), found="no run since the check started", hint=hint)
        return runs[0]

    def worker_ran(self, run: FlowRun, *, worker: str, wait_seconds: float = 0) -> None:
        """A point the next ones need: a worker ran `run` to Completed, within
        `wait_seconds` if it has not ended yet. `worker` is the command that starts
        one, for the hint."""
        deadline = time.monotonic() + wait_seconds
        while not run.state.is_final() and time.monotonic() < deadline:
            time.sleep(1)
            run = self.client.read_flow_run(run.id)
        self.needed(
            "a worker ran it to Completed",
            run.state_name == "Completed",
            found=run.state_name
            if run.state.is_final() or not wait_seconds
            else f"{run.state_name}, after {wait_seconds} s",
            hint="A deployment's run waits in its pool's queue until a worker takes "
            f"it. Start one in Terminal 3: {worker}",
        )

    def task_runs(self, run: FlowRun, task_name: str) -> list[TaskRun]:
        """The task runs of the task `task_name` in `run`, the first begun first.
        The server records task runs from the events the run sends, a moment after
        they happen: wait until it has them in final states and they stop changing."""
        deadline = time.monotonic() + RECORDS_WAIT_SECONDS
        seen = None
        while True:
            task_runs = [
                task_run
                for task_run in self.client.read_task_runs(
                    flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id])),
                    sort=TaskRunSort.EXPECTED_START_TIME_ASC,
                )
                if task_run.name.startswith(f"{task_name}-")
            ]
            now = [(task_run.id, task_run.state_name) for task_run in task_runs]
            final = all(
                task_run.state and task_run.state.is_final() for task_run in task_runs
            )
            if (final and now == seen) or time.monotonic() > deadline:
                return task_runs
            seen = now
            time.sleep(0.5)

    def logs_have(
        self, run: FlowRun, line: str, *, hint: str, like: str | None = None
    ) -> None:
        """A point: one of the log lines of `run` is `line`. A run's process sends
        its log lines in batches, the last ones as it exits: a run can be Completed
        a moment before they arrive, so wait for them a little. When it is not
        there, the lines that match the pattern `like` are what was found."""
        deadline = time.monotonic() + LOGS_WAIT_SECONDS
        while True:
            logs = self.client.read_logs(
                log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id]))
            )
            found = any(log.message == line for log in logs)
            if found or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        similar = [log.message for log in logs if like and re.search(like, log.message)]
        self.point(
            f"its logs have the line {line!r}",
            found,
            found=f"the line {', '.join(map(repr, similar))} instead"
            if similar
            else f"{len(logs)} log lines, none of them that one",
            hint=hint,
        )


def _say(label: str, text: str) -> None:
    print(
        textwrap.fill(
            text,
            WIDTH,
            initial_indent=f"      {label} ",
            subsequent_indent=" " * (7 + len(label)),
            break_on_hyphens=False,
            break_long_words=False,
        )
    )


def run_check(
    *,
    lesson: str,
    points: Callable[[Check], None],
    script: str | None = None,
    needs_your_server: bool = False,
    server: bool = True,
) -> None:
    """Check a lesson's exercise and exit with the outcome: run `script` (if any)
    against a Prefect server, then `points` against what it recorded. With
    `server=False`, no server: the points look at the script's output only."""
    # The check's own lines only: not Prefect's about the temporary server.
    logging.getLogger("prefect").setLevel(logging.WARNING)
    print(f'Checking the exercise of the lesson "{lesson}".')
    try:
        if script and not Path(script).is_file():
            raise CannotCheck(
                f"There is no {script} in this folder. Create it from the exercise's "
                "starter, or run the check in the folder where it is."
            )
        if not server:
            check = Check(None, datetime.now(UTC))
            if script:
                check.printed = _run_script(script, None)
            _check_points(check, points)
        else:
            with (
                _Server(needs_your_server) as api_url,
                temporary_settings(updates={PREFECT_API_URL: api_url}),
                get_client(sync_client=True) as client,
            ):
                # A second of slack: the script's runs start after this, by the same
                # clock.
                check = Check(client, datetime.now(UTC) - timedelta(seconds=1))
                if script:
                    check.printed = _run_script(script, api_url)
                _check_points(check, points)
    except CannotCheck as cannot:
        print(textwrap.fill(str(cannot), WIDTH))
        sys.exit(2)
    if check.failed:
        print(f"{check.passed} passed, {check.failed} failed: not yet.")
        sys.exit(1)
    print(f"All {check.passed} passed.")
    sys.exit(0)


def _check_points(check: Check, points: Callable[[Check], None]) -> None:
    try:
        points(check)
    except Stop:
        print("  (the points after it need it, so the check stops here)")


class _Server:
    """The server the reader configured, or a temporary one for the check."""

    def __init__(self, needs_your_server: bool) -> None:
        self.needs_your_server = needs_your_server
        self.temporary = None

    def __enter__(self) -> str:
        configured = get_current_settings().api.url
        if configured:
            with get_client(sync_client=True) as client:
                trouble = client.api_healthcheck()
            if trouble is not None:
                raise CannotCheck(
                    f"PREFECT_API_URL is {configured}, but no Prefect server answers "
                    "there. Start yours (`uv run prefect server start` in Terminal 1, "
                    "as in the lesson on the server) and run the check again."
                )
            print(f"Server: yours, at {configured}")
            return configured
        if self.needs_your_server:
            raise CannotCheck(
                "This exercise needs your Prefect server, and PREFECT_API_URL is not "
                "set. Start the server and point this terminal at it as the lesson on "
                "the server shows, then run the check again."
            )
        # The same kind of temporary server a flow starts when no server is set.
        from prefect.server.api.server import SubprocessASGIServer

        print(
            "Server: none is set (no PREFECT_API_URL), so a temporary one for the check"
        )
        self.temporary = SubprocessASGIServer()
        try:
            self.temporary.start()
        except RuntimeError:
            self.temporary.stop()
            raise CannotCheck(
                "The temporary server did not answer in time. Give it more, as the "
                "lesson on flows shows: put "
                "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS=90 in front of the "
                "command."
            ) from None
        return self.temporary.api_url

    def __exit__(self, *exc_info: object) -> None:
        if self.temporary:
            self.temporary.stop()


def _run_script(script: str, api_url: str | None) -> str:
    """Run the reader's script as `python SCRIPT` would, against `api_url` (if
    any); return what it printed."""
    env = {**os.environ, **({"PREFECT_API_URL": api_url} if api_url else {})}
    print(f"Ran: python {script}", end="", flush=True)
    try:
        done = subprocess.run(
            [sys.executable, script],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=SCRIPT_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        print()
        raise CannotCheck(
            f"python {script} was still running after {SCRIPT_TIMEOUT} s, and the "
            "exercise ends in seconds. Look for a loop that does not end."
        ) from None
    print(f", which exited with {done.returncode}")
    # In a terminal, Prefect colours its lines: the codes would only get in the way.
    printed = ANSI_CODE.sub("", done.stdout)
    if done.returncode and (raised := _what_was_raised(printed)):
        print(f"  {raised}")
    return printed


def _what_was_raised(output: str) -> str | None:
    """The line of a Python traceback that says what was raised: the first one not
    indented after its last frame. The rest of the output is in the run's logs, and
    in your terminal when you run the script yourself."""
    lines = output.splitlines()
    starts = [at for at, line in enumerate(lines) if line.startswith(TRACEBACK)]
    if not starts:
        return None
    for line in lines[starts[-1] + 1 :]:
        if line and not line[0].isspace():
            return line
    return None
