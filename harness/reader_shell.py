"""A reader's terminal: one bash, in a pseudo-terminal, open for the whole course.

Commands typed into it keep what a shell keeps between them (the folder `cd` moved to,
the variables `export` set); a command that does not end (a server, a worker) keeps
the terminal busy until the reader presses Ctrl-C there, as in a real terminal. What
the terminal shows is read continuously and rendered by a terminal emulator (pyte),
so that spinners, colours and redrawn lines come out as the reader's screen shows them.

bash runs interactively with job control: each command is the terminal's foreground
process group, and Ctrl-C (the byte a keyboard sends) reaches it, and only it,
through the terminal. After each command the shell prints an invisible marker with the
command's exit status; that is how the journey knows the prompt is back.
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import os
import re
import shlex
import signal
import struct
import sys
import termios
import threading
import time
from pathlib import Path

import pyte

from harness.prefect_server import forget, remember, start_in_group
from harness.pty_session import DOWN, ENTER
from harness.shown_output import COLUMNS

ROWS = 50
CTRL_C = "\x03"
DONE = re.compile("\x1e(\\d+)\x1e")
MENU = "[Use arrows to move; enter to select]"
# Run as the shell's first program: make the pseudo-terminal its controlling terminal
# (a session leader with no terminal, as `start_in_group` makes it, gets one this way),
# then become the shell, same PID.
# Python ignores SIGPIPE and SIGXFSZ, and a process started in the background of a
# non-interactive shell inherits an ignored SIGINT and SIGQUIT: what is ignored stays
# ignored through exec, so the shell gets the signals' defaults back first, as in a
# reader's terminal (else Ctrl-C would not stop a `serve` process, and a write to a
# closed pipe would not end its writer).
TAKE_TERMINAL = (
    "import fcntl, os, signal, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "[signal.signal(s, signal.SIG_DFL) for s in "
    "(signal.SIGINT, signal.SIGQUIT, signal.SIGPIPE, signal.SIGXFSZ)]; "
    "os.execvp(sys.argv[1], sys.argv[1:])"
)
RCFILE = """\
[ -f ~/.bashrc ] && . ~/.bashrc
PS1=''
PS2=''
PROMPT_COMMAND='printf "\\036%d\\036" $?'
"""


class ShellError(AssertionError):
    pass


class Shell:
    def __init__(
        self,
        name: str,
        *,
        cwd: Path,
        env: dict[str, str],
        rcfile: Path,
        wrap: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        if not rcfile.exists():
            rcfile.write_text(RCFILE)
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        self.process = start_in_group(
            [
                sys.executable,
                "-c",
                TAKE_TERMINAL,
                *wrap,
                "bash",
                "--noediting",
                "--rcfile",
                str(rcfile),
                "-i",
            ],
            cwd=cwd,
            env={**env, "TERM": "xterm-256color", "COLUMNS": str(COLUMNS)},
            stdin=slave,
            stdout=slave,
            stderr=slave,
        )
        os.close(slave)
        remember(self, self.close)
        self._raw: list[str] = []
        self._size = 0
        self._text = ""
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.command: str | None = None
        """The command typed last, until it ends."""
        self.status: int | None = None
        self.start = 0  # where the last command's output starts in the text
        self.end: int | None = None  # where it ended (its marker)
        self.shown = 0  # how much of it an output block has already shown
        self.keeps_running = False
        self.prompts: list[str] = []
        """Each question the last command asked, followed by the answer given."""
        if not self._wait_for_marker(0, timeout=30):
            raise ShellError(f"{name} did not start:\n{self.text[-2000:]}")

    # reading ------------------------------------------------------------------
    def _read(self) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                data = b""
            with self._changed:
                if data:
                    self._text += decoder.decode(data)
                else:
                    self._text += decoder.decode(b"", final=True)
                self._changed.notify_all()
            if not data:
                return

    @property
    def text(self) -> str:
        with self._changed:
            return self._text

    def _wait(self, condition, timeout: float):
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = condition(self._text)
                if found:
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or not self._reader.is_alive():
                    return None
                self._changed.wait(min(left, 1))

    def _wait_for_marker(self, since: int, timeout: float) -> re.Match | None:
        return self._wait(lambda text: DONE.search(text, since), timeout)

    # commands -----------------------------------------------------------------
    @property
    def busy(self) -> bool:
        # a command that ended by itself (one the page left running) is over too
        return self.command is not None and not self.poll()

    def type(self, line: str, *, what: str) -> None:
        """Type a command line and Enter (the shell echoes it; the output starts
        after the echo)."""
        assert not self.busy, f"{self.name} is still running {self.command}"
        with self._changed:
            before = len(self._text)
        os.write(self.master, (line + "\n").encode())
        echo = self._wait(lambda text: text.find("\n", before) + 1 or None, 10)
        if echo is None:
            raise ShellError(f"{self.name} did not echo {line!r}:\n{self.text[-2000:]}")
        self.command, self.status, self.end = what, None, None
        self.start = self.shown = echo
        self.keeps_running = False
        self.prompts = []

    def run(self, script: Path, *, what: str) -> None:
        """Type `source SCRIPT`: the script's lines run in this shell, as if typed."""
        self.type(f"source {shlex.quote(str(script))}", what=what)

    def poll(self) -> bool:
        """Whether the command has ended (and record where and how)."""
        if self.end is None and self.command is not None:
            found = DONE.search(self.text, self.start)
            if found:
                self.end, self.status = found.start(), int(found.group(1))
        return self.end is not None

    def wait_for_end(self, timeout: float) -> bool:
        """Whether the command ends within `timeout` s."""
        self._wait(lambda text: DONE.search(text, self.start), timeout)
        return self.poll()

    def wait(self, timeout: float, answers: dict[str, str] | None = None) -> int:
        """Wait for the command to end, answering its questions from `answers`
        (question -> answer); its exit status."""
        deadline = time.monotonic() + timeout
        looked_at = -1  # how much of the text the last look at the screen saw
        while not self.poll():
            if time.monotonic() > deadline:
                raise ShellError(
                    f"{self.command} did not end within {timeout} s in {self.name}; "
                    f"it printed:\n{self.output()[-3000:]}"
                )
            # New text since the last look, or a second without any (a menu may
            # switch the terminal to reading keys without printing): look again.
            # Text that came while looking counts as new: waiting for more than
            # what is there now would leave a question that came meanwhile
            # unanswered for a second.
            self._wait(lambda text, seen=looked_at: len(text) > seen, 1)
            looked_at = len(self.text)
            self._answer(answers)
        return self.status

    def _answer(self, answers: dict[str, str] | None) -> None:
        """Answer the question the command waits on, if it waits on a new one.

        The screen, not the raw text, says which: a menu is redrawn in place (the
        cursor moves up over it), and each question starts a line of the screen."""
        text = self.text
        # Prefect's questions start with `? `; a shell's prompt (`read -p`) is one
        # the page answers.
        prompts = tuple(q for q in answers or {} if not q.startswith("? "))
        if not prompts and "?" not in text[self.start :]:
            return  # no question yet, and no need to draw the screen to know it
        lines = render(text[self.start :]).splitlines()
        starts = [
            at
            for at, line in enumerate(lines)
            if line.startswith("? ") or (prompts and line.startswith(prompts))
        ]
        if len(starts) <= len(self.prompts):
            return  # no new question
        plain = "\n".join(lines[starts[-1] :])
        if not waiting(plain):
            return
        # A menu under its question is drawn in several writes: answer once the
        # screen has stayed as it is for 0.3 s; if it changes, look again.
        if self._wait(lambda now: len(now) != len(text), 0.3):
            return
        if MENU in plain and termios.tcgetattr(self.master)[3] & termios.ICANON:
            # A menu reads keys one by one, once it has switched the terminal out of
            # line mode; keys typed before that are thrown away.
            return
        question = question_of(plain)
        answer = (answers or {}).get(question)
        if answer is None:
            raise ShellError(
                f"{self.command} asks a question the page does not answer:\n"
                f"{question}\n(answers the page gives: {answers})"
            )
        os.write(self.master, (self._keys(plain, answer)).encode())
        self.prompts.append(f"{question} {answer}")

    @staticmethod
    def _keys(plain: str, answer: str) -> str:
        """What to type: the answer, or in a menu the arrow keys to reach it."""
        if MENU not in plain:
            return answer + ENTER
        # The menu is a table: `│ >  │ process │ Execute flow runs ... │`, the
        # option's name in its second column (empty on a description's second line).
        options = [
            cells[2].strip()
            for line in plain.splitlines()
            if line.startswith("│") and len(cells := line.split("│")) > 3
        ]
        options = [option for option in options if option]
        if answer not in options:
            raise ShellError(f"no option {answer!r} in the menu:\n{plain}")
        return DOWN * options.index(answer) + ENTER

    def press_ctrl_c(self, timeout: float = 60) -> int:
        assert self.busy, f"Ctrl-C in {self.name}, where nothing runs"
        os.write(self.master, CTRL_C.encode())
        return self.wait(timeout)

    def output(self, *, since_shown: bool = False, upto: int | None = None) -> str:
        """What the last command printed (so far, if it still runs; up to `upto` in
        the terminal's text), as the screen shows it; with `since_shown`, only what
        no output block showed yet."""
        self.poll()
        text = self.text
        if upto is None:
            upto = self.end if self.end is not None else len(text)
        return render(text[self.shown if since_shown else self.start : upto])

    def mark_shown(self, upto: int | None = None) -> None:
        self.poll()
        self.shown = upto if upto is not None else (self.end or len(self.text))

    def cwd(self) -> Path:
        return Path(os.readlink(f"/proc/{self.process.pid}/cwd"))

    # the end -------------------------------------------------------------------
    def close(self) -> None:
        """Stop everything that runs in this terminal (by PID: every process of the
        terminal's session), then the shell, and wait for them."""
        if self.process.poll() is None:
            if self.busy:
                # A server or worker stops cleanly on Ctrl-C; whatever is still there
                # after a few seconds is killed below anyway.
                os.write(self.master, CTRL_C.encode())
                self._wait_for_marker(self.start, 5)
            for pid in session_members(self.process.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.process.wait()
        forget(self.process)
        forget(self)
        with contextlib.suppress(OSError):
            os.close(self.master)
        self._reader.join(timeout=5)


def question_of(text: str) -> str:
    """The question alone, as the screen shows it waiting, or from a line of a
    page's answers (the question, then the answer): up to a menu's hint, or else up
    to its last `: ` (`[y/n] (y): `, `Work pool name: `, `setting(s): 'X'? [y/n]: `)."""
    text = " ".join(text.split()) + " "
    if (at := text.find("select]")) != -1:
        return text[: at + len("select]")]
    return text[: text.rfind(": ") + 1] if ": " in text else text.strip()


def waiting(question: str) -> bool:
    """Whether a question, as the screen shows it from its `? ` on, waits for its
    answer: its last line ends with `(y):`, `name:` or `[y/n]:`, or it is a menu
    whose table is drawn to its bottom line. (Rich wraps a long question over two
    lines.)"""
    last = question.rstrip().splitlines()[-1]
    if MENU in question:
        return last.startswith("└")
    return last.endswith((":", "]"))


def session_members(session: int) -> list[int]:
    """Every process whose session is `session` (the terminal's shell and all it
    started, whatever process group a job put them in)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[3]) == session:  # state, ppid, pgrp, session
            members.append(int(entry.name))
    return members


# The emulator's width when it renders: the commands see a terminal of COLUMNS, and
# what they print wider than that, the terminal wraps only on the screen (copying it
# gives one line, as the page shows it).
RENDER_COLUMNS = 2000


def render(raw: str) -> str:
    """The text a terminal shows for `raw` (colours, cursor moves, redrawn lines),
    each line whole."""
    screen = pyte.Screen(RENDER_COLUMNS, raw.count("\n") + ROWS)
    pyte.Stream(screen).feed(raw)
    lines = [line.rstrip() for line in screen.display]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""
