"""The Cloud page runs nothing that needs an account. What it says of the CLI without
one is checked here; the journey follows its one command block on the reader's
server."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.terminal import command_env, run_command


@pytest.mark.parametrize(
    "arguments", [[], ["--key", "pnu_not-a-real-key"]], ids=["nothing", "key-only"]
)
def test_without_a_terminal_cloud_login_needs_a_key_and_a_workspace(
    arguments: list[str], tmp_path: Path
):
    """The page: "Without a terminal (in CI), `prefect cloud login` needs both `--key`
    and `--workspace`." Refused before it reaches Prefect Cloud: no network needed."""
    env = command_env(home=tmp_path / "home", api_url=None)
    login = run_command(
        ["prefect", "cloud", "login", *arguments], cwd=tmp_path, env=env
    )
    assert login.returncode == 1, login.output
    assert " ".join(login.output.split()) == (
        "When not using an interactive terminal, you must supply a `--key` and "
        "`--workspace`."
    )
