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


PROBES: dict[str, Callable[[Server], object]] = {"docker.md": docker_runs}
