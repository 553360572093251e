"""Waiting for a condition, never for a fixed time: one loop for the whole harness."""

from __future__ import annotations

import time
from collections.abc import Callable


class WaitedTooLong(AssertionError, TimeoutError):
    """A condition did not come true in time; the message says what was awaited.

    An AssertionError, as a failed check reads in a test; a TimeoutError, for a script
    to catch."""


def wait_until[T](
    condition: Callable[[], T | None],
    *,
    timeout: float,
    what: str,
    interval: float = 0.25,
    give_up: Callable[[], str | bool | None] | None = None,
    seen: Callable[[], str] | None = None,
) -> T:
    """Call `condition` until it returns something truthy, and return that.

    After `timeout` seconds, raise `WaitedTooLong`, saying `what` was awaited and the
    last value seen. `give_up`, called between tries, returns a reason to stop waiting
    at once (a process that ended, say), which the error gives instead. `seen` says
    what was seen meanwhile, for the error (by default, the last value).
    """
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = condition()
        if last:
            return last
        if give_up is not None and (reason := give_up()):
            break
        if time.monotonic() >= deadline:
            reason = f"not within {timeout} s"
            break
        time.sleep(interval)
    raise WaitedTooLong(
        f"{what}: {reason}; " + (seen() if seen else f"last seen: {last!r}")
    )
