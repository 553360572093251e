"""The course followed literally, page after page, as a reader does.

The journey is harness/journey.py; it runs in the background from the start of the
session (harness/journey_fixture.py), and each page's test waits for its part.
"""

from __future__ import annotations

import json

import pytest

from harness import REPO
from harness.journey import FOLLOWED
from harness.journey_fixture import Followed


@pytest.mark.parametrize("page", FOLLOWED)
def test_a_reader_follows(journey: Followed, page: str) -> None:
    """Every step of the page works as the page says, in the terminal it names, and
    every output it shows is what that step printed."""
    journey.parts[page].result(timeout=3600)


LOCKED = REPO / "docs/data/database_is_locked.json"


def test_the_scaling_page_quotes_the_lock_errors_its_servers_logged(
    journey: Followed, update_outputs: bool
) -> None:
    """The scaling page says how many "database is locked" errors each server logged
    in Terminal 1 during its load test: figures of the run that recorded the load
    tests' outputs. Terminal 1 ran the PostgreSQL server from its wrong-password
    attempt to the first load test's output, and the SQLite server from `config
    unset` to the second's."""
    journey.parts["scaling.md"].result(timeout=3600)
    at = journey.journey.shown_at
    terminal = journey.journey.shells[1].text
    windows = {
        "postgres": ("server_wrong_password.out", "load_test_postgres.out"),
        "sqlite": ("use_sqlite.out", "load_test_sqlite.out"),
    }
    # The terminal's raw text: a line the screen wraps is one line here.
    fresh = {
        database: terminal[
            at[f"snippets/scaling/{start}"][1] : at[f"snippets/scaling/{end}"][1]
        ].count("OperationalError: database is locked")
        for database, (start, end) in windows.items()
    }
    assert fresh["postgres"] == 0, fresh  # PostgreSQL has no such lock
    if update_outputs:
        LOCKED.write_text(json.dumps(fresh, indent=2) + "\n")
    shown = json.loads(LOCKED.read_text())
    assert set(shown) == {"postgres", "sqlite"} and shown["postgres"] == 0
    assert isinstance(shown["sqlite"], int) and shown["sqlite"] >= 0


def test_the_subflow_runs_point_back_to_their_parents(journey: Followed) -> None:
    """What the composing page says the server holds and no output shows: each
    subflow run points back to a task run of its parent named after the child flow;
    a run logs with get_run_logger() under its own id; tags reach the subflow's task
    runs; with_options() copied the task with its retries."""
    journey.parts["compose.md"].result(timeout=3600)
    check_subflow_runs(journey.journey.probed["compose.md"])


def check_subflow_runs(probed: list[dict]) -> None:
    states = [
        (parent["state"], [child["state"] for child in parent["children"]])
        for parent in probed
    ]
    assert states == [
        ("Completed", ["Completed", "Completed"]),  # eu and us
        ("Failed", ["Completed", "Failed"]),  # eu and mars: the failure travels up
        ("Completed", ["Completed", "Failed"]),  # return_state=True: it does not
        ("Completed", ["Completed"]),  # tagged_report.py
    ]
    for parent in probed:
        for child in parent["children"]:
            assert child["called_by"] in parent["task_runs"]
            assert child["called_by"].startswith("region-report-")
    first_eu = probed[0]["children"][0]["task_runs"]["fetch-eu"]
    assert "Fetched 3 orders" in first_eu["logs"]
    tagged = probed[3]
    (report_eu,) = tagged["children"]
    assert report_eu["name"] == "report-eu"
    assert report_eu["tags"] == ["nightly"]
    assert report_eu["task_runs"]["fetch-eu"]["tags"] == ["nightly", "orders-db"]
    assert tagged["task_runs"]["refetch-us"] == {"tags": ["orders-db"], "retries": 2}


def test_the_docker_runs_reached_the_server_from_their_containers(
    journey: Followed,
) -> None:
    """What the Docker page says the server holds and no output shows: the log lines
    each run sent from inside its container, the job variables a run was given on
    its own, and the deployment's, unchanged by them."""
    journey.parts["docker.md"].result(timeout=3600)
    check_docker_runs(journey.journey.probed["docker.md"])


def check_docker_runs(probed: dict) -> None:
    assert probed["job_variables"] == {
        "image": "where-am-i:v1",  # deploy(image=...) puts it there
        "image_pull_policy": "Never",
        "env": {"GREETING": "Hello from the deployment"},
        "mem_limit": "256m",
    }
    first, overridden, missing_image, no_docker = probed["runs"]
    assert [run["state"] for run in probed["runs"]] == [
        "Completed",
        "Completed",
        "Crashed",
        "Crashed",
    ]
    assert first["job_variables"] == {}
    assert {
        "In a container: True, on Debian GNU/Linux 13 (trixie)",
        "GREETING: Hello from the deployment",
        "Memory limit: 256 MiB",
    } <= set(first["logs"])
    assert overridden["job_variables"] == {
        "mem_limit": "512m",
        "env": {"GREETING": "Hello from this run"},
    }
    assert {"GREETING: Hello from this run", "Memory limit: 512 MiB"} <= set(
        overridden["logs"]
    )
    assert missing_image["job_variables"] == {"image": "where-am-i:v9"}
    # Crashed before any container existed: no line came from inside one.
    for crashed in (missing_image, no_docker):
        assert not any(line.startswith("In a container") for line in crashed["logs"])
