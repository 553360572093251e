"""The server page, on a machine of the reader's own.

Its commands use Prefect's default port 4200 (and 4300), as a reader types them: they
run in a private network namespace (tests/netns.py), in the project and with the
`~/.prefect` of the reader who did the install and first-flow pages.
"""

from __future__ import annotations

import json
import shlex
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from commands import REPO, Background, Result, Terminal
from netns import PrivateNetwork
from prefect.utilities.dockerutils import get_prefect_image_name
from prefect_api import eventually
from prefect_server import PrefectServer, free_port
from reader_fixtures import Installed, Step, the_run

API = "http://127.0.0.1:4200/api"
BANNER_END = r"Check out the dashboard at http://127\.0\.0\.1:\d+\n"


@pytest.fixture(scope="module")
def network() -> Iterator[PrivateNetwork]:
    with PrivateNetwork() as network:
        yield network


@pytest.fixture(scope="module")
def terminal(
    network: PrivateNetwork, installed: Installed, first_run: Step
) -> Terminal:
    """The reader's terminal, after the first flow ran with a temporary server."""
    return Terminal(
        cwd=installed.project,
        home=installed.home,
        env_extra=installed.terminal.env_extra,
        wrap=network.wrap,
    )


def start_server(
    terminal: Terminal, network: PrivateNetwork, command: str, log: Path, api: str = API
) -> Background:
    # Ctrl-C once stops a server (it prints "Server stopped!").
    server = terminal.start(command, log=log, stop_signals=(signal.SIGINT,))
    try:
        server.wait_for(BANNER_END, timeout=120)
        network.wait_until_healthy(api)
    except BaseException:
        server.stop()
        raise
    return server


def banner(server: Background) -> str:
    output = server.output
    return output[: server.wait_for(BANNER_END).end()]


def test_the_server_starts_and_has_the_runs_made_before_it(
    terminal: Terminal, network: PrivateNetwork, tmp_path: Path, update_outputs: bool
) -> None:
    with start_server(
        terminal, network, "snippets/server/start_server.sh", tmp_path / "server.log"
    ) as server:
        terminal.check(
            the_run("snippets/server/start_server.sh"),
            update=update_outputs,
            result=Result(0, banner(server)),
        )

        # The run of the first-flow page, made with a temporary server, is in the
        # database this server uses: same ~/.prefect, same prefect.db.
        status, text = network.http(f"{API}/flow_runs/filter", body={})
        assert status == 200, text
        runs = json.loads(text)
        status, text = network.http(f"{API}/flows/filter", body={})
        flows = {flow["id"]: flow["name"] for flow in json.loads(text)}
        assert [(flows[run["flow_id"]], run["state_type"]) for run in runs] == [
            ("hello-flow", "COMPLETED")
        ]

        # Pointing the reader's commands at it: the `local` profile, then a setting.
        for command in (
            "snippets/server/profile_ls.sh",
            "snippets/server/use_local_profile.sh",
            "snippets/server/config_view.sh",
            "snippets/server/set_api_url.sh",
            "snippets/server/export_api_url.sh",
        ):
            terminal.check(the_run(command), update=update_outputs)
    assert "Server stopped!" in server.output


def test_uvx_starts_the_same_server_without_a_project(
    installed: Installed, first_run: Step, tmp_path: Path, update_outputs: bool
) -> None:
    # uvx fetches Prefect from the package index, which the private network cannot
    # reach: this one runs on the machine's own network, on a free port.
    port = free_port()
    elsewhere = Terminal(
        cwd=tmp_path,
        home=installed.home,
        env_extra=installed.terminal.env_extra | {"PREFECT_SERVER_API_PORT": str(port)},
        server_port=port,
    )
    server = elsewhere.start(
        "snippets/server/uvx_server.sh",
        log=tmp_path / "server.log",
        stop_signals=(signal.SIGINT,),
    )
    with server:
        server.wait_for(BANNER_END, timeout=180)
        eventually(
            lambda: PrefectServer(tmp_path, port).is_healthy(),
            timeout=60,
            what="the server started by uvx answering",
        )
        elsewhere.check(
            the_run("snippets/server/uvx_server.sh"),
            update=update_outputs,
            result=Result(0, banner(server)),
        )


def test_a_port_given_with_port_leaves_the_ui_asking_port_4200(
    terminal: Terminal, network: PrivateNetwork, tmp_path: Path, update_outputs: bool
) -> None:
    other = "http://127.0.0.1:4300/api"
    ui_settings = "snippets/server/ui_settings.sh"
    with start_server(
        terminal,
        network,
        "snippets/server/server_other_port.sh",
        tmp_path / "server.log",
        other,
    ) as server:
        terminal.check(
            the_run("snippets/server/server_other_port.sh"),
            update=update_outputs,
            result=Result(0, banner(server)),
        )
        # The UI (this JSON is its configuration) asks the API at 4200: broken.
        ui = terminal.check(
            the_run(ui_settings, output="snippets/server/ui_settings.out"),
            update=update_outputs,
        )
        assert json.loads(ui.output)["api_url"] == "http://127.0.0.1:4200/api"

    # The fix: the UI uses PREFECT_API_URL, so point that at the new port.
    with start_server(
        terminal,
        network,
        "snippets/server/server_other_port_fixed.sh",
        tmp_path / "fixed.log",
        other,
    ):
        ui = terminal.check(
            the_run(ui_settings, output="snippets/server/ui_settings_fixed.out"),
            update=update_outputs,
        )
        assert json.loads(ui.output)["api_url"] == other
    # Back to the server on 4200, as the page ends.
    terminal.check(the_run("snippets/server/set_api_url.sh"), update=update_outputs)


@pytest.mark.parametrize(
    "command",
    [
        "snippets/server/docker_server_exposed.sh",
        "snippets/server/docker_server_local.sh",
    ],
)
def test_the_docker_commands_run_the_pinned_prefect(command: str) -> None:
    # No container engine runs on the test machines, so these two commands are the
    # only ones on the page that the tests cannot run; the page says so. What can be
    # checked is checked: the shell reads them, and the image is the Prefect release
    # this site pins, as Prefect itself names it.
    text = (REPO / command).read_text()
    syntax = subprocess.run(["bash", "-n", REPO / command])
    assert syntax.returncode == 0
    words = shlex.split(text)
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
