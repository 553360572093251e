"""The course followed literally, page after page, as a reader does.

The journey is harness/journey.py; it runs in the background from the start of the
session (harness/journey_fixture.py), and each page's test waits for its part.
"""

from __future__ import annotations

import json

import pytest

from harness import REPO
from harness.journey import FOLLOWED
from harness.journey_fixture import Followed


@pytest.mark.parametrize("page", FOLLOWED)
def test_a_reader_follows(journey: Followed, page: str) -> None:
    """Every step of the page works as the page says, in the terminal it names, and
    every output it shows is what that step printed."""
    journey.parts[page].result(timeout=3600)


LOCKED = REPO / "docs/data/database_is_locked.json"


def test_the_scaling_page_quotes_the_lock_errors_its_servers_logged(
    journey: Followed, update_outputs: bool
) -> None:
    """The scaling page says how many "database is locked" errors each server logged
    in Terminal 1 during its load test: figures of the run that recorded the load
    tests' outputs. Terminal 1 ran the PostgreSQL server from its wrong-password
    attempt to the first load test's output, and the SQLite server from `config
    unset` to the second's."""
    journey.parts["scaling.md"].result(timeout=3600)
    at = journey.journey.shown_at
    terminal = journey.journey.shells[1].text
    windows = {
        "postgres": ("server_wrong_password.out", "load_test_postgres.out"),
        "sqlite": ("use_sqlite.out", "load_test_sqlite.out"),
    }
    # The terminal's raw text: a line the screen wraps is one line here.
    fresh = {
        database: terminal[
            at[f"snippets/scaling/{start}"][1] : at[f"snippets/scaling/{end}"][1]
        ].count("OperationalError: database is locked")
        for database, (start, end) in windows.items()
    }
    assert fresh["postgres"] == 0, fresh  # PostgreSQL has no such lock
    if update_outputs:
        LOCKED.write_text(json.dumps(fresh, indent=2) + "\n")
    shown = json.loads(LOCKED.read_text())
    assert set(shown) == {"postgres", "sqlite"} and shown["postgres"] == 0
    assert isinstance(shown["sqlite"], int) and shown["sqlite"] >= 0
