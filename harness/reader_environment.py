"""The environment of a reader's new terminal, on this machine: what the journey's
terminals get (journey.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from harness.uv import cache_index_pages, uv_cache_dir, write_locked_versions

CI_MARKS = [
    "CI",
    "GITHUB_ACTIONS",
    "GITLAB_CI",
    "JENKINS_URL",
    "TRAVIS",
    "CIRCLECI",
    "BUILDKITE",
    "TF_BUILD",
    "CODEBUILD_BUILD_ID",
    "BITBUCKET_COMMIT",
    "TEAMCITY_VERSION",
    "DRONE",
    "SEMAPHORE",
    "APPVEYOR",
    "BUDDY",
    "CI_NAME",
]


def docker_socket(root: Path) -> Path:
    """Where the Docker Engine of the reader's machine (`root`) listens: Docker's
    usual place, in that machine's folder."""
    return root / "var/run/docker.sock"


def reader_environment(home: Path, root: Path) -> dict[str, str]:
    """This machine's environment as a reader's new terminal has it: without what the
    test process adds (its virtual environment, Prefect settings, CI marks), with a
    fresh HOME, and with the pinned versions for `uv add`."""
    venv_bin = str(Path(sys.executable).parent)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PREFECT_", "UV_", "PYTEST"))
        and key not in (*CI_MARKS, "VIRTUAL_ENV", "UV", "COLUMNS", "LINES")
        and key != "DO_NOT_TRACK"  # the install page has the reader set it
        and key != "PYTHONDONTWRITEBYTECODE"  # a reader's Python caches bytecode
    }
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p != venv_bin]
    if os.environ.get("UV"):
        path.insert(0, str(Path(os.environ["UV"]).parent))
    constraints = write_locked_versions(root / "constraints.txt")
    cache_index_pages()
    env |= {
        "HOME": str(home),
        "PATH": os.pathsep.join(path),
        "LANG": env.get("LANG", "C.UTF-8"),
        # What the harness adds, none of which a command prints: uv takes packages
        # from this machine's cache (the private network reaches no index; the
        # cache holds what this repository's environment installed), in the
        # versions this repository is locked to, and never downloads a Python; a
        # temporary server gets more than 20 s to start on a busy test machine (the
        # flows page tells readers the setting).
        "UV_CACHE_DIR": uv_cache_dir(),
        "UV_OFFLINE": "1",
        "UV_CONSTRAINT": str(constraints),
        "UV_PYTHON_DOWNLOADS": "never",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        # git knows who the reader is, as the git lesson asks (its commits print
        # no name).
        "GIT_AUTHOR_NAME": "You",
        "GIT_AUTHOR_EMAIL": "you@example.com",
        "GIT_COMMITTER_NAME": "You",
        "GIT_COMMITTER_EMAIL": "you@example.com",
        # The Docker Engine the journey starts for the Docker page, where a reader's
        # listens (docker_socket).
        "DOCKER_HOST": f"unix://{docker_socket(root)}",
    }
    return env
