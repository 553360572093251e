"""The server page, on machines of the reader's own.

Its commands use Prefect's default port 4200 (and 4300), as a reader types them: they
run in private network namespaces (tests/netns.py), so those ports are always free and
nothing else can reach them. The main scenario uses the project and the `~/.prefect` of
the reader who did the install and first-flow pages; the port trap and `uvx` get homes
of their own, so that the three can run at the same time.
"""

from __future__ import annotations

import json
import shlex
import subprocess
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import commands
import pytest
from commands import REPO, Background, Scenario, Terminal, banner
from netns import PrivateNetwork
from prefect.utilities.dockerutils import get_prefect_image_name
from prefect_api import eventually
from prefect_server import PrefectServer, free_port
from reader_fixtures import Installed, Step, the_run

SV = "snippets/server"
API = "http://127.0.0.1:4200/api"
OTHER_API = "http://127.0.0.1:4300/api"


def start_server(terminal: Terminal, command: str, log: Path, healthy) -> Background:
    return commands.start_server(
        terminal,
        command,
        log=log,
        until_healthy=lambda: eventually(
            healthy, timeout=90, what=f"the server of {command} answering"
        ),
    )


def reader_scenario(installed: Installed, logs: Path) -> Scenario:
    """Start the server where the first flow ran, find that run, point the CLI at it."""
    with PrivateNetwork() as network:
        scenario = Scenario(
            Terminal(
                cwd=installed.project,
                home=installed.home,
                env_extra=installed.terminal.env_extra,
                wrap=network.wrap,
            )
        )
        healthy = lambda: network.http(f"{API}/health", timeout=2)[0] == 200  # noqa: E731
        with start_server(
            scenario.terminal, f"{SV}/start_server.sh", logs / "server.log", healthy
        ) as server:
            scenario.results[f"{SV}/start_server.sh"] = banner(server)
            status, runs = network.http(f"{API}/flow_runs/filter", body={})
            status, flows = network.http(f"{API}/flows/filter", body={})
            names = {flow["id"]: flow["name"] for flow in json.loads(flows)}
            scenario.seen["runs"] = [
                (names[run["flow_id"]], run["state_type"]) for run in json.loads(runs)
            ]
            for command in (
                "profile_ls.sh",
                "use_local_profile.sh",
                "config_view.sh",
                "set_api_url.sh",
                "export_api_url.sh",
            ):
                scenario.run(f"{SV}/{command}")
        scenario.seen["stopped"] = server.output
    return scenario


def trap_scenario(home: Path, cwd: Path, env_extra: dict, logs: Path) -> Scenario:
    """`--port 4300`, what the UI is told, and the fix."""
    with PrivateNetwork() as network:
        scenario = Scenario(
            Terminal(cwd=cwd, home=home, env_extra=env_extra, wrap=network.wrap)
        )
        healthy = lambda: network.http(f"{OTHER_API}/health", timeout=2)[0] == 200  # noqa: E731
        with start_server(
            scenario.terminal, f"{SV}/server_other_port.sh", logs / "trap.log", healthy
        ) as server:
            scenario.results[f"{SV}/server_other_port.sh"] = banner(server)
            scenario.results["ui_settings.out"] = scenario.terminal.run(
                f"{SV}/ui_settings.sh"
            )
        with start_server(
            scenario.terminal,
            f"{SV}/server_other_port_fixed.sh",
            logs / "fixed.log",
            healthy,
        ):
            scenario.results["ui_settings_fixed.out"] = scenario.terminal.run(
                f"{SV}/ui_settings.sh"
            )
    return scenario


def uvx_scenario(home: Path, cwd: Path, env_extra: dict, logs: Path) -> Scenario:
    """`uvx prefect server start`, outside any project. uvx fetches Prefect from the
    package index, which a private network cannot reach: this one runs on the
    machine's own network, on a free port."""
    port = free_port()
    scenario = Scenario(
        Terminal(
            cwd=cwd,
            home=home,
            env_extra=env_extra | {"PREFECT_SERVER_API_PORT": str(port)},
            server_port=port,
        )
    )
    healthy = PrefectServer(home, port).is_healthy
    with start_server(
        scenario.terminal, f"{SV}/uvx_server.sh", logs / "uvx.log", healthy
    ) as server:
        scenario.results[f"{SV}/uvx_server.sh"] = banner(server)
    return scenario


@pytest.fixture(scope="module")
def scenarios(
    installed: Installed, first_run: Step, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Future[Scenario]]]:
    """The page's three parts, at the same time."""
    logs = tmp_path_factory.mktemp("server-page")
    pinned = installed.terminal.env_extra  # the Prefect this repository is locked to
    for name in ("trap", "uvx"):
        (logs / name).mkdir()
    with ThreadPoolExecutor(max_workers=3) as pool:
        yield {
            "reader": pool.submit(reader_scenario, installed, logs),
            "trap": pool.submit(
                trap_scenario,
                logs / "trap" / "home",
                installed.project,
                pinned,
                logs / "trap",
            ),
            "uvx": pool.submit(
                uvx_scenario, logs / "uvx" / "home", logs / "uvx", pinned, logs
            ),
        }


def check(
    scenario: Scenario, command: str, update: bool, result_key: str | None = None
):
    run = (
        the_run(command)
        if result_key is None
        else the_run(command, output=f"{SV}/{result_key}")
    )
    return scenario.terminal.check(
        run, update=update, result=scenario.results[result_key or command]
    )


def test_the_server_starts_and_has_the_runs_made_before_it(
    scenarios: dict, update_outputs: bool
) -> None:
    reader = scenarios["reader"].result(timeout=600)
    check(reader, f"{SV}/start_server.sh", update_outputs)
    # The run of the first-flow page, made with a temporary server, is in the
    # database this server uses: same ~/.prefect, same prefect.db.
    assert reader.seen["runs"] == [("hello-flow", "COMPLETED")]
    assert "Server stopped!" in reader.seen["stopped"]


def test_the_cli_points_at_the_server_through_a_profile(
    scenarios: dict, update_outputs: bool
) -> None:
    reader = scenarios["reader"].result(timeout=600)
    for command in (
        "profile_ls.sh",
        "use_local_profile.sh",
        "config_view.sh",
        "set_api_url.sh",
    ):
        check(reader, f"{SV}/{command}", update_outputs)
    assert (
        "Connected to Prefect server using profile 'local'"
        in reader.results[f"{SV}/use_local_profile.sh"].output
    )
    shown = check(reader, f"{SV}/export_api_url.sh", update_outputs).output
    assert f"PREFECT_API_URL='{API}' (from env)" in shown


def test_uvx_starts_the_same_server_without_a_project(
    scenarios: dict, update_outputs: bool
) -> None:
    check(scenarios["uvx"].result(timeout=600), f"{SV}/uvx_server.sh", update_outputs)


def test_a_port_given_with_port_leaves_the_ui_asking_port_4200(
    scenarios: dict, update_outputs: bool
) -> None:
    trap = scenarios["trap"].result(timeout=600)
    check(trap, f"{SV}/server_other_port.sh", update_outputs)
    # The UI (this JSON is its configuration) asks the API at 4200: broken.
    ui = check(trap, f"{SV}/ui_settings.sh", update_outputs, "ui_settings.out")
    assert json.loads(ui.output)["api_url"] == API
    # The fix: the UI uses PREFECT_API_URL, so point that at the new port.
    fixed = check(trap, f"{SV}/ui_settings.sh", update_outputs, "ui_settings_fixed.out")
    assert json.loads(fixed.output)["api_url"] == OTHER_API


@pytest.mark.parametrize(
    "command", [f"{SV}/docker_server_exposed.sh", f"{SV}/docker_server_local.sh"]
)
def test_the_docker_commands_run_the_pinned_prefect(command: str) -> None:
    # No container engine runs on the test machines, so these two commands are the
    # only ones on the page that the tests cannot run; the page says so. What can be
    # checked is checked: the shell reads them, and the image is the Prefect release
    # this site pins, as Prefect itself names it.
    assert subprocess.run(["bash", "-n", REPO / command]).returncode == 0
    words = shlex.split((REPO / command).read_text())
    assert words[:2] == ["docker", "run"]
    assert get_prefect_image_name() in words
    assert words[words.index("--") + 1 :] == [
        "prefect",
        "server",
        "start",
        "--host",
        "0.0.0.0",
    ]
    published = words[words.index("-p") + 1]
    if command.endswith("_local.sh"):
        assert published == "127.0.0.1:4200:4200"  # reachable from this machine only
    else:
        assert published == "4200:4200"  # every interface of the host
