"""`make shell` and `rasa shell` used as a person uses them, in a pseudo-terminal (pexpect).

`make shell` (channels/console.py) lists buttons as numbered lines: a typed line is the
person's message unless it is a number or a button's title. `rasa shell` shows a questionary
select menu instead (arrow keys move, Enter picks). Expected texts come from domain.yml, so a
rewording does not break these tests. Ports are free ones: other servers run at the same time.
"""

import json
import os
import re
import signal
import socket
import sqlite3
import time
from pathlib import Path
from typing import Iterator, List, NamedTuple

import pexpect
import pytest

from processes import free_port
from support import domain

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 300  # loading TensorFlow and the model: 30-90 s on 2 cores
REPLY_TIMEOUT = 60

ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\r")
DOWN, ENTER = "\x1b[B", "\r"


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def said(response: str) -> str:
    """A pattern for the start of a response's text, up to its first {placeholder}."""
    text = domain()["responses"][response][0]["text"]
    return re.escape(text.split("{")[0][:60])


def button(response: str, index: int) -> str:
    return domain()["responses"][response][0]["buttons"][index]["title"]


class Terminal:
    """A program in a pexpect pseudo-terminal, as in a terminal window: its own session, the
    terminal its controlling one. `screen` is what it printed with escape sequences removed,
    because prompt_toolkit draws the menus with them; patterns are matched there."""

    def __init__(self, command: List[str], env: dict, columns: int = 200, rows: int = 50):
        self.child = pexpect.spawn(
            command[0], command[1:], cwd=ROOT, env=env, dimensions=(rows, columns)
        )
        self.raw = b""
        self.position = 0  # expect() searches what came after the previous match

    @property
    def screen(self) -> str:
        return ESCAPES.sub("", self.raw.decode("utf-8", "replace"))

    def read(self, timeout: float) -> bool:
        """Take what the program printed within `timeout`; False if nothing (or it ended)."""
        try:
            self.raw += self.child.read_nonblocking(65536, timeout)
            return True
        except (pexpect.TIMEOUT, pexpect.EOF, ValueError):  # ValueError: terminal closed
            return False

    def expect(self, pattern: str, timeout: float = REPLY_TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        while True:
            match = re.compile(pattern).search(self.screen, self.position)
            if match:
                self.position = match.end()
                return match.group(0)
            if time.monotonic() > deadline or not self.read(0.5) and not self.child.isalive():
                pytest.fail(
                    f"{pattern!r} not shown within {timeout}s (alive: {self.child.isalive()});"
                    f" the screen ends with:\n{self.screen[-3000:]}"
                )

    def type(self, keys: str) -> None:
        self.child.send(keys)

    def choose(self, number: int) -> None:
        """Pick entry `number` (from 1) of rasa shell's select menu, as a person would: each
        arrow key is sent once the menu has redrawn after the one before."""
        self.expect(r"Type out your own message\.\.\.")  # the menu is drawn
        for _ in range(number - 1):
            self.type(DOWN)
            assert self.read(REPLY_TIMEOUT), "the menu did not move"
        self.type(ENTER)

    def hang_up(self) -> None:
        """Close the terminal window: the session leader gets SIGHUP, input ends."""
        if not self.child.closed:
            self.child.ptyproc.fileobj.close()
            self.child.closed = True

    def wait(self, timeout: float) -> int | None:
        """The exit code once the program has ended within `timeout` (minus the signal's number
        if a signal ended it, as subprocess has it), else None."""
        deadline = time.monotonic() + timeout
        while self.child.isalive() and time.monotonic() < deadline:
            if self.child.closed or not self.read(0.5):
                time.sleep(0.2)
        if self.child.isalive():
            return None
        return (
            self.child.exitstatus if self.child.signalstatus is None else -self.child.signalstatus
        )

    def processes_left(self) -> bool:
        self.child.isalive()  # reaps the session leader once it has exited
        try:
            os.killpg(self.child.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def close(self) -> None:
        """Stop what is left of the session: make, Rasa and the action server in it."""
        if self.processes_left():
            os.killpg(self.child.pid, signal.SIGTERM)
            deadline = time.monotonic() + 20
            while self.processes_left() and time.monotonic() < deadline:
                time.sleep(0.2)
            if self.processes_left():
                os.killpg(self.child.pid, signal.SIGKILL)
        self.hang_up()


def terminal_env(**overrides: str) -> dict:
    # PROMPT_TOOLKIT_NO_CPR: a pty does not answer cursor-position queries.
    return dict(
        os.environ,
        TERM="xterm",
        SLACK_TOKEN="",
        SLACK_SIGNING_SECRET="",
        RASA_TELEMETRY_ENABLED="false",
        PROMPT_TOOLKIT_NO_CPR="1",
        **overrides,
    )


def make_shell_command(model_path: Path, endpoints: Path, action_port: int) -> List[str]:
    # -o: use the given model as it is (the session's model_path fixture trained it if needed)
    return [
        "make",
        "--no-print-directory",
        "-o",
        "models/.trained",
        "shell",
        f"MODEL={model_path}",
        f"ENDPOINTS={endpoints}",
        f"ACTION_PORT={action_port}",
        f"RASA_PORT={free_port()}",
    ]


def tracker_events(tracker_db: Path) -> List[dict]:
    with sqlite3.connect(tracker_db) as db:
        rows = db.execute("SELECT data FROM events ORDER BY id").fetchall()
    return [json.loads(data) for (data,) in rows]


class MakeShell(NamedTuple):
    terminal: Terminal
    action_port: int
    tracker_db: Path


@pytest.fixture
def make_shell(model_path, tmp_path) -> Iterator[MakeShell]:
    tracker_db = tmp_path / "tracker.db"
    endpoints = tmp_path / "endpoints.yml"
    # the action server's URL as endpoints.yml has it: make shell puts ACTION_PORT in
    endpoints.write_text(
        'action_endpoint:\n  url: "http://localhost:5055/webhook"\n'
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tracker_db}"\n'
    )
    action_port = free_port()
    terminal = Terminal(
        make_shell_command(model_path, endpoints, action_port),
        terminal_env(FEEDBACK_DB=str(tmp_path / "feedback.db")),
    )
    yield MakeShell(terminal, action_port, tracker_db)
    terminal.close()


def test_make_shell_answers_what_is_typed_and_stops_when_the_terminal_closes(make_shell):
    shell = make_shell.terminal
    shell.expect(r"Bot loaded\. Type a message and press Enter\.", STARTUP_TIMEOUT)
    shell.expect(r"Your input ->")

    shell.type("hi" + ENTER)
    shell.expect(said("utter_greet"))
    shell.expect(rf"1: {re.escape(button('utter_greet', 0))}")
    shell.expect(r"Your input ->")

    # A question typed while the greeting's buttons are shown is sent as typed.
    shell.type("what is prrt" + ENTER)
    shell.expect(said("utter_prrt"))
    # the answer's buttons, then "Was this helpful?" numbered on: all of them on screen
    shell.expect(rf"1: {re.escape(button('utter_prrt', 0))}")
    shell.expect(said("utter_ask_helpful"))
    yes = len(domain()["responses"]["utter_prrt"][0]["buttons"]) + 1
    shell.expect(rf"{yes}: Yes\s+{yes + 1}: No")
    shell.expect(r"Your input ->")

    # A number chooses that button: the answer's first next question.
    shell.type("1" + ENTER)
    shell.expect(rf"\({re.escape(button('utter_prrt', 0))}\)")
    shell.expect(said("utter_radiation_therapy"))
    shell.expect(said("utter_ask_helpful"))
    shell.expect(r"Your input ->")

    # A question typed at "Was this helpful?" is answered, not counted as an answer to it.
    shell.type("can they just cut it out" + ENTER)
    shell.expect(said("utter_surgery"))
    shell.expect(said("utter_ask_helpful"))
    shell.expect(r"Your input ->")
    # A button's title chooses it as well.
    shell.type("yes" + ENTER)
    shell.expect(said("utter_feedback_thanks"))
    shell.expect(r"Your input ->")

    events = tracker_events(make_shell.tracker_db)
    intents = [e["parse_data"]["intent"]["name"] for e in events if e["event"] == "user"]
    assert intents == [
        "greet",
        "ask_prrt",
        "ask_radiation_therapy",
        "ask_surgery",
        "affirm",
    ]
    actions = [e["name"] for e in events if e["event"] == "action"]
    assert actions.count("action_record_feedback") == 1, actions  # only the "yes"

    # Closing the terminal window ends the shell and its action server.
    assert listening(make_shell.action_port)
    shell.hang_up()
    assert shell.wait(60) is not None, "make shell still running after the terminal closed"
    deadline = time.monotonic() + 30
    while shell.processes_left() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not shell.processes_left(), "a process of make shell outlived the terminal"
    assert not listening(make_shell.action_port)


def test_make_shell_says_when_the_action_port_is_taken(model_path, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        terminal = Terminal(
            make_shell_command(model_path, ROOT / "endpoints.yml", port), terminal_env()
        )
        try:
            assert terminal.wait(60) not in (None, 0)
            terminal.expect(rf"Port {port} is already in use, so the assistant cannot start")
            assert not terminal.processes_left()  # no action server was started
        finally:
            terminal.close()


@pytest.fixture
def rasa_shell(model_path, tmp_path):
    # the path below runs no custom action: no action server
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tmp_path / "tracker.db"}"\n'
    )
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
        terminal_env(),
    )
    yield terminal
    terminal.close()


def test_plain_rasa_shell_still_works(rasa_shell):
    """For people who run `rasa shell` themselves: Rasa's own menu, with this project's files."""
    shell = rasa_shell
    shell.expect(
        r"Bot loaded\. Type a message and press enter \(use '/stop' to exit\)", STARTUP_TIMEOUT
    )
    shell.expect(r"Your input ->")
    shell.type("hi" + ENTER)
    shell.expect(rf"\? {said('utter_greet')}")
    shell.expect(r"3: Surgery \(/ask_surgery\)")
    shell.choose(3)
    shell.expect(said("utter_surgery"))
    shell.expect(rf"\? {said('utter_ask_helpful')}")
    shell.choose(3)  # Yes, No, then "Type out your own message..."
    shell.expect(r"Your input ->")
    shell.type("/stop" + ENTER)
    assert shell.wait(60) == 0, shell.screen[-2000:]
