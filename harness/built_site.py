"""The site as readers get it: built with `mkdocs build --strict`, served over HTTP on
127.0.0.1 (a free port), for the browser tests and the link checker."""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def mkdocs_build(project: Path, site_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--site-dir",
            str(site_dir),
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )


class _Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        # LinkChecker waits 0.1-0.6 s between two requests to a host unless the
        # host answers with this header: our own server on 127.0.0.1 can take them.
        self.send_header("LinkChecker", "no throttling needed")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # a test's output is no place for an access log


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1, a free port, until the block ends; yields the
    base URL (with a trailing slash)."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Handler, directory=str(directory))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
