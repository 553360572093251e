"""Prefect's REST API asked directly over HTTP, answered as JSON.

For the scripts, whose own process must not import Prefect's client and its settings
(the benchmark times Prefect in processes of its own; the screenshots may run inside
a test session that has settings of its own). The tests ask through Prefect's client:
harness/prefect_api.py.
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass


@dataclass
class RestApi:
    url: str
    """The API's address: http://127.0.0.1:PORT/api."""
    timeout: float = 30

    def call(self, path: str, body: object = None, *, method: str | None = None):
        """One request: GET, or POST when there is a `body` (unless `method` says
        otherwise); returns the decoded JSON answer."""
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method=method or ("GET" if body is None else "POST"),
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as answer:
            return json.load(answer)
