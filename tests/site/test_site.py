"""The site: every snippet on a page, every include resolving, a strict build."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from harness import EXERCISES, REPO, SNIPPETS
from harness.built_site import mkdocs_build

DOCS = REPO / "docs"
INCLUDE = re.compile(r'^\s*--8<--\s+"([^"]+)"\s*$', re.MULTILINE)


def includes() -> dict[str, list[str]]:
    """Included file -> the pages that include it."""
    found: dict[str, list[str]] = {}
    for page in sorted(DOCS.rglob("*.md")):
        for target in INCLUDE.findall(page.read_text()):
            found.setdefault(target, []).append(page.relative_to(REPO).as_posix())
    return found


def test_every_snippet_is_on_a_page() -> None:
    snippet_files = {
        path.relative_to(REPO).as_posix()
        for path in SNIPPETS.rglob("*")
        if path.is_file()
    }
    assert snippet_files, "no snippets found"
    not_shown = sorted(snippet_files - includes().keys())
    assert not_shown == [], "snippet files that no page includes"


def test_every_exercise_file_is_on_a_page_or_tried_by_the_tests() -> None:
    # A wrong attempt is not on the page, but what the check says to it is, and
    # tests/exercises/ runs the check on it.
    exercise_files = {
        path.relative_to(REPO).as_posix()
        for path in EXERCISES.rglob("*")
        if path.is_file()
        and not path.name.startswith("wrong_")
        and "__pycache__" not in path.parts
    }
    assert exercise_files, "no exercises found"
    assert sorted(exercise_files - includes().keys()) == [], (
        "exercise files that no page includes"
    )


def included_text_exists(target: str) -> bool:
    """A file, or a named section of one ("tests/conftest.py:fixture", marked in the
    file with `--8<-- [start:fixture]` and `--8<-- [end:fixture]`)."""
    path, _, section = target.partition(":")
    if not (REPO / path).is_file():
        return False
    text = (REPO / path).read_text()
    return not section or all(
        f"--8<-- [{end}:{section}]" in text for end in ("start", "end")
    )


def test_every_include_points_at_a_file() -> None:
    missing = {
        target: pages
        for target, pages in includes().items()
        if not included_text_exists(target)
    }
    assert missing == {}, "includes of files or sections that do not exist"


def test_strict_build_passes(built_site: Path) -> None:
    for page in (
        "index.html",
        "install/index.html",
        "flows/index.html",
        "tasks/index.html",
        "parallel/index.html",
    ):
        assert (built_site / page).is_file(), page


def test_home_page_shows_the_installed_versions(built_site: Path) -> None:
    home = (built_site / "index.html").read_text()
    for package in ("prefect", "mkdocs-material", "markdown-exec", "pytest-examples"):
        assert re.search(
            rf"<td>{re.escape(package)}</td>\s*<td>{re.escape(version(package))}</td>",
            home,
        ), f"the versions table does not show {package} {version(package)}"


def test_pages_show_the_recorded_outputs(built_site: Path) -> None:
    flows = (built_site / "flows/index.html").read_text()
    assert "Starting temporary server on" in flows
    assert "ParameterTypeError" in flows


def test_an_include_of_a_missing_file_fails_the_build_and_names_it(
    tmp_path: Path,
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(REPO / "mkdocs.yml", project)
    shutil.copytree(DOCS, project / "docs")
    shutil.copytree(SNIPPETS, project / "snippets")
    shutil.copytree(EXERCISES, project / "exercises")
    shutil.copytree(REPO / "overrides", project / "overrides")
    shutil.copytree(REPO / "hooks", project / "hooks")
    page = project / "docs" / "flows.md"
    page.write_text(
        page.read_text()
        + '\n```python\n--8<-- "snippets/flows/no_such_snippet.py"\n```\n'
    )
    build = mkdocs_build(project, tmp_path / "site")
    assert build.returncode != 0
    assert "snippets/flows/no_such_snippet.py" in build.stderr, build.stderr


def test_the_repository_code_is_linted_and_formatted() -> None:
    ruff = [sys.executable, "-m", "ruff"]
    check = subprocess.run(
        [*ruff, "check", "."], cwd=REPO, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    form = subprocess.run(
        [*ruff, "format", "--check", "."], cwd=REPO, capture_output=True, text=True
    )
    assert form.returncode == 0, form.stdout + form.stderr
