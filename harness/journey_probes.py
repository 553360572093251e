"""What the reader's Prefect server holds after a page: read by the journey when it
has followed the page, checked by that page's test (tests/journey/). A page's
claims about what the server stored (a run's log lines, the job variables of a run
and of its deployment) are not in any output the page shows."""

from __future__ import annotations

import json
from collections.abc import Callable

from harness.netns import PrivateNetwork


class Server:
    """The reader's server, asked from inside the reader's network."""

    def __init__(self, network: PrivateNetwork, api_url: str) -> None:
        self.network, self.api_url = network, api_url

    def __call__(self, path: str, body: dict | None = None) -> object:
        status, text = self.network.http(f"{self.api_url}{path}", body=body, timeout=30)
        if status != 200:
            raise AssertionError(f"{path}: {status} {text[:500]}")
        return json.loads(text)


def docker_runs(api: Server) -> dict:
    """The Docker page's deployment, and each of its runs: state, job variables,
    and the messages of the log lines the server has for it."""
    (deployment,) = api(
        "/deployments/filter",
        {"deployments": {"name": {"any_": ["in-a-container"]}}},
    )
    runs = api(
        "/flow_runs/filter",
        {
            "deployments": {"id": {"any_": [deployment["id"]]}},
            "sort": "EXPECTED_START_TIME_ASC",
        },
    )
    return {
        "job_variables": deployment["job_variables"],
        "runs": [
            {
                "state": run["state"]["name"],
                "job_variables": run["job_variables"],
                "logs": [
                    log["message"]
                    for log in api(
                        "/logs/filter",
                        {"logs": {"flow_run_id": {"any_": [run["id"]]}}},
                    )
                ],
            }
            for run in runs
        ],
    }


def subflow_runs(api: Server) -> list[dict]:
    """The composing page's parent runs, oldest first: each one's state and task
    runs, and the subflow runs that point back to one of those task runs, with their
    tags and their own task runs' tags and log lines."""

    def task_runs(flow_run_id: str) -> list[dict]:
        return api(
            "/task_runs/filter",
            {"task_runs": {"flow_run_id": {"any_": [flow_run_id]}}},
        )

    def logs(task_run_id: str) -> list[str]:
        found = api("/logs/filter", {"logs": {"task_run_id": {"any_": [task_run_id]}}})
        return [log["message"] for log in found]

    def child(run: dict, calls: list[dict]) -> dict:
        return {
            "name": run["name"],
            "state": run["state"]["name"],
            "tags": sorted(run["tags"]),
            "called_by": next(
                call["name"]
                for call in calls
                if call["id"] == run["parent_task_run_id"]
            ),
            "task_runs": {
                task_run["name"]: {
                    "tags": sorted(task_run["tags"]),
                    "logs": logs(task_run["id"]),
                }
                for task_run in task_runs(run["id"])
            },
        }

    parents = api(
        "/flow_runs/filter",
        {
            "flows": {"name": {"any_": ["sales-report"]}},
            "sort": "EXPECTED_START_TIME_ASC",
        },
    )
    probed = []
    for parent in parents:
        calls = task_runs(parent["id"])
        children = api(
            "/flow_runs/filter",
            {
                "flow_runs": {"parent_task_run_id": {"any_": [c["id"] for c in calls]}},
                "sort": "EXPECTED_START_TIME_ASC",
            },
        )
        probed.append(
            {
                "state": parent["state"]["name"],
                "task_runs": {
                    call["name"]: {
                        "tags": sorted(call["tags"]),
                        "retries": call["empirical_policy"]["retries"],
                    }
                    for call in calls
                },
                "children": [child(run, calls) for run in children],
            }
        )
    return probed


PROBES: dict[str, Callable[[Server], object]] = {
    "compose.md": subflow_runs,
    "docker.md": docker_runs,
}
