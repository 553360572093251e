"""Every command a page shows runs for real, and every output it shows comes from a
run: the journey's (harness/journey.py), which types what the pages say, or a page's
own test's, for the commands the journey does not type (another way to do a step, a
detour) and the outputs a page shows from another context. A page's test names the
commands it runs where it runs them: this file finds those names in the tests'
source."""

from __future__ import annotations

import functools
import re

from harness import EXERCISES, REPO, SNIPPETS
from harness.journey import journey_commands, journey_outputs
from harness.output_rules import IN_A_TERMINAL, RULES

# Where the page tests and the machinery they use name the snippets they run.
TEST_SOURCES = [*(REPO / "tests/pages").glob("*.py"), *(REPO / "harness").glob("*.py")]
FOLDER_CONSTANT = re.compile(r'(?m)^(\w+) = "(snippets/\w+)"$')


@functools.cache
def named_by_tests() -> frozenset[str]:
    """Every snippet file a page test names: "snippets/<page>/<file>", written out
    or with the page's folder in a constant (`SV = "snippets/server"`)."""
    named: set[str] = set()
    texts = {source: source.read_text() for source in TEST_SOURCES}
    # a constant a test imports from the machinery (`SEC`), or its own
    imported = {
        constant: folder
        for text in texts.values()
        for constant, folder in FOLDER_CONSTANT.findall(text)
    }
    for text in texts.values():
        folders = imported | dict(FOLDER_CONSTANT.findall(text))
        for folder, name in re.findall(r'"(snippets/\w+)/([\w.]+\.(?:sh|out))"', text):
            named.add(f"{folder}/{name}")
        for constant, name in re.findall(r'f"\{(\w+)\}/([\w.]+\.(?:sh|out))"', text):
            if constant in folders:
                named.add(f"{folders[constant]}/{name}")
        # bare file names, joined to the page's folder where the test runs them
        # (`f"{D}/{command}" for command in ("run_greet.sh", ...)`)
        own = set(dict(FOLDER_CONSTANT.findall(text)).values())
        if len(own) == 1:
            (folder,) = own
            for name in re.findall(r'"([\w.]+\.(?:sh|out))"', text):
                named.add(f"{folder}/{name}")
    return frozenset(named)


def files(suffix: str) -> set[str]:
    return {p.relative_to(REPO).as_posix() for p in SNIPPETS.rglob(f"*{suffix}")}


def test_every_command_snippet_is_run() -> None:
    run = journey_commands() | named_by_tests()
    assert files(".sh") - run == set(), "command snippets that no test runs"


def test_every_shown_output_comes_from_a_run() -> None:
    """An output the journey does not compare is one a page's test names, or the
    NAME.out of a command that a page's test runs."""
    made = journey_outputs() | named_by_tests()
    made |= {command.removesuffix(".sh") + ".out" for command in named_by_tests()}
    assert files(".out") - made == set(), "shown outputs that no run refreshes"


def test_every_rule_is_about_a_shown_output() -> None:
    # an exercise's check outputs too (tests/exercises runs them)
    exercises = {p.relative_to(REPO).as_posix() for p in EXERCISES.rglob("*.out")}
    outputs = files(".out") | exercises
    assert set(RULES) - outputs == set(), "rules for outputs that do not exist"
    assert IN_A_TERMINAL - files(".sh") == set(), "commands that do not exist"
