"""The security page's four parts, each on a machine of its own (a private network,
harness/netns.py) where the server has Prefect's default port, as the page types it:
who can reach a server started with and without `--host 0.0.0.0`, basic auth with a
flow, a worker and a deployment, CSRF protection, and TLS through nginx. Each records
what its commands printed and what the server answered; the page's tests
(tests/pages/test_security_page.py) check those records.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
import stat
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from uuid import UUID

from harness import REPO
from harness import prefect_api as api
from harness.netns import PrivateNetwork
from harness.prefect_server import FAST_POLLING
from harness.pty_session import ENTER, Question, answer_questions
from harness.terminal import (
    Result,
    Scenario,
    Terminal,
    banner,
    id_after,
    start_server,
)
from harness.waiting import wait_until

SEC = "snippets/security"
API = "http://127.0.0.1:4200/api"
# What the reader types at the page's prompt. An example, as the page's is.
AUTH_STRING = "admin:example-only-change-me"
# The reader's machine and another one on the same network (addresses reserved for
# documentation, RFC 5737).
SERVER_ADDRESS, OTHER_ADDRESS = "192.0.2.10", "192.0.2.20"
# The client id a script of another website asks a CSRF token for.
WEBSITE = "another-website"
# What the install and server pages leave in the reader's profiles.toml: the `local`
# profile, pointed at the server, with the quiet settings.
READER_PROFILES = """\
active = "local"

[profiles.local]
PREFECT_API_URL = "http://127.0.0.1:4200/api"
PREFECT_SERVER_ANALYTICS_ENABLED = "false"
"""


def reader_terminal(root: Path, network: PrivateNetwork, template: Path | None):
    """A reader's terminal on a machine of their own: a home folder with
    `~/.prefect` (an empty database, the profiles of the earlier pages) and the
    project with the deployments page's `hello_flow.py`."""
    you = root / "you"
    home = you / ".prefect"
    home.mkdir(parents=True)
    if template is not None and template.is_file():
        # an empty database made by a server of the same Prefect: the server skips
        # creating its tables, as a reader's does on its second start
        shutil.copyfile(template, home / "prefect.db")
    (home / "profiles.toml").write_text(READER_PROFILES)
    project = you / "hello-prefect"
    project.mkdir()
    shutil.copy(REPO / "snippets/deployments/hello_flow.py", project)
    return Terminal(
        cwd=project, home=home, env_extra={"HOME": str(you)}, wrap=network.wrap
    )


def same_network(machine: PrivateNetwork, other: PrivateNetwork) -> None:
    """A cable between two private networks: the reader's machine gets a network
    interface at SERVER_ADDRESS, the other machine one at OTHER_ADDRESS."""

    def ip(network: PrivateNetwork, *args: str) -> str:
        return subprocess.run(
            [*network.wrap, "ip", *args], check=True, capture_output=True, text=True
        ).stdout

    ip(machine, "link", "add", "lan0", "type", "veth", "peer", "name", "lan1")
    ip(machine, "link", "set", "lan1", "netns", str(other.holder.pid))
    ip(machine, "addr", "add", f"{SERVER_ADDRESS}/24", "dev", "lan0")
    ip(other, "addr", "add", f"{OTHER_ADDRESS}/24", "dev", "lan1")
    ip(machine, "link", "set", "lan0", "up")
    ip(other, "link", "set", "lan1", "up")
    wait_until(
        lambda: "LOWER_UP" in ip(machine, "-o", "link", "show", "lan0"),
        timeout=10,
        what="the link between the two machines",
    )


def cors_headers(network: PrivateNetwork, path: str) -> str:
    """The CORS headers of the server's answer to a script of another website."""
    done = subprocess.run(
        [
            *network.wrap,
            "curl",
            "-s",
            "-o",
            "/dev/null",
            "-D",
            "-",
            "-H",
            "Origin: https://any-website.example",
            f"http://127.0.0.1:4200{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return "".join(
        line + "\n"
        for line in done.stdout.splitlines()
        if line.lower().startswith("access-control-")
    )


class TwoMachines:
    """The reader's machine and another one on the same network."""

    def __init__(self) -> None:
        self.machine = PrivateNetwork()
        try:
            self.other = PrivateNetwork()
        except BaseException:
            self.machine.close()
            raise
        try:
            same_network(self.machine, self.other)
        except BaseException:
            self.__exit__()
            raise

    def __enter__(self) -> TwoMachines:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.other.close()
        self.machine.close()


def exposure(root: Path, logs: Path, template: Path | None) -> Scenario:
    """The server as the server page starts it, then with --host 0.0.0.0: what
    listens where, what another machine on the network reaches, and what other
    websites' scripts may ask. Then what `prefect config set` does with an auth
    string."""
    with TwoMachines() as lan:
        scenario = Scenario(reader_terminal(root, lan.machine, template))
        terminal = scenario.terminal
        elsewhere = Terminal(cwd=root, home=root / "elsewhere", wrap=lan.other.wrap)
        with start_server(
            terminal,
            "snippets/server/start_server.sh",
            logs / "a.log",
            lan.machine.healthy(API),
        ):
            scenario.run(f"{SEC}/listening.sh", key="default")
            scenario.results["refused"] = elsewhere.run(
                f"{SEC}/from_another_machine.sh"
            )
            scenario.run(f"{SEC}/cors_preflight.sh")
            scenario.seen["cors"] = cors_headers(lan.machine, "/api/health")
        with start_server(
            terminal,
            f"{SEC}/server_all_interfaces.sh",
            logs / "b.log",
            lan.machine.healthy(API),
        ) as server:
            scenario.results[f"{SEC}/server_all_interfaces.sh"] = banner(server)
            scenario.run(f"{SEC}/listening.sh", key="all")
            scenario.results["reached"] = elsewhere.run(
                f"{SEC}/from_another_machine.sh"
            )
        # No server needed: what a profile keeps.
        profiles = terminal.home / "profiles.toml"
        scenario.run(f"{SEC}/config_set_auth.sh")
        scenario.seen["profiles with the string"] = profiles.read_text()
        scenario.run(f"{SEC}/config_unset_auth.sh")
        scenario.seen["profiles after unset"] = profiles.read_text()
    return scenario


def typed_at_the_prompt(terminal: Terminal, command: str) -> Result:
    """A command that reads the auth string at a prompt, answered as the reader does,
    in a terminal wide enough for the log lines: where a pseudo-terminal wraps them
    depends on the length of the run's generated name."""
    session = answer_questions(
        terminal.argv(command),
        [Question(r"Auth string \(user:password\):", AUTH_STRING + ENTER, "…")],
        cwd=str(terminal.cwd),
        env=terminal.env(),
        columns=250,
    )
    return Result(session.exitstatus, session.screen)


def basic_auth(root: Path, logs: Path, template: Path | None) -> Scenario:
    """The string saved at a prompt, the server started with it; requests without
    it, a flow, a worker and a deployment with it."""
    with PrivateNetwork() as machine:
        scenario = Scenario(reader_terminal(root, machine, template))
        terminal = scenario.terminal
        save = f"{SEC}/save_auth_string.sh"
        scenario.results[save] = typed_at_the_prompt(terminal, save)
        saved = terminal.home / "auth-string"
        scenario.seen["saved"] = (saved.read_text(), stat.S_IMODE(saved.stat().st_mode))
        # After run_hello_flow_auth.sh, Terminal 2 has the string in its environment.
        terminal_2 = terminal.with_env(PREFECT_API_AUTH_STRING=AUTH_STRING)
        watch = f"{SEC}/run_deployment_auth.sh"

        def requests() -> None:
            scenario.run(f"{SEC}/api_without_auth.sh")
            scenario.run(f"{SEC}/api_wrong_password.sh")
            hello = f"{SEC}/run_hello_flow_auth.sh"
            scenario.results[hello] = typed_at_the_prompt(terminal, hello)
            scenario.run(f"{SEC}/run_hello_flow_wrong_auth.sh")

        def deployment() -> None:
            deploy = "snippets/deployments/deploy_non_interactive.sh"
            scenario.results[deploy] = terminal_2.run(deploy)
            with terminal.with_env(**FAST_POLLING).start(
                f"{SEC}/worker_with_auth.sh", log=logs / "worker.log"
            ) as worker:
                worker.wait_for(r"Worker '.*' started!")
                scenario.results[watch] = terminal_2.run(watch)
                worker.wait_for(r"Finished in state Completed\(\)")
            scenario.seen["worker"] = worker.output

        with start_server(
            terminal,
            f"{SEC}/server_with_auth.sh",
            logs / "auth.log",
            machine.healthy(API),
        ):
            # The requests of Terminal 2 and the deployment's path, at the same time.
            with ThreadPoolExecutor(max_workers=2) as pool:
                for done in [pool.submit(requests), pool.submit(deployment)]:
                    done.result()
            with api.client_at(machine.reach(4200), auth_string=AUTH_STRING) as client:
                for command, label in (
                    (watch, "UUID: "),
                    (f"{SEC}/run_hello_flow_auth.sh", "/runs/flow-run/"),
                ):
                    run_id = UUID(id_after(label, scenario.results[command].output))
                    scenario.seen[command] = (
                        client.read_flow_run(run_id),
                        api.wait_for_log(run_id, "Hello, world!", server=client),
                    )
                scenario.seen["all runs"] = {run.id for run in client.read_flow_runs()}
    return scenario


def csrf(root: Path, logs: Path, template: Path | None) -> Scenario:
    """CSRF protection, with the cross-origin requests it needs refused: a request
    without a token, another website's preflight, and the Prefect client."""
    with PrivateNetwork() as machine:
        scenario = Scenario(reader_terminal(root, machine, template))
        terminal = scenario.terminal
        with start_server(
            terminal, f"{SEC}/server_csrf.sh", logs / "csrf.log", machine.healthy(API)
        ):
            scenario.run(f"{SEC}/post_without_csrf_token.sh")
            scenario.run(f"{SEC}/cors_preflight.sh", key="restricted")
            scenario.seen["cors"] = cors_headers(
                machine, f"/api/csrf-token?client={WEBSITE}"
            )
            scenario.run(f"{SEC}/run_hello_flow.sh")
            scenario.seen["ui-settings"] = machine.http(
                "http://127.0.0.1:4200/ui-settings"
            )
            scenario.seen["GET"] = machine.http(f"{API}/admin/version")
            # The tokens the server handed out, as it stores them.
            with sqlite3.connect(terminal.home / "prefect.db") as database:
                scenario.seen["tokens"] = [
                    client
                    for (client,) in database.execute("SELECT client FROM csrf_token")
                ]
            with api.client_at(machine.reach(4200)) as client:
                run_id = id_after(
                    "/runs/flow-run/",
                    scenario.results[f"{SEC}/run_hello_flow.sh"].output,
                )
                scenario.seen["run"] = client.read_flow_run(UUID(run_id))
    return scenario


def https_answers(network: PrivateNetwork, cwd: Path, path: str) -> str | None:
    """What the proxy answers on `path`, trusting the page's certificate."""
    done = subprocess.run(
        [
            *network.wrap,
            "curl",
            "-sS",
            "--max-time",
            "5",
            "--cacert",
            str(cwd / "prefect.crt"),
            f"https://localhost:8443{path}",
        ],
        capture_output=True,
        text=True,
    )
    return done.stdout if done.returncode == 0 else None


def tls(root: Path, logs: Path, template: Path | None) -> Scenario:
    """A self-signed certificate, nginx in front of a server on 127.0.0.1, and a
    Prefect client that trusts the certificate (and one that does not)."""
    with PrivateNetwork() as machine:
        scenario = Scenario(reader_terminal(root, machine, template))
        terminal = scenario.terminal
        project = terminal.cwd
        shutil.copy(REPO / SEC / "nginx.conf", project)
        scenario.run(f"{SEC}/make_certificate.sh")
        scenario.seen["key mode"] = stat.S_IMODE(
            (project / "prefect.key").stat().st_mode
        )
        scenario.seen["names"] = subprocess.run(
            [
                "openssl",
                "x509",
                "-in",
                project / "prefect.crt",
                "-noout",
                "-ext",
                "subjectAltName",
            ],
            capture_output=True,
            text=True,
        ).stdout
        with (
            start_server(
                terminal,
                f"{SEC}/server_behind_proxy.sh",
                logs / "tls.log",
                machine.healthy(API),
            ),
            terminal.start(
                f"{SEC}/nginx_start.sh",
                log=logs / "nginx.log",
                stop_signals=(signal.SIGINT,),
            ) as nginx,
        ):
            wait_until(
                lambda: https_answers(machine, project, "/api/health"),
                timeout=30,
                what="nginx answering over HTTPS",
            )
            scenario.run(f"{SEC}/listening_behind_proxy.sh")
            scenario.run(f"{SEC}/curl_https.sh")
            scenario.seen["ui-settings"] = https_answers(
                machine, project, "/ui-settings"
            )
            scenario.run(f"{SEC}/run_hello_flow_https.sh")
            scenario.run(f"{SEC}/run_hello_flow_untrusted.sh")
            shown = scenario.results[f"{SEC}/run_hello_flow_https.sh"].output
            run_id = id_after("/runs/flow-run/", shown)
            with api.client_at(machine.reach(4200)) as client:
                scenario.seen["run"] = client.read_flow_run(UUID(run_id))
                # Besides the state changes the server records itself, the client
                # sends events of its own over a WebSocket: the run's heartbeat.
                scenario.seen["events"] = wait_until(
                    lambda: (
                        "prefect.flow-run.heartbeat"
                        in (seen := _events_of(client, run_id))
                        and seen
                    ),
                    timeout=30,
                    what="the heartbeat event of the run made over HTTPS",
                )
        scenario.seen["nginx"] = nginx.output
    return scenario


def _events_of(client, run_id: str) -> list[str]:
    from prefect.events.filters import EventAnyResourceFilter, EventFilter

    page = client.read_events(
        EventFilter(
            any_resource=EventAnyResourceFilter(id=[f"prefect.flow-run.{run_id}"])
        ),
        limit=50,
    )
    return [event.event for event in page.events]


# Commands the page's snippets run, besides Prefect (.ci/run installs them).
TOOLS = ("curl", "ss", "ip", "nsenter", "unshare", "openssl", "nginx")
