"""The server page, on machines of the reader's own.

Its commands use Prefect's default port 4200 (and 4300), as a reader types them: they
run in private network namespaces (harness/netns.py), so those ports are always free and
nothing else can reach them. The main scenario uses the project and the `~/.prefect` of
the reader who did the install and first-flow pages; the port trap and `uvx` get homes
of their own, so that the three can run at the same time. The `docker run` commands run
in a Docker Engine of their own, in a private network namespace too.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from prefect.utilities.dockerutils import get_prefect_image_name

from harness import REPO
from harness.docker_engine import ThrowawayDocker, give_prefect_image
from harness.netns import PrivateNetwork
from harness.prefect_server import PrefectServer, free_port
from harness.reader_fixtures import Installed, Step
from harness.terminal import Run, Scenario, Terminal, banner, run_command, start_server

SV = "snippets/server"
API = "http://127.0.0.1:4200/api"
OTHER_API = "http://127.0.0.1:4300/api"


def api_url_of_runs(scenario: Scenario) -> tuple[str | None, bool, bool]:
    """The server a run made in this terminal talks to: the API URL in the settings
    Prefect resolves for a process (the client of every run reads it), whether it
    would start a temporary server instead, and whether a server started here would
    send Prefect its anonymous usage data (the install page turned that off)."""
    terminal = scenario.terminal
    probe = (
        "from prefect.settings import get_current_settings as current; "
        "s = current(); "
        "print(s.api.url, s.server.ephemeral.enabled, s.server.analytics_enabled)"
    )
    done = run_command(
        [*terminal.wrap, "uv", "run", "python", "-c", probe],
        cwd=terminal.cwd,
        env=terminal.env(),
    )
    assert done.returncode == 0, done.output
    url, ephemeral, analytics = done.output.split()
    return (None if url == "None" else url), ephemeral == "True", analytics == "True"


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
        with start_server(
            scenario.terminal,
            f"{SV}/start_server.sh",
            logs / "server.log",
            network.healthy(API),
            in_a_pty=True,
        ) as server:
            scenario.results[f"{SV}/start_server.sh"] = banner(server)
            status, runs = network.http(f"{API}/flow_runs/filter", body={})
            status, flows = network.http(f"{API}/flows/filter", body={})
            names = {flow["id"]: flow["name"] for flow in json.loads(flows)}
            scenario.seen["runs"] = [
                (names[run["flow_id"]], run["state_type"]) for run in json.loads(runs)
            ]
            profiles = (scenario.terminal.home / "profiles.toml").read_text()
            scenario.seen["profiles.toml after the switch"] = tomllib.loads(profiles)
            scenario.run(f"{SV}/profile_ls.sh")
            scenario.seen["runs use, after the switch"] = api_url_of_runs(scenario)
            scenario.run(f"{SV}/use_local_profile.sh")
            scenario.run(f"{SV}/config_view.sh", key="config_view.out")
            scenario.seen["runs use, after profile use"] = api_url_of_runs(scenario)
            scenario.run(f"{SV}/set_api_url.sh")
            scenario.run(f"{SV}/config_view.sh", key="config_view_set.out")
            scenario.seen["runs use, after config set"] = api_url_of_runs(scenario)
            # "Now run the first flow again, from the terminal with the profile"
            scenario.run("snippets/flows/run_hello_flow.sh", key="hello again")
            status, runs = network.http(f"{API}/flow_runs/filter", body={})
            scenario.seen["runs after hello again"] = len(json.loads(runs))
            scenario.run(f"{SV}/export_api_url.sh")
        scenario.seen["stopped"] = server.output
    return scenario


def trap_scenario(home: Path, cwd: Path, env_extra: dict, logs: Path) -> Scenario:
    """`--port 4300`, what the UI is told, and the fix."""
    with PrivateNetwork() as network:
        scenario = Scenario(
            Terminal(cwd=cwd, home=home, env_extra=env_extra, wrap=network.wrap)
        )
        healthy = network.healthy(OTHER_API)
        with start_server(
            scenario.terminal, f"{SV}/server_other_port.sh", logs / "trap.log", healthy
        ) as server:
            scenario.results[f"{SV}/server_other_port.sh"] = banner(server)
            scenario.results["ui_settings.out"] = scenario.terminal.run(
                f"{SV}/ui_settings.sh"
            )
        # No PREFECT_API_URL in this home: the port setting, not --port, moves the
        # server and the address it gives the UI.
        with start_server(
            scenario.terminal, f"{SV}/server_port_setting.sh", logs / "env.log", healthy
        ):
            scenario.results["ui_settings_port_setting"] = scenario.terminal.run(
                f"{SV}/ui_settings.sh"
            )
        scenario.seen["home has an API URL"] = "PREFECT_API_URL" in (
            (scenario.terminal.home / "profiles.toml").read_text()
            if (scenario.terminal.home / "profiles.toml").exists()
            else ""
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
        Run.of(command)
        if result_key is None
        else Run.of(command, output=f"{SV}/{result_key}")
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
    # In a terminal, the server switched to the profile `local` that Prefect ships
    # (its PREFECT_API_URL is the server's address): the only one that matches.
    banner = reader.results[f"{SV}/start_server.sh"].output
    assert "Switched to profile 'local'" in banner
    listed = check(reader, f"{SV}/profile_ls.sh", update_outputs).output
    # `local` is active, and not listed: it is not in the reader's profiles.toml.
    assert "* ephemeral" not in listed and "local" not in listed
    profiles = reader.seen["profiles.toml after the switch"]
    assert profiles["active"] == "local" and "local" not in profiles["profiles"]
    check(reader, f"{SV}/use_local_profile.sh", update_outputs)
    check(reader, f"{SV}/config_view.sh", update_outputs, "config_view.out")
    check(reader, f"{SV}/set_api_url.sh", update_outputs)
    assert (
        "Connected to Prefect server using profile 'local'"
        in reader.results[f"{SV}/use_local_profile.sh"].output
    )
    # `config view` lists the profile's PREFECT_API_URL, yet a run would not use it:
    # the settings of a process come from profiles.toml, which has no `local` yet,
    # and Prefect falls back to its default profile (prefect/settings/sources.py,
    # ProfileSettingsTomlLoader): no API URL, temporary servers on.
    viewed = reader.results["config_view.out"].output
    assert f"PREFECT_API_URL='{API}' (from profile)" in viewed
    assert "you are connected to" not in viewed
    # Prefect's own `ephemeral`, not the reader's: the install page's setting is gone.
    assert reader.seen["runs use, after the switch"] == (None, True, True)
    assert reader.seen["runs use, after profile use"] == (None, True, True)
    # `config set` writes the setting into profiles.toml: from then on runs use it,
    # and `config view` names the UI it leads to.
    set_shown = check(
        reader, f"{SV}/config_view.sh", update_outputs, "config_view_set.out"
    ).output
    assert "you are connected to:\nhttp://127.0.0.1:4200\n" in set_shown
    assert reader.seen["runs use, after config set"] == (API, False, False)
    # The first flow, run again: on this server, with the run's address in the UI.
    again = reader.results["hello again"]
    assert again.returncode == 0, again.output
    assert "View at http://127.0.0.1:4200/runs/flow-run/" in again.output
    assert "temporary server" not in again.output
    assert reader.seen["runs after hello again"] == 2
    shown = check(reader, f"{SV}/export_api_url.sh", update_outputs).output
    assert f"PREFECT_API_URL='{API}' (from env)" in shown


def test_uvx_starts_the_same_server_without_a_project(scenarios: dict) -> None:
    # The page shows the output of `prefect server start` (the test above records it);
    # this run is compared with it, and never written over it.
    uvx = scenarios["uvx"].result(timeout=600)
    check(uvx, f"{SV}/uvx_server.sh", update=False)


def test_a_port_given_with_port_leaves_the_ui_asking_port_4200(
    scenarios: dict, update_outputs: bool
) -> None:
    trap = scenarios["trap"].result(timeout=600)
    check(trap, f"{SV}/server_other_port.sh", update_outputs)
    # The UI (this JSON is its configuration) asks the API at 4200: broken.
    ui = check(trap, f"{SV}/ui_settings.sh", update_outputs, "ui_settings.out")
    assert json.loads(ui.output)["api_url"] == API
    # Where no PREFECT_API_URL is set, PREFECT_SERVER_API_PORT fixes it too.
    assert not trap.seen["home has an API URL"]
    moved = trap.results["ui_settings_port_setting"]
    assert json.loads(moved.output)["api_url"] == OTHER_API
    # The fix: the UI uses PREFECT_API_URL, so point that at the new port.
    fixed = check(trap, f"{SV}/ui_settings.sh", update_outputs, "ui_settings_fixed.out")
    assert json.loads(fixed.output)["api_url"] == OTHER_API


@pytest.fixture(scope="module")
def docker_machine() -> Iterator[tuple[PrivateNetwork, ThrowawayDocker]]:
    """A machine of its own with Docker Engine, as a reader's: a private network
    namespace, where Docker makes its bridge network and publishes ports."""
    with (
        PrivateNetwork() as network,
        ThrowawayDocker(wrap=network.wrap, networks=True) as engine,
    ):
        give_prefect_image(engine)
        yield network, engine


# What `docker ps` lists as published: every interface, or this machine's loopback.
PUBLISHED = {
    f"{SV}/docker_server_exposed.sh": "0.0.0.0:4200->4200/tcp",
    f"{SV}/docker_server_local.sh": "127.0.0.1:4200->4200/tcp",
}
EVERY_IPV6_ADDRESS = ("[::]:4200->4200/tcp", ":::4200->4200/tcp")  # newer, older CLI


@pytest.mark.parametrize("command", PUBLISHED)
def test_the_docker_commands_serve_the_api_and_the_ui_where_the_page_says(
    command: str, docker_machine: tuple[PrivateNetwork, ThrowawayDocker]
) -> None:
    network, engine = docker_machine
    assert get_prefect_image_name() in (REPO / command).read_text()  # the pinned one
    started = run_command(
        [*network.wrap, "bash", str(REPO / command)], cwd=REPO, env=engine.env
    )
    assert started.returncode == 0, started.output
    container = started.output.strip()  # -d: Docker prints the container's id
    assert re.fullmatch(r"[0-9a-f]{64}", container), started.output
    try:
        network.wait_until_healthy(API, timeout=120)
        status, ui = network.http("http://127.0.0.1:4200/")
        assert status == 200 and "<title>Prefect Server</title>" in ui, ui[:500]
        # The UI asks Prefect's default address for its data, whatever --host says.
        status, ui_settings = network.http("http://127.0.0.1:4200/ui-settings")
        assert json.loads(ui_settings)["api_url"] == API
        listed = engine.docker(
            "ps", "--filter", f"id={container}", "--format", "{{.Ports}}"
        )
        ports = listed.stdout.strip().split(", ")
        assert PUBLISHED[command] in ports, ports
        if command.endswith("_local.sh"):
            assert ports == [PUBLISHED[command]]  # nowhere else
        else:
            assert set(EVERY_IPV6_ADDRESS) & set(ports), ports
        # Inside the container, the server listens on all of its interfaces.
        logs = engine.docker("logs", container).stdout
        assert "Check out the dashboard at http://0.0.0.0:4200" in logs, logs
    finally:
        engine.docker("rm", "--force", container)


def test_a_taken_port_stops_the_docker_command_with_docker_s_reason(
    docker_machine: tuple[PrivateNetwork, ThrowawayDocker],
    tmp_path: Path,
    update_outputs: bool,
) -> None:
    # As on the page: the reader's own server, started as the page starts it, holds
    # 127.0.0.1:4200 when the docker run command comes.
    network, engine = docker_machine
    terminal = Terminal(cwd=tmp_path, home=tmp_path / "home", wrap=network.wrap)
    with start_server(
        terminal, f"{SV}/start_server.sh", tmp_path / "server.log", network.healthy(API)
    ):
        run = Run.of(
            f"{SV}/docker_server_local.sh", f"{SV}/docker_server_port_taken.out"
        )
        docker = terminal.with_env(DOCKER_HOST=engine.host)
        result = docker.check(run, update=update_outputs)
    # Docker made the container, then could not publish its port: the container
    # stays, created and never started, until it is removed.
    (container,) = re.findall(r"(?m)^[0-9a-f]{64}$", result.output)
    state = engine.docker("inspect", "--format", "{{.State.Status}}", container)
    assert state.stdout.strip() == "created"
    engine.docker("rm", container)
