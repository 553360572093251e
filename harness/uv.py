"""What the tests ask uv: where its cache is, and the versions this repository is
locked to (for a reader's new project, which `uv add`s Prefect)."""

from __future__ import annotations

import functools
import json
import subprocess
import tempfile
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
    path.write_text(_locked_versions("--no-default-groups", env=env))
    return path


def hold_to_locked_versions(pyproject: Path) -> None:
    """Hold the project of `pyproject` to the versions of uv.lock, for `uv lock`,
    `uv sync` and `uv run`: those read no UV_CONSTRAINT (only `uv add` and `uv pip`
    do; measured with uv 0.13.9), so a project that comes with its `pyproject.toml`
    would otherwise resolve the index's newest versions, which the cache may lack."""
    pins = [
        line.split(" #")[0].strip()
        for line in _locked_versions("--no-default-groups").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    with pyproject.open("a") as file:
        file.write("\n[tool.uv]\nconstraint-dependencies = [\n")
        file.writelines(f"    {json.dumps(pin)},\n" for pin in pins)
        file.write("]\n")


def _locked_versions(groups: str, env: dict[str, str] | None = None) -> str:
    """uv.lock's versions as a requirements file, with the dependency `groups` flag
    given (`--no-default-groups`, `--all-groups`)."""
    return subprocess.run(
        ["uv", "export", "--frozen", "--no-hashes", groups, "--no-emit-project"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@functools.cache
def cache_index_pages() -> None:
    """Have uv's cache hold what a reader's `uv add` reads from the package index, for
    every version uv.lock holds, once per process: the tests' `uv add` runs offline.
    `uv sync` installs from uv.lock's file addresses and reads no index page, so on a
    fresh machine the cache holds none (`uv add prefect` then fails offline: "prefect
    was not found in the cache"); and `uv add` resolves for every platform, so it reads
    the metadata of wheels this machine does not install. A universal `uv pip compile`
    of the locked versions fetches both."""
    with tempfile.TemporaryDirectory() as folder:
        locked = Path(folder) / "locked.txt"
        locked.write_text(_locked_versions("--all-groups"))
        python = (REPO / ".python-version").read_text().strip()
        compiled = subprocess.run(
            [
                *("uv", "pip", "compile", "--quiet", "--universal", "--no-header"),
                *("--python-version", python, str(locked)),
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
    if compiled.returncode:
        raise RuntimeError(
            "uv could not fetch the package index's pages for the locked versions"
            f" (a reader's `uv add` needs them):\n{compiled.stderr}"
        )
