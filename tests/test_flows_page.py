"""The first-flow page's claims about the temporary server."""

from __future__ import annotations

import sqlite3

from reader_fixtures import Installed, Step


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
