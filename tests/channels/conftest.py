"""One action server and one Rasa server for all channel tests, started once per session.

The Rasa server runs through tests/channels/rasa_with_stubs.py, which replaces the one call
Rasa makes to Slack (AsyncWebClient.chat_postMessage) in the server's own process and writes
every call to a JSON-lines file the tests read. Conversations go to a throwaway SQLite file.
"""

import json
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Callable, Dict, Iterator, List

import pytest
import requests
from playwright.sync_api import Browser, sync_playwright

from browser import CHROMIUM, CHROMIUM_FLAGS
from processes import VENV_BIN, base_env, free_port, start, start_action_server, stop, wait_for

# Not `from conftest import ROOT`: pytest imports this file under the module name "conftest" too.
ROOT = Path(__file__).resolve().parents[2]
SLACK_TEST_TOKEN = "xoxb-test-token"
SLACK_TEST_SECRET = "test-signing-secret"
REPLY_TIMEOUT = 60


class Servers:
    def __init__(
        self,
        rasa_url: str,
        action_url: str,
        slack_calls: Path,
        tracker_db: Path,
        work: Path,
        start_actions: Callable[[], subprocess.Popen],
    ):
        self.rasa_url = rasa_url
        self.action_url = action_url
        self.slack_calls_file = slack_calls
        self.tracker_db = tracker_db
        self.work = work
        self._start_actions = start_actions
        self.actions = start_actions()
        self.rasa_log = work / "rasa.log"
        self.action_log = work / "actions.log"

    def stop_actions(self) -> None:
        """Stop the action server (the outage tests); restart_actions() brings it back."""
        stop(self.actions)

    def restart_actions(self) -> None:
        if self.actions.poll() is None:
            stop(self.actions)
        self.actions = self._start_actions()
        wait_for(f"{self.action_url}/health", self.actions, self.action_log)

    def slack_calls(self, channel: str | None = None) -> List[Dict]:
        """Every chat.postMessage the server made so far (only those to `channel` if given)."""
        if not self.slack_calls_file.exists():
            return []
        calls = [
            json.loads(line) for line in self.slack_calls_file.read_text().splitlines() if line
        ]
        return [call for call in calls if channel is None or call.get("channel") == channel]

    def wait_for_slack_calls(
        self, channel: str, until: Callable[[List[Dict]], bool], timeout: float = REPLY_TIMEOUT
    ) -> List[Dict]:
        """Poll the calls to `channel` until `until(calls)` holds; fail with what came instead."""
        deadline = time.monotonic() + timeout
        while True:
            calls = self.slack_calls(channel)
            if until(calls):
                return calls
            if time.monotonic() > deadline:
                pytest.fail(f"no matching Slack reply in {channel} after {timeout}s; got {calls}")
            time.sleep(0.2)

    def user_texts(
        self, sender_id: str, at_least: int = 0, timeout: float = REPLY_TIMEOUT
    ) -> List[str]:
        """What the tracker store recorded `sender_id` saying, in order. Rasa saves the tracker
        after the replies have gone out, so this waits for `at_least` messages."""
        deadline = time.monotonic() + timeout
        while True:
            with sqlite3.connect(self.tracker_db) as db:
                rows = db.execute(
                    "SELECT data FROM events WHERE sender_id = ? AND "
                    "type_name = 'user' ORDER BY id",
                    (sender_id,),
                ).fetchall()
            texts = [json.loads(data)["text"] for (data,) in rows]
            if len(texts) >= at_least or time.monotonic() > deadline:
                return texts
            time.sleep(0.2)

    def rest(self, sender: str, message: str) -> List[Dict]:
        reply = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=60,
        )
        reply.raise_for_status()
        return reply.json()


@pytest.fixture(scope="session")
def servers(model_path, tmp_path_factory) -> Iterator[Servers]:
    work = tmp_path_factory.mktemp("servers")
    action_port, rasa_port = free_port(), free_port()
    endpoints = work / "endpoints.yml"
    tracker_db = work / "tracker.db"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        f"tracker_store:\n  type: failsafe.tracker_store.SQLTrackerStore\n"
        f'  dialect: "sqlite"\n  db: "{tracker_db}"\n'
    )
    env = base_env(
        SLACK_TOKEN=SLACK_TEST_TOKEN,
        SLACK_SIGNING_SECRET=SLACK_TEST_SECRET,
        SLACK_STUB_CALLS=str(work / "slack_calls.jsonl"),
        FEEDBACK_DB=str(work / "feedback.db"),
    )
    action_log, rasa_log = work / "actions.log", work / "rasa.log"

    def start_actions() -> subprocess.Popen:
        return start_action_server(action_port, env, action_log)

    servers = Servers(
        f"http://127.0.0.1:{rasa_port}",
        f"http://127.0.0.1:{action_port}",
        work / "slack_calls.jsonl",
        tracker_db,
        work,
        start_actions,
    )
    rasa = start(
        [
            str(VENV_BIN / "python"),
            str(Path(__file__).parent / "rasa_with_stubs.py"),
            "run",
            "--model",
            str(model_path),
            "--endpoints",
            str(endpoints),
            "--credentials",
            "credentials.yml",
            "--port",
            str(rasa_port),
            "--interface",
            "127.0.0.1",
            # the browser test's page is served from another local port (make serve names its origin)
            "--cors",
            "*",
        ],
        # the request size limit `make serve` sets (REQUEST_MAX_SIZE in the Makefile)
        dict(env, SANIC_REQUEST_MAX_SIZE="524288"),
        rasa_log,
    )
    try:
        wait_for(f"http://127.0.0.1:{action_port}/health", servers.actions, action_log)
        wait_for(f"http://127.0.0.1:{rasa_port}/", rasa, rasa_log)
        yield servers
    finally:
        stop(rasa, servers.actions)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium (`make browser`): Playwright drives it, never downloads one."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


# The channels exactly as `rasa run` builds them from credentials.yml, without loading a model:
# enough to see what Slack gets when nobody has set SLACK_TOKEN / SLACK_SIGNING_SECRET.
CHANNELS_ONLY_SERVER = """
import sys
import rasa.core.run
port = int(sys.argv[1])
channels = rasa.core.run.create_http_input_channels(None, "credentials.yml")
app = rasa.core.run.configure_app(channels, enable_api=False, port=port)
app.run(host="127.0.0.1", port=port, access_log=False)
"""


@pytest.fixture(scope="session")
def no_slack_server(tmp_path_factory) -> Iterator[str]:
    """credentials.yml served with SLACK_TOKEN and SLACK_SIGNING_SECRET not set at all."""
    work = tmp_path_factory.mktemp("no_slack")
    port, log = free_port(), work / "server.log"
    env = {k: v for k, v in base_env().items() if k not in ("SLACK_TOKEN", "SLACK_SIGNING_SECRET")}
    process = start([str(VENV_BIN / "python"), "-c", CHANNELS_ONLY_SERVER, str(port)], env, log)
    try:
        wait_for(f"http://127.0.0.1:{port}/", process, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
