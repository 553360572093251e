"""The course followed literally, page after page, as a reader does.

The journey is harness/journey.py; it runs in the background from the start of the
session (harness/journey_fixture.py), and each page's test waits for its part.
"""

from __future__ import annotations

import pytest

from harness.journey import FOLLOWED
from harness.journey_fixture import Followed


@pytest.mark.parametrize("page", FOLLOWED)
def test_a_reader_follows(journey: Followed, page: str) -> None:
    """Every step of the page works as the page says, in the terminal it names, and
    every output it shows is what that step printed."""
    journey.parts[page].result(timeout=3600)
