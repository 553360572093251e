"""Follow the course's pages as a reader does, and print how long each page took.

    uv run python scripts/follow_pages.py                 # every page the tests follow
    uv run python scripts/follow_pages.py deployments.md  # the pages up to this one
    uv run python scripts/follow_pages.py --update        # and record their outputs
    uv run python scripts/follow_pages.py scheduling.md --from-saved  # that page alone

The same journey as the tests' (harness/journey.py): a fresh HOME, the pages' commands
in their terminals, each output compared with the page. A page needs the state the
pages before it leave (a project, a server, a deployment), so they are followed too.
After each page, the state it leaves is saved (harness/saved_journey.py), and
`--from-saved` starts from the state the page before the last one left instead: the
author's shortcut while working on one page (the tests always follow every page).
Everything it starts is stopped when it ends, also on Ctrl-C and SIGTERM. Each page
followed to its end gets its stamp in docs/verified_with.json: the Prefect it was
verified with, and the day (harness/verified_with.py); the pages show it.
"""

from __future__ import annotations

import argparse
import sys
import time

from harness.journey import FOLLOWED, Journey, JourneyError
from harness.processes import interrupt_on_sigterm
from harness.saved_journey import restore, save


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "until",
        nargs="?",
        choices=FOLLOWED,
        default=FOLLOWED[-1],
        help="the last page to follow (default: the last the tests follow)",
    )
    parser.add_argument(
        "--update", action="store_true", help="record the outputs instead of comparing"
    )
    parser.add_argument(
        "--from-saved",
        action="store_true",
        help="follow the last page alone, from the state saved after the one before",
    )
    args = parser.parse_args()
    interrupt_on_sigterm()
    pages = FOLLOWED[: FOLLOWED.index(args.until) + 1]
    started = time.monotonic()
    try:
        if args.from_saved and len(pages) > 1:
            journey = restore(pages[-2], update=args.update)
            print(f"{'(restored)':<20} {time.monotonic() - started:6.1f} s", flush=True)
            pages = pages[-1:]
        else:
            journey = Journey(update=args.update)
    except JourneyError as error:
        print(f"The journey could not start: {error}", file=sys.stderr)
        return 2
    # Each page followed to its end, its outputs matching or recorded, is verified
    # with the Prefect installed, today: docs/verified_with.json says so.
    journey.stamp = True
    try:
        for page in pages:
            try:
                journey.follow(page)
            finally:
                if page in journey.times:
                    print(f"{page:<20} {journey.times[page]:6.1f} s", flush=True)
            save(journey, page)
    except JourneyError as error:
        print(f"\nThe journey stopped: {error}", file=sys.stderr)
        return 1
    finally:
        journey.close()
    print(f"{'all':<20} {time.monotonic() - started:6.1f} s")
    print("the slowest steps:", *journey.slowest_steps(), sep="\n")
    what = "recorded" if args.update else "compared"
    print(f"{journey.recorded or journey.compared} outputs {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
