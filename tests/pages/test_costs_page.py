"""The "What Prefect costs" page's one command (its figures: test_benchmark.py)."""

from __future__ import annotations

from harness.reader_fixtures import Installed


def test_uv_compiles_the_projects_packages(installed: Installed) -> None:
    result = installed.terminal.run("snippets/costs/compile_bytecode.sh")
    assert result.returncode == 0, result.output
    assert "Bytecode compiled" in result.output
    # Prefect's own modules, compiled for the project's Python.
    (site_packages,) = (installed.project / ".venv/lib").glob("python3.*/site-packages")
    assert list((site_packages / "prefect/__pycache__").glob("__init__.*.pyc"))
