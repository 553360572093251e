"""The security page, on machines of the reader's own.

Each part of the page runs in a private network (harness/netns.py) where the server has
Prefect's default port, as the page types it: who can reach a server started with and
without `--host 0.0.0.0` (a second private network, cabled to the first, plays another
machine on the same network), basic auth with a flow, a worker and a deployment, CSRF
protection, and TLS through nginx. The four parts run at the same time (the basic
auth part, the longest, has its two halves at the same time too); the tests check
what they recorded.

The reader's home folder is a temporary one: `~/.prefect` in the commands is the
Prefect home of that part, as it is on a reader's machine.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path
from uuid import UUID

import pytest

from harness.pty_session import ANSI, Pty
from harness.security_scenario import (
    AUTH_STRING,
    READER_PROFILES,
    SEC,
    SERVER_ADDRESS,
    TOOLS,
    WEBSITE,
    basic_auth,
    csrf,
    exposure,
    tls,
)
from harness.terminal import (
    Result,
    Scenario,
    part,
)


@pytest.fixture(scope="module")
def parts(
    tmp_path_factory: pytest.TempPathFactory, database_template_path: Path | None
) -> Iterator[dict[str, Future[Scenario]]]:
    """The page's four parts, each on a machine of its own, at the same time."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    assert not missing, f"not installed: {missing} (.ci/run installs them)"
    template = database_template_path
    # the longest first
    scenarios = {
        "auth": basic_auth,
        "exposure": exposure,
        "tls": tls,
        "csrf": csrf,
    }
    # Two at a time: each part starts Prefect servers, seconds of CPU each, while the
    # session's other long scenarios run in the background.
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {}
        for name, scenario in scenarios.items():
            root = tmp_path_factory.mktemp(f"security-{name}")
            logs = root / "logs"
            logs.mkdir()
            futures[name] = pool.submit(scenario, root, logs, template)
        yield futures


def lines(result: Result) -> list[str]:
    return result.output.splitlines()


def test_by_default_the_server_listens_on_this_machine_only(
    parts: dict, update_outputs: bool
) -> None:
    here = part(parts, "exposure")
    shown = here.check(
        f"{SEC}/listening.sh",
        key="default",
        output=f"{SEC}/listening_default.out",
        update=update_outputs,
    )
    assert re.search(r"^LISTEN .* 127\.0\.0\.1:4200 ", shown.output, re.M)
    assert "0.0.0.0:4200" not in shown.output
    # Another machine reaches this one (the connection is refused, not lost), but
    # nothing listens for it on port 4200.
    refused = here.check(
        f"{SEC}/from_another_machine.sh",
        key="refused",
        output=f"{SEC}/from_another_machine_refused.out",
        update=update_outputs,
    )
    assert f"Failed to connect to {SERVER_ADDRESS} port 4200" in refused.output


def test_host_0000_opens_the_server_to_the_network(
    parts: dict, update_outputs: bool
) -> None:
    everywhere = part(parts, "exposure")
    started = everywhere.check(f"{SEC}/server_all_interfaces.sh", update=update_outputs)
    # The banner suggests an address that only works on the server's own machine.
    assert "PREFECT_API_URL=http://0.0.0.0:4200/api" in started.output
    shown = everywhere.check(
        f"{SEC}/listening.sh",
        key="all",
        output=f"{SEC}/listening_all_interfaces.out",
        update=update_outputs,
    )
    assert re.search(r"^LISTEN .* 0\.0\.0\.0:4200 ", shown.output, re.M)
    reached = everywhere.check(
        f"{SEC}/from_another_machine.sh",
        key="reached",
        output=f"{SEC}/from_another_machine.out",
        update=update_outputs,
    )
    assert lines(reached) == ["true"]


def test_basic_auth_refuses_requests_without_the_string(
    parts: dict, update_outputs: bool
) -> None:
    auth = part(parts, "auth")
    saved = auth.check(f"{SEC}/save_auth_string.sh", update=update_outputs)
    # typed at a prompt that does not echo it: on no screen, in a file only its
    # owner can read
    assert AUTH_STRING not in saved.output
    assert auth.seen["saved"] == (AUTH_STRING + "\n", 0o600)
    without = auth.check(f"{SEC}/api_without_auth.sh", update=update_outputs)
    flows, health, ui_page, ui_settings = lines(without)
    assert flows == '{"exception_message":"Unauthorized"}  (HTTP 401)'
    assert health == "true  (HTTP 200)"  # for probes and load balancers
    assert ui_page == "text/html; charset=utf-8  (HTTP 200)"  # the web app itself
    settings, status = ui_settings.rsplit("  ", 1)
    assert status == "(HTTP 200)" and json.loads(settings)["auth"] == "BASIC"
    wrong = auth.check(f"{SEC}/api_wrong_password.sh", update=update_outputs)
    assert lines(wrong) == ['{"exception_message":"Unauthorized"}  (HTTP 401)']


def test_a_client_with_the_string_runs_the_flow(
    parts: dict, update_outputs: bool
) -> None:
    auth = part(parts, "auth")
    shown = auth.check(f"{SEC}/run_hello_flow_auth.sh", update=update_outputs)
    assert AUTH_STRING not in shown.output  # typed at a prompt that does not echo it
    run, messages = auth.seen[f"{SEC}/run_hello_flow_auth.sh"]
    assert run.state.is_completed(), run.state
    assert "Hello, world!" in messages


def test_a_wrong_string_fails_with_401(parts: dict, update_outputs: bool) -> None:
    auth = part(parts, "auth")
    failed = auth.check(f"{SEC}/run_hello_flow_wrong_auth.sh", update=update_outputs)
    assert (
        "prefect.exceptions.PrefectHTTPStatusError: Client error '401 Unauthorized'"
        in failed.output
    )
    # it stopped before creating a run: the server has the two runs made with the
    # right string, and no other
    made = {
        auth.seen[command][0].id
        for command in (
            f"{SEC}/run_hello_flow_auth.sh",
            f"{SEC}/run_deployment_auth.sh",
        )
    }
    assert auth.seen["all runs"] == made


def test_a_worker_with_the_string_runs_a_deployment(
    parts: dict, update_outputs: bool
) -> None:
    auth = part(parts, "auth")
    deployed = auth.results["snippets/deployments/deploy_non_interactive.sh"]
    assert deployed.returncode == 0, deployed.output
    assert "Deployment 'hello-flow/hello-deployment' successfully created" in (
        deployed.output
    )
    auth.check(f"{SEC}/run_deployment_auth.sh", update=update_outputs)
    run, messages = auth.seen[f"{SEC}/run_deployment_auth.sh"]
    assert run.state.is_completed(), run.state
    assert run.work_pool_name == "my-pool"
    assert "Hello, world!" in messages
    # the worker (with the string from the file) picked it up
    assert f"submitting flow run '{run.id}'" in auth.seen["worker"]


def test_a_profile_keeps_the_string_in_plain_text(
    parts: dict, update_outputs: bool
) -> None:
    profile = part(parts, "exposure")
    shown = profile.check(f"{SEC}/config_set_auth.sh", update=update_outputs)
    # `config set` repeats it, `config view` hides it, the file has it as typed
    assert f"Set 'PREFECT_API_AUTH_STRING' to '{AUTH_STRING}'." in shown.output
    assert "PREFECT_API_AUTH_STRING='********' (from profile)" in shown.output
    assert (
        f'PREFECT_API_AUTH_STRING = "{AUTH_STRING}"'
        in (profile.seen["profiles with the string"])
    )
    profile.check(f"{SEC}/config_unset_auth.sh", update=update_outputs)
    assert profile.seen["profiles after unset"] == READER_PROFILES


def test_a_typed_command_line_lands_in_the_history_a_prompt_does_not(
    tmp_path: Path,
) -> None:
    """What the page says about bash's history: a reader's interactive shell writes
    each command line to it, and not what `read -s` reads."""
    history = tmp_path / "history"
    shell = Pty(
        ["bash", "--norc", "--noprofile", "-i"],
        cwd=str(tmp_path),
        env={
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            "HISTFILE": str(history),
            "PS1": "$ ",
            "TERM": "dumb",
        },
        rows=50,
        columns=200,
    )
    typed = "admin:typed-on-the-command-line"
    try:
        _type(shell, "", "$ ")
        _type(shell, f"export PREFECT_API_AUTH_STRING={typed}\r", "$ ")
        _type(
            shell,
            'read -rsp "Auth string (user:password): " auth_string && echo\r',
            "Auth string (user:password): ",
        )
        screen = _type(shell, AUTH_STRING + "\r", "$ ")
        _type(shell, "exit\r", None)
    finally:
        status = shell.close()
    assert status == 0
    assert AUTH_STRING not in screen  # `read -s` did not echo it
    written = history.read_text()
    assert f"export PREFECT_API_AUTH_STRING={typed}" in written
    assert "read -rsp" in written
    assert AUTH_STRING not in written


def _type(shell: Pty, keys: str, until: str | None) -> str:
    """Type `keys`, then read what the shell shows until it ends with `until` (a
    prompt), or until the shell ends (None). Returns what it showed."""
    if keys:
        shell.send(keys)
    shown = ""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        chunk = shell.read(timeout=1)
        if chunk is None:
            if until is None:
                return shown
            break
        shown += chunk
        if until is not None and ANSI.sub("", shown).endswith(until):
            return ANSI.sub("", shown)
    raise AssertionError(f"the shell did not show {until!r}:\n{shown}")


def test_csrf_protection_refuses_requests_without_a_token(
    parts: dict, update_outputs: bool
) -> None:
    csrf = part(parts, "csrf")
    refused = csrf.check(f"{SEC}/post_without_csrf_token.sh", update=update_outputs)
    assert lines(refused) == ['{"detail":"Missing CSRF token."}  (HTTP 403)']
    # a GET needs no token
    assert csrf.seen["GET"] == (200, f'"{version("prefect")}"')
    status, settings = csrf.seen["ui-settings"]
    assert status == 200 and json.loads(settings)["csrf_enabled"] is True


def test_another_website_may_ask_only_when_cors_allows_it(
    parts: dict, update_outputs: bool
) -> None:
    # Prefect's default: any origin. With the page's setting: the UI's own only.
    default = part(parts, "exposure").check(
        f"{SEC}/cors_preflight.sh",
        output=f"{SEC}/cors_preflight.out",
        update=update_outputs,
    )
    assert lines(default) == ["OK  (HTTP 200)"]
    # and its answers are for any website's scripts to read
    assert part(parts, "exposure").seen["cors"] == "access-control-allow-origin: *\n"
    restricted = part(parts, "csrf").check(
        f"{SEC}/cors_preflight.sh",
        key="restricted",
        output=f"{SEC}/cors_preflight_restricted.out",
        update=update_outputs,
    )
    assert lines(restricted) == ["Disallowed CORS origin  (HTTP 400)"]
    # a token asked for by another website's script: no header lets it read one
    assert part(parts, "csrf").seen["cors"] == ""


def test_the_prefect_client_fetches_its_csrf_token_itself(
    parts: dict, update_outputs: bool
) -> None:
    csrf = part(parts, "csrf")
    csrf.check(f"{SEC}/run_hello_flow.sh", update=update_outputs)
    assert csrf.seen["run"].state.is_completed(), csrf.seen["run"].state
    # each Prefect client names itself with a random id when it asks for a token
    clients = set(csrf.seen["tokens"]) - {WEBSITE}
    assert clients, "the server handed out no CSRF token to a Prefect client"
    for client in clients:
        UUID(client)


def test_the_prefect_server_has_no_tls_option_of_its_own() -> None:
    """What the page says before it puts nginx in front."""
    import inspect

    from prefect.cli.server import start
    from prefect.settings.models.server import ServerSettings

    def names(model, prefix=""):
        for name, field in model.model_fields.items():
            yield prefix + name
            if isinstance(field.annotation, type) and hasattr(
                field.annotation, "model_fields"
            ):
                yield from names(field.annotation, f"{prefix}{name}.")

    options = list(inspect.signature(start).parameters)
    # (the database settings have TLS options: for the server's connection to
    # PostgreSQL, not for its own clients)
    settings = [n for n in names(ServerSettings) if not n.startswith("database.")]
    assert "host" in options and "api.auth_string" in settings  # the right places
    assert [n for n in options + settings if re.search("ssl|tls|cert", n)] == []


def test_tls_through_nginx(parts: dict, update_outputs: bool) -> None:
    tls = part(parts, "tls")
    made = tls.results[f"{SEC}/make_certificate.sh"]
    assert made.returncode == 0, made.output
    assert tls.seen["key mode"] == 0o600
    assert "DNS:localhost" in tls.seen["names"]
    listening = tls.check(f"{SEC}/listening_behind_proxy.sh", update=update_outputs)
    # Prefect for this machine only, nginx for the network
    assert re.search(r"^LISTEN .* 127\.0\.0\.1:4200 ", listening.output, re.M)
    assert re.search(r"^LISTEN .* 0\.0\.0\.0:8443 ", listening.output, re.M)
    answered = tls.check(f"{SEC}/curl_https.sh", update=update_outputs)
    assert lines(answered) == ["true"]
    # the UI, opened through the proxy, asks the API through the proxy too
    assert json.loads(tls.seen["ui-settings"])["api_url"] == (
        "https://localhost:8443/api"
    )


def test_a_client_trusting_the_certificate_runs_the_flow_over_https(
    parts: dict, update_outputs: bool
) -> None:
    tls = part(parts, "tls")
    shown = tls.check(f"{SEC}/run_hello_flow_https.sh", update=update_outputs)
    assert "View at https://localhost:8443/runs/flow-run/" in shown.output
    assert tls.seen["run"].state.is_completed(), tls.seen["run"].state
    # an event the client sent over its WebSocket, through nginx
    assert "prefect.flow-run.heartbeat" in tls.seen["events"]
    nginx_log = tls.seen["nginx"]
    assert not re.search(r"\[(error|crit|alert|emerg)\]", nginx_log), nginx_log


def test_a_client_that_does_not_trust_it_fails(
    parts: dict, update_outputs: bool
) -> None:
    tls = part(parts, "tls")
    failed = tls.check(f"{SEC}/run_hello_flow_untrusted.sh", update=update_outputs)
    assert "certificate verify failed: self-signed certificate" in failed.output
    assert (
        "RuntimeError: Failed to reach API at https://localhost:8443/api/"
        in failed.output
    )
