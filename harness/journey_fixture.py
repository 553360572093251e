"""The journey as a session fixture (a pytest plugin: tests/conftest.py loads it).

It starts with the session, in the background (it spends most of its time waiting on
servers, workers and runs, as the other tests do), and follows the pages in the order
of the navigation; the test of each page (tests/journey/) waits for that page's part.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field

import pytest

from harness.journey import FOLLOWED, Journey


@dataclass
class Followed:
    journey: Journey
    parts: dict[str, Future]
    """Each followed page, and the future of its part of the journey (its time)."""
    cut_short: set[str] = field(default_factory=set)
    """The pages still under way when the session ended."""


FOLLOWED_NOW = pytest.StashKey["Followed"]()


@pytest.fixture(scope="session")
def journey(request: pytest.FixtureRequest, update_outputs: bool) -> Iterator[Followed]:
    """The journey, under way in the background."""
    journey = Journey(update=update_outputs)
    parts: dict[str, Future] = {page: Future() for page in FOLLOWED}
    followed = Followed(journey, parts)
    request.config.stash[FOLLOWED_NOW] = followed

    def follow() -> None:
        for page, part in parts.items():
            try:
                journey.follow(page)
            except BaseException as error:  # the page's test raises it
                part.set_exception(error)
            else:
                part.set_result(journey.times[page])

    thread = threading.Thread(target=follow, name="journey", daemon=True)
    thread.start()
    try:
        yield followed
    finally:
        followed.cut_short = {page for page, part in parts.items() if not part.done()}
        journey.close()  # also ends a journey still under way: its shells close
        thread.join(timeout=60)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """How long the journey spent on each page it followed: where a session's time
    goes, since its tests only wait for it."""
    followed = config.stash.get(FOLLOWED_NOW, None)
    if followed is None:
        return
    terminalreporter.section("the journey, page by page")
    for page, part in followed.parts.items():
        if page not in followed.journey.times:
            break
        if page in followed.cut_short:
            how = " (cut short: the session ended)"
        else:
            how = " (failed)" if part.exception() else ""
        seconds = followed.journey.times[page]
        terminalreporter.write_line(f"{page:<20} {seconds:6.1f} s{how}")
    terminalreporter.write_line("its slowest steps:")
    for line in followed.journey.slowest_steps():
        terminalreporter.write_line(line)
