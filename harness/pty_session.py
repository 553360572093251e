"""Answer a command's questions through a pseudo-terminal, as a reader at a keyboard.

The command sees a real terminal (so it asks its questions and draws its menus), each
answer is typed only once its question is on the screen, and the session is rendered
by a terminal emulator (pyte) into the text the reader's screen shows at the end.

The command is started by `subprocess` on the terminal's far end (`os.openpty`): no
Python code runs in the child between fork and exec, which matters in a test process
that has threads (pty.fork would warn, rightly, that the child may deadlock).
"""

from __future__ import annotations

import codecs
import fcntl
import os
import re
import select
import struct
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pyte

from harness.prefect_server import start_in_group, stop_process
from harness.shown_output import COLUMNS

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")
ENTER = "\r"
DOWN = "\x1b[B"

# A question waiting for its answer: `? ... [y/n] (y): `, `? Work pool name: `, or a
# menu `? ... [Use arrows to move; enter to select]` and the menu drawn under it.
WAITING = re.compile(r"\? [^\n]*(: |\])\s*(\n[^\n]*)*\Z")


@dataclass
class Question:
    asks: str
    """Words of the question, as a regular expression over the text without colours
    (a space also matches a line break: the terminal wraps long questions)."""
    keys: str
    """What to type: an answer and Enter, or arrow keys and Enter in a menu."""
    answer: str
    """The answer as the transcript of this lesson states it."""

    @property
    def pattern(self) -> re.Pattern:
        return re.compile(self.asks.replace(" ", r"\s+"))


@dataclass
class Session:
    screen: str
    """What the terminal shows at the end, as text."""
    prompts: list[str] = field(default_factory=list)
    """Each question as the command asked it, followed by the answer given."""
    exitstatus: int | None = None


class Pty:
    """A command running in a pseudo-terminal of `rows` x `columns`."""

    def __init__(
        self, argv: list[str], *, cwd: str, env: dict[str, str], rows: int, columns: int
    ) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.process = start_in_group(
            argv,
            cwd=cwd,
            env={
                **env,
                "TERM": "xterm-256color",
                "COLUMNS": str(columns),
                "LINES": str(rows),
            },
            stdin=slave,
            stdout=slave,
            stderr=slave,
        )
        os.close(slave)
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def read(self, timeout: float) -> str | None:
        """What it printed within `timeout` s: "" if nothing, None at its end."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return ""
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: the command closed the terminal, it is done
            data = b""
        if not data:
            return None
        return self.decoder.decode(data)

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def close(self) -> int | None:
        stop_process(self.process, ())  # straight to SIGKILL
        status = self.process.returncode
        os.close(self.master)
        return status


def answer_questions(
    argv: list[str],
    questions: list[Question],
    *,
    cwd: str,
    env: dict[str, str],
    columns: int = COLUMNS,
    timeout: float = 120,
) -> Session:
    rows = 500  # tall enough that nothing scrolls away: the screen is the transcript
    child = Pty(argv, cwd=cwd, env=env, rows=rows, columns=columns)
    raw: list[str] = []
    prompts: list[str] = []
    seen = 0  # how much of the plain text the questions before this one used up

    def plain() -> str:
        return ANSI.sub("", "".join(raw)).replace("\r", "")

    try:
        for question in questions:
            while not question.pattern.search(plain(), seen):
                chunk = _read(child, timeout, question, plain, seen)
                if chunk is None:
                    raise AssertionError(
                        f"the command ended before asking {question.asks!r}:\n{plain()}"
                    )
                raw.append(chunk)
            _read_until_quiet(child, raw)  # the whole question and its menu
            text = plain()
            match = question.pattern.search(text, seen)
            start = text.rfind("? ", seen, match.start())
            prompts.append(
                f"{_question_text(text[max(start, seen) :])} {question.answer}"
            )
            seen = match.end()
            child.send(question.keys)
        while (chunk := _read(child, timeout, None, plain, seen)) is not None:
            raw.append(chunk)
    finally:
        exitstatus = child.close()
    screen = pyte.Screen(columns, rows)
    pyte.Stream(screen).feed("".join(raw))
    lines = [line.rstrip() for line in screen.display]
    while lines and not lines[-1]:
        lines.pop()
    return Session("\n".join(lines) + "\n", prompts, exitstatus)


def _read(
    child: Pty,
    timeout: float,
    expected: Question | None,
    so_far: Callable[[], str],
    answered: int,
) -> str | None:
    """The next output, or None at the end. Fails at once when the command waits on
    a question the lesson does not answer (asked after the text up to `answered`),
    and when nothing comes for `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        chunk = child.read(timeout=2)
        if chunk != "":
            return chunk
        text = so_far()
        asked = text.rfind("? ", answered)
        tail = text[asked:] if asked != -1 else ""
        if WAITING.search(tail) and not (expected and expected.pattern.search(tail)):
            raise AssertionError(
                "the command asks a question this lesson does not answer "
                f"(expected: {expected.asks if expected else 'none'!r}):\n"
                f"{text[-3000:]}"
            )
    waiting_for = repr(expected.asks) if expected else "the end"
    raise AssertionError(
        f"nothing new for {timeout} s while waiting for {waiting_for}; "
        f"the terminal so far:\n{so_far()[-3000:]}"
    )


def _read_until_quiet(child: Pty, raw: list[str], quiet: float = 0.3) -> None:
    while chunk := child.read(timeout=quiet):
        raw.append(chunk)


def _question_text(text: str) -> str:
    """The question alone: up to its default answer `(y): ` or its menu hint."""
    text = " ".join(text.split())
    for end in ("select]", "): ", "]: ", ": "):
        if (at := text.find(end)) != -1:
            return text[: at + len(end)].strip()
    return text
