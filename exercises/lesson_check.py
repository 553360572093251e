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
    FlowFilter,
    FlowFilterId,
    FlowRunFilter,
    FlowRunFilterStartTime,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.client.schemas.objects import FlowRun
from prefect.client.schemas.responses import DeploymentResponse
from prefect.client.schemas.sorting import FlowRunSort
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

WIDTH = 88
ANSI_CODE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
TRACEBACK = "Traceback (most recent call last):"
SCRIPT_TIMEOUT = 300  # seconds; every exercise's script ends in a few
LOGS_WAIT_SECONDS = 15


class CannotCheck(Exception):
    """Nothing can be checked: the message says why and what to do."""


class Stop(Exception):
    """A point failed that the points after it need (no run to look at)."""


@dataclass
class Check:
    """What a lesson's check works with: a client of the server the script ran
    against, and the time the script started."""

    client: SyncPrefectClient
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

    def logs_have(self, run: FlowRun, line: str, *, hint: str) -> None:
        """A point: one of the log lines of `run` is `line`. A run's process sends
        its log lines in batches, the last ones as it exits: a run can be Completed
        a moment before they arrive, so wait for them a little."""
        deadline = time.monotonic() + LOGS_WAIT_SECONDS
        while True:
            logs = self.client.read_logs(
                log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id]))
            )
            found = any(log.message == line for log in logs)
            if found or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        self.point(
            f"its logs have the line {line!r}",
            found,
            found=f"{len(logs)} log lines, none of them that one",
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
) -> None:
    """Check a lesson's exercise and exit with the outcome: run `script` (if any)
    against a Prefect server, then `points` against what it recorded."""
    # The check's own lines only: not Prefect's about the temporary server.
    logging.getLogger("prefect").setLevel(logging.WARNING)
    print(f'Checking the exercise of the lesson "{lesson}".')
    try:
        if script and not Path(script).is_file():
            raise CannotCheck(
                f"There is no {script} in this folder. Create it from the exercise's "
                "starter, or run the check in the folder where it is."
            )
        with (
            _Server(needs_your_server) as api_url,
            temporary_settings(updates={PREFECT_API_URL: api_url}),
            get_client(sync_client=True) as client,
        ):
            # A second of slack: the script's runs start after this, by the same clock.
            check = Check(client, datetime.now(UTC) - timedelta(seconds=1))
            if script:
                check.printed = _run_script(script, api_url)
            try:
                points(check)
            except Stop:
                print("  (the points after it need it, so the check stops here)")
    except CannotCheck as cannot:
        print(textwrap.fill(str(cannot), WIDTH))
        sys.exit(2)
    if check.failed:
        print(f"{check.passed} passed, {check.failed} failed: not yet.")
        sys.exit(1)
    print(f"All {check.passed} passed.")
    sys.exit(0)


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


def _run_script(script: str, api_url: str) -> str:
    """Run the reader's script as `python SCRIPT` would, against `api_url`; return
    what it printed."""
    env = {**os.environ, "PREFECT_API_URL": api_url}
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
