"""`rasa shell` used as a person uses it, in a pseudo-terminal.

The shell shows a message with buttons as a questionary select menu: the buttons numbered
from 1, then "Type out your own message...". The menu moves with the arrow keys (typing a
number does nothing), Enter picks. Custom actions go to the session's action server; the
conversation goes to a throwaway SQLite file. SLACK_TOKEN and SLACK_SIGNING_SECRET are empty,
as for anyone who does not use Slack: `rasa shell` reads credentials.yml too.
"""

import fcntl
import os
import re
import select
import signal
import socket
import struct
import subprocess
import termios
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 300  # loading TensorFlow and the model: 30-90 s on 2 cores
REPLY_TIMEOUT = 60

ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\r")
DOWN, ENTER = "\x1b[B", "\r"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Terminal:
    """A program in a pseudo-terminal; `screen` is what it printed, escape sequences removed."""

    def __init__(self, command, env, columns=200, rows=50):
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
        )
        os.close(slave)
        self.raw = b""
        self.position = 0  # expect() searches what came after the previous match

    @property
    def screen(self) -> str:
        return ESCAPES.sub("", self.raw.decode("utf-8", "replace"))

    def read(self, seconds: float) -> None:
        if select.select([self.master], [], [], seconds)[0]:
            try:
                self.raw += os.read(self.master, 65536)
            except OSError:  # the program has exited and closed its side
                time.sleep(seconds)

    def expect(self, pattern: str, timeout: float = REPLY_TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        while True:
            match = re.compile(pattern).search(self.screen, self.position)
            if match:
                self.position = match.end()
                return match.group(0)
            if time.monotonic() > deadline or self.process.poll() is not None:
                pytest.fail(
                    f"{pattern!r} not shown within {timeout}s (exit code "
                    f"{self.process.poll()}); the screen ends with:\n{self.screen[-3000:]}"
                )
            self.read(0.2)

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def choose(self, number: int) -> None:
        """Pick entry `number` (from 1) of the select menu on screen, as a person would."""
        self.expect(r"Type out your own message\.\.\.")  # the menu is drawn
        for _ in range(number - 1):
            self.type(DOWN)
            self.read(0.1)
        self.type(ENTER)

    def wait(self, timeout: float) -> int | None:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self.read(0.2)
        return self.process.poll()

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        os.close(self.master)


@pytest.fixture
def shell(servers, model_path, tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "{servers.action_url}/webhook"\n'
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tmp_path / "tracker.db"}"\n'
    )
    env = dict(
        os.environ,
        TERM="xterm",
        SLACK_TOKEN="",
        SLACK_SIGNING_SECRET="",
        RASA_TELEMETRY_ENABLED="false",
        PROMPT_TOOLKIT_NO_CPR="1",
    )  # a pty does not answer cursor-position queries
    terminal = Terminal(
        [
            str(ROOT / ".venv" / "bin" / "rasa"),
            "shell",
            "--model",
            str(model_path),
            "--endpoints",
            str(endpoints),
            "--credentials",
            "credentials.yml",
            "--port",
            str(free_port()),
        ],
        env,
    )
    yield terminal
    terminal.close()


def test_a_conversation_in_rasa_shell(shell):
    shell.expect(
        r"Bot loaded\. Type a message and press enter \(use '/stop' to exit\)", STARTUP_TIMEOUT
    )
    shell.expect(r"Your input ->")

    shell.type("hi" + ENTER)
    shell.expect(
        r"\? Hi! I explain general information about treatment for neuroendocrine "
        r"tumors \(NETs\)"
    )
    shell.expect(r"1: Treatment options \(/ask_treatment_factors\)")
    shell.choose(6)  # five buttons, then "Type out your own message..."
    shell.expect(r"Your input ->")

    shell.type("what is chemotherapy" + ENTER)
    # earlier messages of a reply are printed with their buttons listed; the last is the menu
    shell.expect(r"3: Radiation therapy \(/ask_radiation_therapy\)")
    shell.expect(r"Chemotherapy works by killing fast-growing cells")
    shell.expect(r"\? Was this helpful\?")
    shell.choose(2)  # "2: No (/feedback_not_helpful)", recorded by the action server
    shell.expect(r"\? Was this helpful\? 2: No \(/feedback_not_helpful\)")
    shell.expect(r"\? Sorry about that\. You can ask again in other words")

    shell.choose(3)  # two buttons, then "Type out your own message..."
    shell.expect(r"Your input ->")
    shell.type("goodbye" + ENTER)
    shell.expect(r"Take care\. If more questions come up later, I'm here\.")
    shell.expect(r"Your input ->")

    shell.type("/stop" + ENTER)
    assert shell.wait(60) == 0, shell.screen[-2000:]
