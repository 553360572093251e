"""MkDocs hook: one download per lesson, built with the site.

`downloads/learn-prefect-<page>.zip` holds a lesson in a project of its own: every file
the page has the reader create (an exercise's starter, not its solution), the check of
its exercise with `lesson_check.py`, `commands.txt` (the page's commands, in order,
with the terminal each goes in), and a `pyproject.toml` with the Prefect the install
page adds. The install lesson's commands make that project themselves: its download
holds the exercise's files in the project's folder, and the commands make the project
around them. The page links its download in a box above its first section.

What a page asks the reader to do is read by harness/page_steps.py, as the journey
reads it: the download holds what the journey does.
"""

from __future__ import annotations

import io
import re
import zipfile

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from harness import REPO
from harness.page_steps import (
    Command,
    PressCtrlC,
    RunAgainUntil,
    WaitFor,
    WaitUntilAnswers,
    WriteFile,
    nav_pages,
    read_page,
)

SHARED_CHECK = "exercises/lesson_check.py"
# The Prefect the install page adds: `uv add "prefect>=3.9.1,<3.10"`.
PREFECT = re.search(
    r'uv add "(?P<spec>prefect[^"]+)"',
    (REPO / "snippets/install/create_project.sh").read_text(),
).group("spec")
# Every entry of a zip gets this time: the same files make the same zip.
ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def download_name(page: str) -> str:
    """`flows.md` -> `learn-prefect-flows`: the zip's name, and its folder's."""
    return "learn-prefect-" + page.removesuffix(".md")


# The project the install page's first command makes: `uv init ... hello-prefect`.
PROJECT_MADE_BY = {"install.md": "hello-prefect"}


def project_folder(page: str) -> str:
    """Where, in the download's folder, the page's files go: `hello-prefect/` for a
    page whose commands make the project, the folder itself for the others."""
    project = PROJECT_MADE_BY.get(page)
    return f"{project}/" if project else ""


def lesson_files(page: str) -> dict[str, str]:
    """The files of a lesson's download: name in the zip -> text."""
    steps = read_page(page).steps
    title = (REPO / "docs" / page).read_text().splitlines()[0].removeprefix("# ")
    folder = project_folder(page)
    files: dict[str, str] = {}
    for step in steps:
        if isinstance(step, WriteFile) and step.box != "solution":
            files[folder + step.name] = (REPO / step.source).read_text()
    if any(step.source.startswith("exercises/") for step in _writes(steps)):
        files.setdefault(folder + "lesson_check.py", (REPO / SHARED_CHECK).read_text())
    files["commands.txt"] = _commands(title, steps)
    if page in PROJECT_MADE_BY:
        return files  # its commands write pyproject.toml and .python-version
    files["pyproject.toml"] = (
        "[project]\n"
        f'name = "{download_name(page)}"\n'
        'version = "0.1.0"\n'
        'requires-python = ">=3.13"\n'
        f'dependencies = ["{PREFECT}"]\n'
    )
    files[".python-version"] = "3.13\n"
    return files


def _writes(steps: list) -> list[WriteFile]:
    return [step for step in steps if isinstance(step, WriteFile)]


def _commands(title: str, steps: list) -> str:
    lines = [
        f'# The commands of the lesson "{title}", in the order the page runs them.',
        "# Each goes in the terminal named above it: a shell of its own, here too.",
        "# Lines that start with # say what to do that is not a command.",
    ]
    terminal = None
    for step in steps:
        if isinstance(step, Command) and step.box != "solution":
            if step.terminal != terminal:
                terminal = step.terminal
                lines += ["", f"# Terminal {terminal}"]
            lines.append((REPO / step.source).read_text().rstrip("\n"))
        elif isinstance(step, PressCtrlC):
            lines.append(f"# Terminal {step.terminal}: press Ctrl-C")
        elif isinstance(step, WaitFor):
            lines.append(f"# Terminal {step.terminal}: wait for {step.text!r}")
        elif isinstance(step, WaitUntilAnswers):
            lines.append(f"# Terminal {step.terminal}: wait until {step.url} answers")
        elif isinstance(step, RunAgainUntil):
            again = f"run it again until it prints {step.text!r}"
            lines.append(f"# Terminal {step.terminal}: {again}")
    return "\n".join(lines) + "\n"


def lesson_pages() -> list[str]:
    """The pages that have the reader create a file or type a command."""
    return [
        page
        for page in nav_pages()
        if any(isinstance(step, WriteFile | Command) for step in read_page(page).steps)
    ]


def lesson_zip(page: str) -> bytes:
    buffer = io.BytesIO()
    folder = download_name(page)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in sorted(lesson_files(page).items()):
            entry = zipfile.ZipInfo(f"{folder}/{name}", date_time=ZIP_TIME)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, text)
    return buffer.getvalue()


# This build's downloads: page -> its files (set by on_files).
_built: dict[str, dict[str, str]] = {}


def on_files(files: Files, config: MkDocsConfig) -> Files:
    _built.clear()
    for page in lesson_pages():
        _built[page] = lesson_files(page)
        files.append(
            File.generated(
                config,
                f"downloads/{download_name(page)}.zip",
                content=lesson_zip(page),
            )
        )
    return files


BOX = """\
!!! download "This lesson's files"
    [{name}.zip](downloads/{name}.zip): this lesson as a project of its own, with
    {files}`commands.txt`, the page's commands in order, with the terminal each goes
    in. Unzip it anywhere and follow the page from its folder: the first `uv run`
    there installs Prefect.

"""
FILES = "every file the page has you create{exercise}, and "
# For a page whose commands make the project.
BOX_MADE_BY_ITS_COMMANDS = """\
!!! download "This lesson's files"
    [{name}.zip](downloads/{name}.zip): the files this page has you create{exercise},
    already in the `{project}/` folder that its first command makes into a project,
    and `commands.txt`, the page's commands in order. Unzip it anywhere and type the
    commands from its folder: `uv init` makes the project around the files.

"""


def on_page_markdown(markdown: str, page: Page, **_: object) -> str:
    name = page.file.src_uri
    if name not in _built:
        return markdown
    files = _built[name]
    folder = project_folder(name)
    exercise = (
        " (for the exercise: its starter and its check, not its solution)"
        if folder + "lesson_check.py" in files
        else ""
    )
    if name in PROJECT_MADE_BY:
        box = BOX_MADE_BY_ITS_COMMANDS.format(
            name=download_name(name), exercise=exercise, project=PROJECT_MADE_BY[name]
        )
    else:
        # only commands: a project to type them in (the costs lesson)
        created = set(files) - {"commands.txt", "pyproject.toml", ".python-version"}
        box = BOX.format(
            name=download_name(name),
            files=FILES.format(exercise=exercise) if created else "",
        )
    first_section = markdown.find("\n## ")
    if first_section < 0:
        return markdown + "\n" + box
    return markdown[: first_section + 1] + box + markdown[first_section + 1 :]
