"""The testing page, followed in the reader's project: pytest added with uv, the
page's conftest.py and tests copied in, and the reader's `uv run pytest` run for real
(the harness starts its own temporary server)."""

from __future__ import annotations

import shutil

from harness import REPO
from harness.reader_fixtures import Installed, step

T = "snippets/testing"


def test_the_readers_tests_pass(installed: Installed, update_outputs: bool) -> None:
    for name in ("pipeline.py", "conftest.py", "test_pipeline.py"):
        shutil.copy(REPO / T / name, installed.project)
    added = step(installed.terminal, f"{T}/add_pytest.sh")
    assert added.result.returncode == 0, added.result.output
    assert "pytest" in (installed.project / "pyproject.toml").read_text()
    ran = step(installed.terminal, f"{T}/run_tests.sh")
    ran.check(update=update_outputs)
    # every test of the page ran and passed, the failure paths included
    assert "8 passed" in ran.result.output
