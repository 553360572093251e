"""The journey as a session fixture (a pytest plugin: tests/conftest.py loads it).

It starts with the session, in the background (it spends most of its time waiting on
servers, workers and runs, as the other tests do), and follows the pages in the order
of the navigation; the test of each page (tests/journey/) waits for that page's part.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass

import pytest

from harness.journey import FOLLOWED, Journey


@dataclass
class Followed:
    journey: Journey
    parts: dict[str, Future]
    """Each followed page, and the future of its part of the journey (its time)."""


@pytest.fixture(scope="session")
def journey(update_outputs: bool) -> Iterator[Followed]:
    """The journey, under way in the background."""
    journey = Journey(update=update_outputs)
    parts: dict[str, Future] = {page: Future() for page in FOLLOWED}

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
        yield Followed(journey, parts)
    finally:
        journey.close()  # also ends a journey still under way: its shells close
        thread.join(timeout=60)
