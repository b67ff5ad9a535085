"""A part is down: the person gets an apology with the appointment phone, then normal answers.

The live tests stop the session's action server, or take the tracker store's SQLite file away,
in the middle of a conversation, and bring it back. The others run Rasa's classes in this
process: an action server that answers 500, and a server with no model loaded yet (`rasa run`
itself only opens its port once the model has loaded; until then the widget says "Connecting").
"""

import asyncio
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.nlg.interpolator import interpolate_text
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecutionRejected, BotUttered, FollowupAction
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from failsafe import guard
from support import DOMAIN_FILE, ROOT, domain

HOSPITAL = {name: slot.get("initial_value") for name, slot in domain()["slots"].items()}
# the apology as the person reads it, with the phone from the hospital profile
APOLOGY = interpolate_text(
    domain()["responses"]["utter_technical_problem"][0]["text"],
    {k: v for k, v in HOSPITAL.items() if v is not None},
)


def first_time_wording(response: str) -> str:
    """A question as the domain words it when nothing was missed (the variation without a condition)."""
    [text] = [v["text"] for v in domain()["responses"][response] if not v.get("condition")]
    return text


ASK_SITE = first_time_wording("utter_ask_tumor_site")
ASK_HORMONES = first_time_wording("utter_ask_hormone_status")


def test_the_apology_says_our_side_and_gives_the_phone():
    assert "our side" in APOLOGY
    assert HOSPITAL["appointment_phone"] in APOLOGY


def texts(replies) -> list:
    return [reply.get("text", "") for reply in replies]


def test_action_server_stopped_and_restarted_during_a_walkthrough(servers):
    user = f"outage-{uuid.uuid4().hex[:10]}"
    assert texts(servers.rest(user, "/explore_options"))[-1].startswith(ASK_SITE)
    servers.stop_actions()
    try:
        # the form's validation runs on the action server: the answer cannot be checked
        assert texts(servers.rest(user, "pancreas")) == [APOLOGY]
        # an answer that is an action of its own (the glossary), not "Was this helpful?" alone
        assert texts(servers.rest(user, "what does metastasis mean")) == [APOLOGY]
    finally:
        servers.restart_actions()
    # the operator learns what broke, and not what the person said
    log = servers.rasa_log.read_text(errors="replace")
    assert "the person was told we have a problem. Is the action server running?" in log
    assert "metastasis mean" not in log
    # back: the walk-through goes on where it was
    replies = texts(servers.rest(user, "pancreas"))
    assert APOLOGY not in replies
    assert replies[-1].startswith(ASK_HORMONES), replies


def test_tracker_store_unreachable_then_back(servers):
    user = f"outage-{uuid.uuid4().hex[:10]}"
    assert texts(servers.rest(user, "/explore_options"))[-1].startswith(ASK_SITE)
    assert servers.user_texts(user, at_least=1) == ["/explore_options"]
    db = servers.tracker_db
    aside = db.with_name(db.name + ".aside")
    db.rename(aside)
    db.mkdir()  # SQLite cannot open a directory: every read and write fails
    try:
        # not a blank conversation that would read "pancreas" out of context
        assert texts(servers.rest(user, "pancreas")) == [APOLOGY]
    finally:
        db.rmdir()
        aside.rename(db)
    replies = texts(servers.rest(user, "pancreas"))
    assert replies[-1].startswith(ASK_HORMONES), replies
    assert servers.user_texts(user, at_least=2) == ["/explore_options", "pancreas"]


class Answer500(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the base class's name
        self.send_response(500)
        self.end_headers()

    def log_message(self, format, *args):  # noqa: A002
        pass


@pytest.fixture
def failing_action_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer500)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/webhook"
    finally:
        server.shutdown()
        server.server_close()


def test_an_action_server_error_becomes_the_apology(failing_action_server, monkeypatch):
    monkeypatch.setattr(RemoteAction, "run", guard.run_remote_action)
    rasa_domain = Domain.load(str(DOMAIN_FILE))
    tracker = DialogueStateTracker.from_events("someone", [], slots=rasa_domain.slots)
    action = RemoteAction("action_explain_options", EndpointConfig(failing_action_server))
    events = asyncio.run(
        action.run(
            CollectingOutputChannel(),
            TemplatedNaturalLanguageGenerator(rasa_domain.responses),
            tracker,
            rasa_domain,
        )
    )
    assert [type(event) for event in events] == [
        BotUttered,
        ActionExecutionRejected,
        FollowupAction,
    ]
    assert events[0].text == APOLOGY
    assert events[2].action_name == "action_listen"


def test_a_server_without_a_model_apologises(monkeypatch):
    monkeypatch.setattr(Agent, "handle_message", guard.handle_message)
    monkeypatch.chdir(ROOT)  # no model: the responses come from domain.yml
    output = CollectingOutputChannel()
    agent = Agent()
    assert not agent.is_ready()
    asyncio.run(agent.handle_message(UserMessage("what is chemotherapy", output, "someone")))
    assert texts(output.messages) == [APOLOGY]


def test_a_failure_while_handling_is_answered_and_logged_without_the_text(monkeypatch, caplog):
    async def broken(self, message):
        raise RuntimeError(f"INSERT ... parameters: ({message.text!r})")

    monkeypatch.setattr(guard, "_handle_message", broken)
    monkeypatch.setattr(Agent, "handle_message", guard.handle_message)
    monkeypatch.setattr(Agent, "is_ready", lambda self: True)
    agent = Agent(domain=Domain.load(str(DOMAIN_FILE)))
    output = CollectingOutputChannel()
    asyncio.run(agent.handle_message(UserMessage("my dad's liver scan", output, "someone")))
    assert texts(output.messages) == [APOLOGY]
    assert "RuntimeError" in caplog.text
    assert "liver scan" not in caplog.text
