"""Each lesson's download (hooks/lesson_downloads.py), as the built site
serves it: linked from its page, holding what the page has the reader create and
type, and, for the lessons that need no server of the reader's, a folder the lesson
runs from as it is."""

from __future__ import annotations

import importlib.util
import re
import zipfile
from pathlib import Path

import pytest

from harness import REPO
from harness.output_rules import rule
from harness.page_steps import Command, Output, WriteFile, nav_pages, read_page
from harness.prefect_server import PATIENT_TEMPORARY_SERVER
from harness.terminal import Terminal, run_command
from harness.uv import (
    cache_index_pages,
    hold_to_locked_versions,
    write_locked_versions,
)

HOOK = REPO / "hooks/lesson_downloads.py"
_spec = importlib.util.spec_from_file_location("lesson_downloads", HOOK)
downloads = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(downloads)

LESSONS = downloads.lesson_pages()
# The lessons whose commands run with no server of the reader's: a temporary one
# does, as on the pages.
RUN_ALONE = ["flows.md", "tasks.md"]


def test_every_lesson_has_a_download() -> None:
    # the pages from installing Prefect to what it costs; the home page is none
    assert nav_pages()[1:] == LESSONS


def test_the_install_download_is_made_a_project_by_the_page_s_first_command() -> None:
    project = downloads.PROJECT_MADE_BY["install.md"]
    first = next(s for s in read_page("install.md").steps if isinstance(s, Command))
    assert f"uv init --python 3.13 --no-package {project}\n" in (
        (REPO / first.source).read_text()
    )


def open_download(site: Path, page: str) -> zipfile.ZipFile:
    return zipfile.ZipFile(site / "downloads" / f"{downloads.download_name(page)}.zip")


@pytest.mark.parametrize("page", LESSONS)
def test_the_page_links_its_download(built_site: Path, page: str) -> None:
    html = (built_site / page.removesuffix(".md") / "index.html").read_text()
    name = downloads.download_name(page)
    assert f'href="../downloads/{name}.zip"' in html
    with open_download(built_site, page) as archive:
        assert archive.testzip() is None


@pytest.mark.parametrize("page", LESSONS)
def test_the_download_holds_what_the_page_has_the_reader_create_and_type(
    built_site: Path, page: str
) -> None:
    steps = read_page(page).steps
    folder = downloads.download_name(page)
    with open_download(built_site, page) as archive:
        names = {
            Path(name).relative_to(folder).as_posix() for name in archive.namelist()
        }
        text = {
            Path(name).relative_to(folder).as_posix(): archive.read(name).decode()
            for name in archive.namelist()
        }
    written = {
        downloads.project_folder(page) + step.name: step.source
        for step in steps
        if isinstance(step, WriteFile) and step.box != "solution"
    }
    assert set(written) <= names
    for name, source in written.items():
        assert text[name] == (REPO / source).read_text(), name
    solutions = [
        step.source
        for step in steps
        if isinstance(step, WriteFile) and step.box == "solution"
    ]
    for solution in solutions:  # the exercise's starter, never its solution
        assert (REPO / solution).read_text() not in text.values(), solution
    commands = [
        (REPO / step.source).read_text().rstrip("\n")
        for step in steps
        if isinstance(step, Command) and step.box != "solution"
    ]
    listed = text["commands.txt"]
    at = 0
    for command in commands:  # every command, in the page's order
        at = listed.index(command, at) + len(command)
    if page in downloads.PROJECT_MADE_BY:  # the page's commands make it
        assert "pyproject.toml" not in names
    else:
        assert 'dependencies = ["prefect>=3.9.1,<3.10"]' in text["pyproject.toml"]


def commands_and_exit_codes(page: str) -> list[tuple[str, int]]:
    """The page's commands outside its solution box, each with the exit code of
    the output shown under it."""
    steps = read_page(page).steps
    found = []
    for at, step in enumerate(steps):
        if isinstance(step, Command) and step.box != "solution":
            shown = next(
                (s.source for s in steps[at + 1 :] if isinstance(s, Output)), None
            )
            found.append(
                ((REPO / step.source).read_text().strip(), rule(shown).returncode)
            )
    return found


@pytest.mark.parametrize("page", RUN_ALONE)
def test_a_lesson_runs_from_its_download_alone(
    built_site: Path, page: str, tmp_path: Path
) -> None:
    """Unzipped into an empty folder, with a new Prefect home: each line of its
    commands.txt, typed there, ends as the page shows."""
    cache_index_pages()
    home = tmp_path / "prefect-home"
    with open_download(built_site, page) as archive:
        archive.extractall(tmp_path)
    folder = tmp_path / downloads.download_name(page)
    # The one change to the reader's files: their project gets the versions this
    # site is tested with (a reader's uv takes the index's newest, this one is
    # offline).
    hold_to_locked_versions(folder / "pyproject.toml")
    terminal = Terminal(
        cwd=folder,
        home=home,
        env_extra={
            "UV_OFFLINE": "1",
            "DO_NOT_TRACK": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            **PATIENT_TEMPORARY_SERVER,
        },
    )
    typed = [
        line
        for line in (folder / "commands.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    expected = commands_and_exit_codes(page)
    assert typed == [command for command, _ in expected]
    for command, returncode in expected:
        script = tmp_path / "command.sh"
        script.write_text(command + "\n")
        result = terminal.run(str(script))
        assert result.returncode == returncode, f"{command}:\n{result.output}"
    assert (folder / ".venv").is_dir()


def test_the_install_lesson_runs_from_its_download(
    built_site: Path, tmp_path: Path
) -> None:
    """Unzipped into an empty folder, with a new Prefect home: its commands.txt typed
    in one shell, as the page has them typed in one terminal, make the project around
    the exercise's files, and each command ends as the page shows. The solution, put
    in place of the starter, then passes the check."""
    cache_index_pages()
    page = "install.md"
    with open_download(built_site, page) as archive:
        archive.extractall(tmp_path)
    folder = tmp_path / downloads.download_name(page)
    typed = [
        line
        for line in (folder / "commands.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    expected = commands_and_exit_codes(page)
    assert "\n".join(typed) == "\n".join(command for command, _ in expected)
    # One shell for all of them: `cd hello-prefect` and `export` carry over.
    shell = tmp_path / "one_terminal.sh"
    shell.write_text(
        "".join(f'{command}\necho "exit code: $?"\n' for command, _ in expected)
    )
    terminal = Terminal(
        cwd=folder,
        home=tmp_path / "prefect-home",
        env_extra={
            "UV_CONSTRAINT": str(write_locked_versions(tmp_path / "constraints.txt")),
            "UV_OFFLINE": "1",
        },
    )
    typed_out = run_command(["bash", str(shell)], cwd=folder, env=terminal.env())
    codes = [
        int(code) for code in re.findall(r"^exit code: (\d+)$", typed_out.output, re.M)
    ]
    assert codes == [code for _, code in expected], typed_out.output
    project = folder / downloads.PROJECT_MADE_BY[page]
    assert (project / "pyproject.toml").is_file() and (project / ".venv").is_dir()
    (project / "my_settings.py").write_text(
        (REPO / "exercises/install/solution.py").read_text()
    )
    solved = run_command(
        ["uv", "run", "python", "check_install.py"], cwd=project, env=terminal.env()
    )
    assert solved.returncode == 0, solved.output
