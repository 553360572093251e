"""Check the exercise of "Your first flow": run word_count.py, then ask the Prefect
server what the run recorded. Run it in your project folder:

    uv run python check_flows.py
"""

try:
    from lesson_check import REVISION, Check, run_check
except ImportError as error:
    if error.name != "lesson_check":
        raise
    REVISION = 0  # no lesson_check.py here, or a copy from before revisions
if REVISION < 2:
    raise SystemExit(
        "check_flows.py needs lesson_check.py next to it, revision 2 or newer: it is in"
        " the lesson's download, and on the install lesson, under its exercise."
    )


def points(check: Check) -> None:
    run = check.the_flow_run(
        "word-count",
        hint="Make count_words a flow with @flow, and name the flow: "
        '@flow(name="word-count"). See "Make it a flow" and "Name flows and their '
        'runs" on the page.',
    )
    check.point(
        "it ended Completed",
        run.state_name == "Completed",
        found=run.state_name,
        hint="Run `uv run python word_count.py` to see its logs: they say what went "
        "wrong.",
    )
    check.point(
        "it ran with min_length=6",
        run.parameters.get("min_length") == 6,
        found=run.parameters,
        hint="Keep the call at the bottom of the starter: "
        'count_words("Prefect turns Python functions into flows", min_length=6).',
    )
    check.point(
        "its name is words-at-least-6",
        run.name == "words-at-least-6",
        found=run.name,
        hint="Without flow_run_name, Prefect gives a run two random words. "
        'flow_run_name="words-at-least-{min_length}" in @flow names it from its '
        'parameter. See "Name flows and their runs" on the page.',
    )
    check.logs_have(
        run,
        "3 words of at least 6 letters",
        hint="A print stays in your terminal unless the flow says log_prints=True. "
        'See "Print or log" on the page.',
    )


if __name__ == "__main__":
    run_check(lesson="Your first flow", script="word_count.py", points=points)
