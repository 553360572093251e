"""What the tests ask uv: where its cache is, and the versions this repository is
locked to (for a reader's new project, which `uv add`s Prefect)."""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

from harness import REPO


@functools.cache
def uv_cache_dir() -> str:
    """Where uv keeps the packages it downloaded, for the user running the tests."""
    return subprocess.run(
        ["uv", "cache", "dir"], capture_output=True, text=True, check=True
    ).stdout.strip()


def write_locked_versions(path: Path, env: dict[str, str] | None = None) -> Path:
    """Write the versions of uv.lock as constraints (for UV_CONSTRAINT) to `path`:
    a reader's new project then gets what this repository is tested with."""
    path.write_text(
        subprocess.run(
            [
                *("uv", "export", "--frozen", "--no-hashes"),
                *("--no-default-groups", "--no-emit-project"),
            ],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    return path
