"""A few long-lived processes that run the Python snippets as pytest-examples does,
several at a time.

Most snippets spend their time waiting: retry delays, a timeout, sleeping tasks.
pytest-examples catches a snippet's prints by patching `print` for its whole process,
so one process can run only one snippet at a time; a few processes run a few, and
the waiting overlaps. Each process imports Prefect once, and runs each snippet in its
main thread (a task's `timeout_seconds` can only cut a call short there), in a new
empty folder, against the server the environment names (the session's: the
processes inherit the tests' environment).

Run as `python -m harness.snippet_pool`, this module is one such process: it reads
requests, one JSON object per line, on stdin, and answers each with one line on its
stdout. What the snippets print and log goes to a file per snippet, returned with a
failure.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from harness.prefect_server import start_in_group, stop_process

HOME = Path.cwd()  # in a runner: the folder it was started in


@dataclass
class Outcome:
    """A snippet's run: `failure` is None when its prints matched its `#>` lines
    (or, when updating, when they were rewritten); else what went wrong, whether it
    was only that its prints differ from its `#>` lines (`mismatch`), and the end of
    what the run printed and logged (`output`)."""

    failure: str | None = None
    mismatch: bool = False
    output: str = ""
    seconds: float = 0.0


class SnippetPool:
    """`size` runner processes, fed from one queue; stopped by their PIDs on close."""

    def __init__(self, size: int, env: dict[str, str], logs: Path) -> None:
        self.jobs: queue.Queue = queue.Queue()
        self.logs = [(logs / f"runner-{index}.log").open("w") for index in range(size)]
        self.processes = [
            start_in_group(
                [sys.executable, "-m", "harness.snippet_pool"],
                env=env,
                cwd=logs,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
            for log in self.logs
        ]
        self.feeders = [
            threading.Thread(target=self._feed, args=(process,), daemon=True)
            for process in self.processes
        ]
        for feeder in self.feeders:
            feeder.start()

    def submit(self, path: Path, *, update: bool) -> Future[Outcome]:
        future: Future[Outcome] = Future()
        self.jobs.put(({"path": str(path), "update": update}, future))
        return future

    def _feed(self, process: subprocess.Popen) -> None:
        while (job := self.jobs.get()) is not None:
            request, future = job
            process.stdin.write(json.dumps(request) + "\n")
            process.stdin.flush()
            answer = process.stdout.readline()
            if not answer:  # the runner died
                future.set_result(
                    Outcome(f"the snippet runner (PID {process.pid}) exited")
                )
                return
            future.set_result(Outcome(**json.loads(answer)))

    def close(self) -> None:
        """Stop the runners once they are done with the snippet they run: the
        snippets not started yet are dropped (an interrupted session)."""
        while True:
            try:
                _, future = self.jobs.get_nowait()
            except queue.Empty:
                break
            future.cancel()
        for _ in self.feeders:
            self.jobs.put(None)
        for feeder in self.feeders:
            feeder.join(timeout=15)
        for process in self.processes:
            process.stdin.close()  # the runner exits at the end of its input
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                stop_process(process)
        for log in self.logs:
            log.close()


def run_snippet(path: Path, update: bool) -> Outcome:
    """In a runner: run one snippet as `__main__` in a new empty folder; check its
    prints against its `#>` lines, or rewrite them."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from pytest_examples import CodeExample, EvalExample

    # A new folder in the runner's own (the session's, removed with it): not removed
    # at once, for what a snippet leaves running may still write there (a Dask
    # worker shutting down).
    folder = Path(tempfile.mkdtemp(prefix=f"{path.stem}-", dir=HOME))
    # What EvalExample reads of pytest: the --update-examples option, and a name.
    request = SimpleNamespace(
        config=SimpleNamespace(getoption=lambda name: update),
        node=SimpleNamespace(nodeid=str(path)),
    )
    evaluator = EvalExample(tmp_path=folder, pytest_request=request)
    example = CodeExample.create(path.read_text(), path=path)
    os.chdir(folder)  # as if copied alone into a new folder
    # Without the flow runs' heartbeat thread: at the end of each synchronous
    # flow run Prefect stops it, and it checks once a second whether to stop; no
    # lesson's printed output depends on it. The commands whose output the pages
    # show run with Prefect's defaults (test_commands.py).
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        if update:
            evaluator.run_print_update(example, rewrite_assertions=False)
            if evaluator.to_update:
                path.write_text(evaluator.to_update[0].source)
        else:
            evaluator.run_print_check(example, rewrite_assertions=False)
    return Outcome()


def serve_requests() -> None:
    """The runner's loop: one request per line on stdin, one answer per line on
    stdout. Nothing else may write there: the process's own stdout goes to its
    stderr (its log), and a snippet's output to a file of its own."""
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    import prefect  # noqa: F401  (once, before the first request)

    for line in sys.stdin:
        request = json.loads(line)
        with tempfile.TemporaryFile("w+") as output:
            start = time.monotonic()
            outcome = with_output_to(output, request)
            outcome.seconds = time.monotonic() - start
            if outcome.failure is not None:
                output.seek(0)
                outcome.output = output.read()[-5000:]
        answers.write(json.dumps(outcome.__dict__) + "\n")
        answers.flush()


def with_output_to(output, request: dict) -> Outcome:
    """Run a request's snippet with file descriptors 1 and 2 on `output`."""
    sys.stdout.flush()
    sys.stderr.flush()
    log = os.dup(2)
    os.dup2(output.fileno(), 1)
    os.dup2(output.fileno(), 2)
    try:
        return run_snippet(Path(request["path"]), request["update"])
    except BaseException as error:  # a mismatch raises pytest.fail's exception
        if type(error).__name__ == "Failed":
            return Outcome(str(error), mismatch=True)
        return Outcome("".join(traceback.format_exception(error)))
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        os.chdir(HOME)


if __name__ == "__main__":
    serve_requests()
