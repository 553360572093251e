"""The machinery the tests and the scripts share: real Prefect servers, workers and
commands run as a reader runs them, their recorded outputs, and the processes they
start, all stopped by PID."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
"""The repository's root folder."""
SNIPPETS = REPO / "snippets"
"""The samples and commands the pages show, one folder per page."""
EXERCISES = REPO / "exercises"
"""The exercises that end the lessons, one folder per page: starter, solution, check,
wrong attempts (harness/exercises.py)."""
