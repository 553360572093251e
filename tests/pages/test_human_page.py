"""The human-in-the-loop page's claims that no output shows, checked on the
session's server."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from harness import REPO
from harness.terminal import command_env, run_command

SNIPPETS = REPO / "snippets/human"
CALL = """\
from big_refund import big_refund

state = big_refund("C-1", 5.0, return_state=True)
print(state.name, state.message)
"""


def test_a_run_no_deployment_started_cannot_be_suspended(
    prefect_server, tmp_path: Path
) -> None:
    for name in ("big_refund.py", "refund.py"):
        shutil.copy(SNIPPETS / name, tmp_path)
    done = run_command(
        [sys.executable, "-c", CALL],
        cwd=tmp_path,
        env=command_env(home=prefect_server.home, api_url=prefect_server.api_url),
    )
    assert done.returncode == 0, done.output
    assert (
        "Failed Flow run encountered an exception: RuntimeError: Flow run cannot be "
        "suspended: Cannot suspend flows without a deployment."
    ) in done.output, done.output
