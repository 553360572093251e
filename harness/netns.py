"""A private network namespace: a machine of the reader's own, as far as ports go.

The server page's commands use Prefect's default port 4200 (and 4300 for the port
trap) as a reader types them. Run in a network namespace of their own, those ports are
always free, nothing else can reach them, and two test sessions never collide. Only
the loopback interface exists in it: servers there listen on 127.0.0.1 and nowhere
else. Creating one needs root (CAP_SYS_ADMIN), as CI has.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable

from harness.prefect_server import start_in_group, stop_process
from harness.waiting import wait_until


class PrivateNetwork:
    def __init__(self) -> None:
        self.bridges: list[subprocess.Popen] = []
        # A process that only holds the namespace open; commands join it by its PID.
        self.holder = start_in_group(
            [
                "unshare",
                "--net",
                "--",
                "sh",
                "-c",
                "ip link set lo up && exec sleep infinity",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )

        def loopback_up() -> bool:
            if self.holder.poll() is not None:
                raise RuntimeError(
                    "could not create a network namespace (unshare --net needs root): "
                    + self.holder.stdout.read().decode(errors="replace")
                )
            up = subprocess.run(
                [*self.wrap, "ip", "-o", "link", "show", "lo"],
                capture_output=True,
                text=True,
            )
            return "UP" in up.stdout

        wait_until(
            loopback_up,
            timeout=10,
            interval=0.05,
            what="the namespace's loopback interface coming up",
        )

    @property
    def wrap(self) -> tuple[str, ...]:
        """Put in front of a command to run it inside the namespace."""
        return ("nsenter", f"--net=/proc/{self.holder.pid}/ns/net", "--")

    def http(
        self,
        url: str,
        body: dict | None = None,
        timeout: float = 5,
        any_certificate: bool = False,
    ) -> tuple[int, str]:
        """GET (or POST `body` as JSON) `url` from inside the namespace: its status
        (0 when nothing answered) and its text. curl, not a Python process: the
        health checks ask many times a second while a server starts. With
        `any_certificate`, an HTTPS server answers whatever its certificate."""
        data = [] if body is None else ["--data", json.dumps(body)]
        if any_certificate:
            data.append("--insecure")
        done = subprocess.run(
            [
                *self.wrap,
                "curl",
                "--silent",
                "--show-error",
                "--max-time",
                str(timeout),
                "--header",
                "Content-Type: application/json",
                *data,
                "--write-out",
                "\n%{http_code}",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=timeout + 10,
        )
        text, _, status = done.stdout.rpartition("\n")
        if done.returncode != 0:  # no answer: curl says why on stderr
            return 0, done.stderr.strip()
        return int(status), text.strip()

    def healthy(self, api_url: str) -> Callable[[], bool]:
        """A check that the Prefect server at `api_url`, in here, answers."""
        return lambda: self.http(f"{api_url}/health", timeout=2)[0] == 200

    def wait_until_healthy(self, api_url: str, timeout: float = 90) -> None:
        wait_until(
            self.healthy(api_url),
            timeout=timeout,
            interval=0.2,
            what=f"{api_url}/health answering",
        )

    def forward(self, inside_port: int, outside_port: int) -> None:
        """Make 127.0.0.1:`inside_port` in the namespace reach 127.0.0.1:`outside_port`
        of this machine (the session's Prefect server, on the reader's 4200)."""
        self._bridge("out", str(inside_port), str(outside_port))

    def reach(self, inside_port: int) -> int:
        """A port of this machine's 127.0.0.1 that reaches 127.0.0.1:`inside_port` in
        the namespace: for the tests to ask a server that runs in there."""
        return self._bridge("in", str(inside_port))

    def _bridge(self, direction: str, *ports: str) -> int:
        bridge = start_in_group(
            [
                sys.executable,
                "-m",
                "harness.port_bridge",
                direction,
                f"/proc/{self.holder.pid}/ns/net",
                *ports,
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.bridges.append(bridge)
        first = bridge.stdout.readline().decode(errors="replace")
        if not first.startswith("ready "):
            stop_process(bridge, (signal.SIGTERM,))
            raise RuntimeError(f"the port bridge did not start: {first}")
        return int(first.split()[1])

    def close(self) -> None:
        for bridge in self.bridges:
            stop_process(bridge, (signal.SIGTERM,))
        stop_process(self.holder, (signal.SIGTERM,))

    def __enter__(self) -> PrivateNetwork:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
