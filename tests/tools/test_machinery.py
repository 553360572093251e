"""The checks fail loudly and say where: a changed print, a changed shown output."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.shown_output import check_or_update, difference, mask, present
from harness.snippet_pool import SnippetPool
from harness.snippet_runner import check_outcome


def test_a_changed_print_fails_with_a_diff_and_the_path(tmp_path: Path) -> None:
    snippet = tmp_path / "snippets" / "demo" / "greeting.py"
    snippet.parent.mkdir(parents=True)
    snippet.write_text('print("Hello, world!")\n#> Hello, moon!\n')
    crash = snippet.with_name("crash.py")
    crash.write_text('print("about to fail")\nraise ValueError("bad input")\n')

    pool = SnippetPool(1, env=dict(os.environ), logs=tmp_path)
    try:
        changed = pool.submit(snippet, update=False).result(timeout=120)
        crashed = pool.submit(crash, update=False).result(timeout=120)
    finally:
        pool.close()

    with pytest.raises(pytest.fail.Exception) as failure:
        check_outcome(changed, label="snippets/demo/greeting.py")
    message = str(failure.value)
    assert message.startswith("snippets/demo/greeting.py: ")
    assert "-#> Hello, moon!" in message
    assert "+#> Hello, world!" in message

    # An exception is not a changed print: its traceback, not a call to refresh.
    with pytest.raises(pytest.fail.Exception) as failure:
        check_outcome(crashed, label="snippets/demo/crash.py")
    message = str(failure.value)
    assert message.startswith("snippets/demo/crash.py failed:")
    assert "ValueError: bad input" in message
    assert "--update-examples" not in message


RECORDED = """\
07:48:51.684 | INFO    | Flow run 'bright-turaco' - Beginning flow run 'bright-turaco' for flow 'hello-flow'
07:48:51.706 | INFO    | Flow run 'bright-turaco' - View at http://127.0.0.1:43805/runs/flow-run/24b0e43d-012d-4403-94d6-00abc8624d84
07:48:51.740 | INFO    | Task run 'create_hello-80a' - Finished in state Completed()
Hello, world!
07:48:52.740 | INFO    | Flow run 'bright-turaco' - Finished in state Completed()
"""


def test_a_fresh_run_matches_despite_times_names_ids_and_ports() -> None:
    fresh = (
        RECORDED.replace("07:48:5", "11:02:3")
        .replace("bright-turaco", "quiet-quoll")
        .replace("43805", "51234")
        .replace("24b0e43d", "9e428f2b")
        .replace("create_hello-80a", "create_hello-e75")
    )
    assert fresh != RECORDED
    assert mask(fresh) == mask(RECORDED)


def test_a_changed_shown_output_fails_with_a_diff_and_the_path(tmp_path: Path) -> None:
    recorded = tmp_path / "run_hello.out"
    recorded.write_text(RECORDED)
    fresh = RECORDED.replace("Hello, world!", "Hello, moon!")

    diff = check_or_update(
        recorded, fresh, update=False, label="snippets/demo/run_hello.out"
    )

    assert "snippets/demo/run_hello.out (shown on the page)" in diff
    assert "-Hello, world!" in diff
    assert "+Hello, moon!" in diff
    assert recorded.read_text() == RECORDED  # checking never rewrites


def test_update_rewrites_the_shown_output(tmp_path: Path) -> None:
    recorded = tmp_path / "run_hello.out"
    recorded.write_text(RECORDED)
    changed = RECORDED.replace("Hello, world!", "Hello, moon!")
    assert check_or_update(recorded, changed, update=True) == ""
    assert recorded.read_text() == changed


def test_a_missing_shown_output_says_how_to_make_it(tmp_path: Path) -> None:
    missing = tmp_path / "run_new.out"
    message = check_or_update(
        missing, RECORDED, update=False, label="snippets/x/run_new.out"
    )
    assert message == (
        "snippets/x/run_new.out does not exist: run `uv run pytest --update-examples`"
    )
    assert not missing.exists()


def test_lines_that_come_in_any_order_can_be_compared_as_a_set() -> None:
    lines = RECORDED.splitlines(keepends=True)
    swapped = "".join([lines[0], lines[1], lines[3], lines[2], lines[4]])
    assert difference(RECORDED, swapped, label="x", ordered=False) == ""
    assert difference(RECORDED, swapped, label="x", ordered=True) != ""


def test_present_hides_machine_paths_and_traceback_frames() -> None:
    raw = (
        "\x1b[31mERROR\x1b[0m in /home/ci/project/.venv/lib/python3.13/x.py\n"
        "Traceback (most recent call last):\n"
        '  File "/home/ci/project/.venv/lib/python3.13/site-packages/prefect/flows.py",'
        " line 1887, in __call__\n"
        "    return run_flow(\n"
        "    ~~~~~~~~^^^\n"
        "prefect.exceptions.ParameterTypeError: Flow run received invalid parameters:\n"
        " - times: Input should be a valid integer\n"
    )
    shown = present(
        raw, paths={"/home/ci/project/.venv": ".venv", "/home/ci/project": "."}
    )
    assert shown == (
        "ERROR in .venv/lib/python3.13/x.py\n"
        "Traceback (most recent call last):\n"
        "  ...\n"
        "prefect.exceptions.ParameterTypeError: Flow run received invalid parameters:\n"
        " - times: Input should be a valid integer\n"
    )


def test_lines_that_come_or_not_by_a_race_can_be_left_out() -> None:
    watched = "Created flow run 'quiet-quoll'.\n● 08:28:14.808 782587b1ae24 prefect.flow-run.Pending * quiet-quoll\n"
    earlier = watched.replace(
        "● 08:28",
        "● 08:28:14.800 782587b1ae24 prefect.flow-run.Scheduled * quiet-quoll\n● 08:28",
        1,
    )
    racy = (r"prefect\.flow-run\.Scheduled",)
    assert difference(watched, earlier, label="x", optional=racy) == ""
    assert difference(watched, earlier, label="x") != ""


def test_a_late_events_warning_is_neither_recorded_nor_compared(tmp_path) -> None:
    recorded = (
        "Hello, world!\n12:00:01.000 | INFO    | Flow run 'quiet-quoll' - Finished\n"
    )
    late = recorded + (
        "12:00:02.000 | WARNING | EventsWorker - Still processing items: "
        "3 items remaining...\n"
    )
    assert difference(recorded, late, label="x") == ""  # a busy server
    assert difference(late, recorded, label="x") == ""  # an idle one
    assert difference(recorded, late.replace("Hello", "Bye"), label="x") != ""
    shown = tmp_path / "hello.out"
    assert check_or_update(shown, late, update=True) == ""
    assert shown.read_text() == recorded
