"""The install page, followed literally in a new folder, then a lesson's snippet copied
alone into the project it creates."""

from __future__ import annotations

import re
import shutil
import tomllib

from harness import REPO
from harness.reader_fixtures import Installed
from harness.terminal import Run, Terminal, run_command


def test_the_commands_make_a_project_on_python_3_13_with_prefect(
    installed: Installed,
) -> None:
    pyproject = tomllib.loads((installed.project / "pyproject.toml").read_text())
    assert pyproject["project"]["dependencies"] == ["prefect>=3.9.1,<3.10"]
    assert (installed.project / ".python-version").read_text().strip() == "3.13"
    assert (installed.project / ".venv").is_dir()


def test_the_quiet_settings_land_in_the_profile(
    installed: Installed, update_outputs: bool
) -> None:
    installed.steps["snippets/install/quiet_settings.sh"].check(update=update_outputs)
    profiles = (installed.home / "profiles.toml").read_text()
    assert 'PREFECT_SERVER_ANALYTICS_ENABLED = "false"' in profiles


def test_a_snippet_copied_alone_into_the_new_project_runs_as_shown(
    installed: Installed, prefect_server
) -> None:
    shutil.copy(REPO / "snippets/flows/hello_flow.py", installed.project)
    terminal = Terminal(
        cwd=installed.project,
        home=prefect_server.home,
        api_url=prefect_server.api_url,
        env_extra=installed.terminal.env_extra,
    )
    terminal.check(Run.of("snippets/flows/run_hello_flow.sh"), update=False)


def test_a_setting_saved_with_config_set_stays_in_its_profile(
    installed: Installed, tmp_path
) -> None:
    # A copy of the reader's home after the install page, switched to the profile
    # `local` as the server lesson does (the switch is saved before the command checks
    # for a server, which this test does not start).
    home = tmp_path / "prefect-home"
    home.mkdir()
    shutil.copy2(installed.home / "profiles.toml", home)
    env = installed.terminal.env() | {"PREFECT_HOME": str(home)}

    def uv_run(*argv: str) -> str:
        result = run_command(["uv", "run", *argv], cwd=installed.project, env=env)
        return result.output

    def analytics_enabled() -> str:
        return uv_run(
            "python",
            "-c",
            "from prefect.settings import get_current_settings as s;"
            " print(s().server.analytics_enabled)",
        ).strip()

    assert analytics_enabled() == "False"
    uv_run("prefect", "profile", "use", "local")
    assert 'active = "local"' in (home / "profiles.toml").read_text()
    # the setting stayed behind, in the profile `ephemeral`
    assert analytics_enabled() == "True"
    # The page's remedy: the same command again, in the new profile.
    assert "Updated profile 'local'." in uv_run(
        "prefect", "config", "set", "PREFECT_SERVER_ANALYTICS_ENABLED=false"
    )
    assert analytics_enabled() == "False"


def test_prefect_version_says_server_once_an_api_url_is_set(
    installed: Installed, prefect_server
) -> None:
    # The page's table: with PREFECT_API_URL set, the server type is `server`.
    env = installed.terminal.env() | {"PREFECT_API_URL": prefect_server.api_url}
    output = run_command(
        ["uv", "run", "prefect", "version"], cwd=installed.project, env=env
    ).output
    assert re.search(r"^Server type: +server$", output, re.M), output
