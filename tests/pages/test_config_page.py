"""The configuration page's claims that no output shows, checked on the session's
server: a template naming a variable that does not exist deploys an empty string,
and the key that decrypts the secrets sits in the same database as the secrets."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from prefect.blocks.system import Secret

from harness import prefect_api as api
from harness.terminal import command_env, run_command

PREFECT = str(Path(sys.executable).parent / "prefect")

GREET = """\
from prefect import flow


@flow
def greet_by_name(name: str) -> None:
    print(f"Hello, {name}!")
"""

TEMPLATE = """\
deployments:
- name: missing-variable
  entrypoint: greet.py:greet_by_name
  work_pool:
    name: config-page-pool
  parameters:
    name: "{{ prefect.variables.no_such_variable }}"
"""


def test_a_template_naming_a_missing_variable_deploys_an_empty_string(
    prefect_server, tmp_path: Path
) -> None:
    (tmp_path / "greet.py").write_text(GREET)
    (tmp_path / "prefect.yaml").write_text(TEMPLATE)
    env = command_env(home=prefect_server.home, api_url=prefect_server.api_url)
    for argv in (
        [PREFECT, "work-pool", "create", "config-page-pool", "--type", "process"],
        [PREFECT, "--no-prompt", "deploy", "--name", "missing-variable"],
    ):
        done = run_command(argv, cwd=tmp_path, env=env)
        assert done.returncode == 0, done.output
    # No warning on the way, and the parameter is "" on the server.
    assert "no_such_variable" not in done.output, done.output
    assert api.deployment("greet-by-name/missing-variable").parameters == {"name": ""}


def test_the_key_to_the_secrets_is_in_the_same_database(prefect_server) -> None:
    Secret(value="correct-horse-battery-staple").save("config-page-secret")
    with sqlite3.connect(prefect_server.database) as database:
        (stored,) = database.execute(
            "SELECT data FROM block_document WHERE name = 'config-page-secret'"
        ).fetchone()
        (key,) = database.execute(
            "SELECT value FROM configuration WHERE key = 'ENCRYPTION_KEY'"
        ).fetchone()
    # Encrypted in the database (a JSON string column)...
    assert "correct-horse-battery-staple" not in stored
    token = json.loads(stored)
    # ...with a key from the same file: the file alone gives the secret away.
    fernet = Fernet(json.loads(key)["fernet_key"].encode())
    assert json.loads(fernet.decrypt(token.encode())) == {
        "value": "correct-horse-battery-staple"
    }
