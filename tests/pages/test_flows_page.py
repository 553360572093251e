"""The first-flow page's claims about the temporary server."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

from harness import REPO
from harness.reader_fixtures import Installed, Step


def test_a_run_without_a_server_uses_a_temporary_one_and_keeps_its_record(
    installed: Installed, first_run: Step, update_outputs: bool
) -> None:
    result = first_run.check(update=update_outputs)
    assert "Starting temporary server on http://127.0.0.1:" in result.output
    assert "Stopping temporary server" in result.output

    # The temporary server is gone, its record stays: the run is in the SQLite
    # database under PREFECT_HOME, where a `prefect server start` will find it.
    with sqlite3.connect(installed.home / "prefect.db") as db:
        runs = db.execute(
            "SELECT flow.name, flow_run.state_type FROM flow_run"
            " JOIN flow ON flow.id = flow_run.flow_id"
        ).fetchall()
    assert runs == [("hello-flow", "COMPLETED")]


TIMED_OUT = (
    "RuntimeError: Timed out while attempting to connect to ephemeral Prefect API "
    "server."
)


def test_a_first_run_that_times_out_says_so_and_more_time_fixes_it(
    installed: Installed, first_run: Step, tmp_path: Path
) -> None:
    # A reader's very first run, on a new ~/.prefect, on a machine slower than
    # Prefect's 20 s allowance: here the allowance is cut to 1 s to be slower than it.
    new_home = dataclasses.replace(installed.terminal, home=tmp_path / "prefect-home")
    slow = new_home.with_env(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="1")
    failed = slow.run("snippets/flows/run_hello_flow.sh")
    assert failed.returncode == 1, failed.output
    # the traceback's last line, before Prefect's note that it stops the server
    assert TIMED_OUT in failed.output.splitlines(), failed.output
    assert "Hello, world!" not in failed.output  # the function never ran
    assert TIMED_OUT in (REPO / "docs/flows.md").read_text()  # as the page quotes it

    # The page's remedy, typed as shown, in the same new home: the server now has
    # time to create its database, and the run completes.
    fixed = new_home.run("snippets/flows/run_hello_flow_more_time.sh")
    assert fixed.returncode == 0, fixed.output
    assert "Hello, world!" in fixed.output
    assert "Finished in state Completed()" in fixed.output
