"""The exercises that end the lessons, as the tests and the downloads see them.

`exercises/<page>/` holds one lesson's exercise:

- `starter.py`: what the reader starts from, `solution.py`: one answer, and
  `wrong_*.py`: realistic attempts that are not there yet;
- `check_<page>.py`: the check the reader runs; it imports `exercises/lesson_check.py`,
  the part every check shares, and names the script it runs (`script="..."`);
- `check.sh`: the command that runs the check, as the page shows it;
- `check_<attempt>.out`: what the check prints for each attempt. The page shows those
  of the starter and of the solution, on the reader's path (the journey runs and
  compares them: harness/journey.py), and the wrong attempts' in a box, off it
  (tests/exercises/ runs and compares those).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from harness import EXERCISES, REPO
from harness.page_steps import nav_pages

SHARED_CHECK = EXERCISES / "lesson_check.py"
# Files from earlier lessons that an exercise uses, as a reader has them in their
# folder by then: exercise -> name in the folder -> the snippet.
EARLIER_FILES = {
    "architecture": {"hello_flow.py": "snippets/deployments/hello_flow.py"},
    "scheduling": {"hello_flow.py": "snippets/deployments/hello_flow.py"},
}
# Deployments from earlier lessons that an exercise uses, as the reader's server has
# them by then: exercise -> deployment name -> (its entrypoint, its work pool).
EARLIER_DEPLOYMENTS = {
    "architecture": {"hello-deployment": ("hello_flow.py:hello_flow", "my-pool")},
}
SCRIPT = re.compile(r'\bscript="(?P<name>[\w.-]+\.py)"')
WORKER = re.compile(r"prefect worker start --pool (?P<pool>[\w-]+)")


@dataclass(frozen=True)
class Exercise:
    page: str
    """The page's name without `.md`: the folder's name."""

    @property
    def folder(self) -> Path:
        return EXERCISES / self.page

    @property
    def check(self) -> Path:
        return self.folder / f"check_{self.page}.py"

    @property
    def command(self) -> str:
        """The command snippet that runs the check, from the repository root."""
        return (self.folder / "check.sh").relative_to(REPO).as_posix()

    @property
    def script(self) -> str:
        """The file name the check runs, and the page titles the starter with."""
        found = SCRIPT.search(self.check.read_text())
        if not found:
            raise ValueError(f'{self.check}: no script="NAME.py" in its run_check')
        return found.group("name")

    @property
    def needs_your_server(self) -> bool:
        """The check runs against the reader's server (from the server lesson on),
        not a temporary one of its own."""
        return "needs_your_server=True" in self.check.read_text()

    @property
    def worker_pool(self) -> str | None:
        """The work pool whose worker the exercise needs running (its check names the
        command that starts one), if any."""
        found = WORKER.search(self.check.read_text())
        return found.group("pool") if found else None

    @property
    def attempts(self) -> list[str]:
        """starter, solution, wrong_...: the attempts whose check output is recorded."""
        wrong = sorted(path.stem for path in self.folder.glob("wrong_*.py"))
        return ["starter", "solution", *wrong]

    def attempt(self, name: str) -> Path:
        return self.folder / f"{name}.py"

    def output(self, attempt: str) -> str:
        """The recorded output of the check on `attempt`, from the repository root."""
        return (self.folder / f"check_{attempt}.out").relative_to(REPO).as_posix()

    @property
    def earlier_deployments(self) -> dict[str, tuple[str, str]]:
        """The deployments of earlier lessons it uses: name -> (entrypoint, pool)."""
        return EARLIER_DEPLOYMENTS.get(self.page, {})

    def put_in(self, folder: Path, attempt: str) -> None:
        """Give `folder` what a reader's folder has for this exercise: the check, the
        shared part of every check, and `attempt` under the script's name."""
        earlier = EARLIER_FILES.get(self.page, {})
        for source, name in (
            (self.check, self.check.name),
            (SHARED_CHECK, SHARED_CHECK.name),
            (self.attempt(attempt), self.script),
            *((REPO / snippet, name) for name, snippet in earlier.items()),
        ):
            (folder / name).write_text(source.read_text())


def exercises() -> list[Exercise]:
    """Every exercise, in the order of the lessons: a reader's server holds what
    the earlier ones left on it."""
    order = {page.removesuffix(".md"): at for at, page in enumerate(nav_pages())}
    pages = {path.parent.name for path in EXERCISES.glob("*/check_*.py")}
    return [Exercise(page) for page in sorted(pages, key=lambda page: order[page])]
