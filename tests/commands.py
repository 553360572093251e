"""Shell commands that pages show, and how the tests run them.

Every command a page shows is a file under `snippets/<page>/` (`.sh`), included into the
page as it is, and run as it is by the tests: `bash -e FILE` in the folder a reader
would be in, with the Prefect server's address and home given through the environment.

`RUNS` lists each run of a command whose output a page shows, or that a dedicated test
runs (`dedicated=True`, for commands that only make sense in a sequence, such as the
install page's new project).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from shown_output import check_or_update, present

REPO = Path(__file__).resolve().parents[1]
SNIPPETS = REPO / "snippets"


@dataclass(frozen=True)
class Run:
    command: str
    """The `.sh` snippet, from the repository root."""
    output: str | None = None
    """The `.out` file the page shows, if it shows the output."""
    returncode: int = 0
    ordered: bool = True
    """False when the lines come in a different order each time (parallel work)."""
    dedicated: bool = False
    """True when a dedicated test runs it, in the environment it needs. The generic
    test runs the others in the snippet's folder against the session's server."""

    @property
    def id(self) -> str:
        return self.output or self.command


RUNS = [
    # install.md: run in a new project by test_install_page.py, in this order
    Run("snippets/install/create_project.sh", dedicated=True),
    Run(
        "snippets/install/prefect_version.sh",
        "snippets/install/prefect_version.out",
        dedicated=True,
    ),
    Run(
        "snippets/install/quiet_settings.sh",
        "snippets/install/quiet_settings.out",
        dedicated=True,
    ),
    # flows.md
    Run("snippets/flows/run_hello_world.sh", "snippets/flows/run_hello_world.out"),
    # with no server configured, as on a fresh install: test_flows_page.py
    Run(
        "snippets/flows/run_hello_flow.sh",
        "snippets/flows/run_hello_flow_temporary_server.out",
        dedicated=True,
    ),
    Run("snippets/flows/run_hello_flow.sh", "snippets/flows/run_hello_flow.out"),
    Run(
        "snippets/flows/run_wrong_parameter.sh",
        "snippets/flows/run_wrong_parameter.out",
    ),
    Run("snippets/flows/run_log_prints.sh", "snippets/flows/run_log_prints.out"),
    Run("snippets/flows/run_named_runs.sh", "snippets/flows/run_named_runs.out"),
    # tasks.md
    Run("snippets/tasks/run_hello_tasks.sh", "snippets/tasks/run_hello_tasks.out"),
    Run(
        "snippets/tasks/run_task_calls_task.sh",
        "snippets/tasks/run_task_calls_task.out",
    ),
    Run(
        "snippets/tasks/run_task_without_flow.sh",
        "snippets/tasks/run_task_without_flow.out",
    ),
    Run("snippets/tasks/run_retries.sh", "snippets/tasks/run_retries.out"),
    # parallel.md
    Run(
        "snippets/parallel/run_parallel_tasks.sh",
        "snippets/parallel/run_parallel_tasks.out",
        ordered=False,
    ),
    Run(
        "snippets/parallel/run_unresolved_futures.sh",
        "snippets/parallel/run_unresolved_futures.out",
    ),
]

RUNS_BY_COMMAND: dict[str, list[Run]] = {}
for _run in RUNS:
    RUNS_BY_COMMAND.setdefault(_run.command, []).append(_run)


def command_env(*, home: Path, api_url: str | None) -> dict[str, str]:
    """The environment of a reader's terminal, plus the server's address and home."""
    env = dict(os.environ)
    # `uv run pytest` marks its own environment; a reader's shell has no such marks,
    # and `uv run` in another project warns about a VIRTUAL_ENV that is not its own.
    env.pop("VIRTUAL_ENV", None)
    env.pop("PREFECT_API_URL", None)
    # A server-side setting the test servers get at start; a reader who followed
    # the install page has it in their profile instead (quiet_settings.sh).
    # DO_NOT_TRACK=1 stays: the install page has them export it.
    env.pop("PREFECT_SERVER_ANALYTICS_ENABLED", None)
    env["PREFECT_HOME"] = str(home)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    # The project's own `python` and `prefect` come first, as in an activated
    # environment; then the `uv` that runs these tests.
    path = [str(Path(sys.executable).parent)]
    if env.get("UV"):
        path.append(str(Path(env["UV"]).parent))
    env["PATH"] = os.pathsep.join([*path, env.get("PATH", "")])
    # Prints and log lines reach a terminal in the order they are made; through a
    # pipe Python would buffer the prints.
    env["PYTHONUNBUFFERED"] = "1"
    return env


@dataclass
class Result:
    returncode: int
    output: str
    """stdout and stderr together, in the order a terminal shows them."""


def run_command(
    path: Path, *, cwd: Path, env: dict[str, str], timeout: float = 300
) -> Result:
    """Run a command snippet as it is: `bash -e FILE`, in `cwd`."""
    process = subprocess.Popen(
        ["bash", "-e", str(path)],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        raise AssertionError(
            f"{path.relative_to(REPO)} did not finish within {timeout} s:\n{output}"
        ) from None
    return Result(process.returncode, output)


def shown_paths(*, home: Path, cwd: Path) -> dict[str, str]:
    """Machine paths in an output, and what the page shows in their place."""
    return {
        str(home): "~/.prefect",  # Prefect's default home
        str(cwd): ".",
        str(REPO): ".",
        sys.prefix: ".venv",  # the project's virtual environment
        sys.base_prefix: "…",  # wherever the reader's Python is installed
    }


def check_run(
    run: Run,
    *,
    cwd: Path,
    home: Path,
    api_url: str | None,
    update: bool,
    env_extra: dict[str, str] | None = None,
) -> Result:
    """Run one command snippet, check its exit code and the output its page shows."""
    env = command_env(home=home, api_url=api_url) | (env_extra or {})
    result = run_command(REPO / run.command, cwd=cwd, env=env)
    assert result.returncode == run.returncode, (
        f"{run.command} exited with {result.returncode}, "
        f"expected {run.returncode}:\n{result.output}"
    )
    if run.output:
        shown = present(result.output, paths=shown_paths(home=home, cwd=cwd))
        diff = check_or_update(
            REPO / run.output,
            shown,
            update=update,
            ordered=run.ordered,
            label=run.output,
        )
        assert not diff, (
            f"the output of {run.command} no longer matches {run.output}:\n{diff}\n"
            "If the change is expected, refresh it: uv run pytest --update-examples"
        )
    return result
