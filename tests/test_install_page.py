"""The install page, followed literally in a new folder, then a lesson's snippet copied
alone into the project it creates."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

from commands import REPO, RUNS_BY_COMMAND, check_run, command_env, run_command


def only_run(command: str):
    (run,) = RUNS_BY_COMMAND[command]
    return run


def test_install_page_in_a_new_folder(
    tmp_path: Path, prefect_server, update_outputs: bool
) -> None:
    home = tmp_path / "prefect-home"  # a fresh ~/.prefect
    env = command_env(home=home, api_url=None)
    # The new project gets the versions this repository is locked to, so that what
    # `prefect version` prints is what the page shows for the pinned release.
    constraints = tmp_path / "constraints.txt"
    constraints.write_text(
        subprocess.run(
            ["uv", "export", "--frozen", "--no-hashes", "--no-default-groups"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    env["UV_CONSTRAINT"] = str(constraints)

    create = run_command(
        REPO / "snippets/install/create_project.sh", cwd=tmp_path, env=env
    )
    assert create.returncode == 0, create.output
    project = tmp_path / "hello-prefect"
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["dependencies"] == ["prefect>=3.9.1,<3.10"]
    assert (project / ".python-version").read_text().strip() == "3.13"

    for command in (
        "snippets/install/prefect_version.sh",
        "snippets/install/quiet_settings.sh",
    ):
        check_run(
            only_run(command),
            cwd=project,
            home=home,
            api_url=None,
            update=update_outputs,
            env_extra={"UV_CONSTRAINT": str(constraints)},
        )
    profiles = (home / "profiles.toml").read_text()
    assert 'PREFECT_SERVER_ANALYTICS_ENABLED = "false"' in profiles

    # A snippet copied alone into the new project runs there as the page shows.
    shutil.copy(REPO / "snippets/flows/hello_flow.py", project)
    (with_server,) = [
        run
        for run in RUNS_BY_COMMAND["snippets/flows/run_hello_flow.sh"]
        if not run.dedicated
    ]
    check_run(
        with_server,
        cwd=project,
        home=prefect_server.home,
        api_url=prefect_server.api_url,
        update=False,
    )
