"""The first-flow page's claims about the temporary server."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from commands import REPO, RUNS_BY_COMMAND, check_run


def test_a_run_without_a_server_uses_a_temporary_one_and_keeps_its_record(
    tmp_path: Path, update_outputs: bool
) -> None:
    (run,) = [
        run
        for run in RUNS_BY_COMMAND["snippets/flows/run_hello_flow.sh"]
        if run.dedicated
    ]
    home = tmp_path / "prefect-home"  # a fresh ~/.prefect, no PREFECT_API_URL
    # Set up as the install page says, first: otherwise the temporary server's
    # telemetry may log a "database is locked" traceback on its first start.
    (quiet,) = RUNS_BY_COMMAND["snippets/install/quiet_settings.sh"]
    check_run(quiet, cwd=tmp_path, home=home, api_url=None, update=update_outputs)
    result = check_run(
        run, cwd=REPO / "snippets/flows", home=home, api_url=None, update=update_outputs
    )
    assert "Starting temporary server on http://127.0.0.1:" in result.output
    assert "Stopping temporary server" in result.output

    # The temporary server is gone, its record stays: the run is in the SQLite
    # database under PREFECT_HOME, where a `prefect server start` will find it.
    with sqlite3.connect(home / "prefect.db") as db:
        runs = db.execute(
            "SELECT flow.name, flow_run.state_type FROM flow_run"
            " JOIN flow ON flow.id = flow_run.flow_id"
        ).fetchall()
    assert runs == [("hello-flow", "COMPLETED")]
