"""The apology (`utter_technical_problem` in domain.yml) where Rasa 3.6 has none.

Three places, each the narrowest that sees the failure:
- `RemoteAction.run`: the action server is unreachable or answers with an error. The action's
  reply becomes the apology, the action counts as not run, and the bot waits for the next
  message (Rasa would log the error, drop the action's events and go on predicting as if it
  had answered: "Was this helpful?" alone, or the walk-through's next question).
- `FailSafeTrackerStore`: Rasa's wrapper turns a failed read into "no conversation yet", so the
  person would be answered out of context. Here the failure is raised instead.
- `Agent.handle_message`: no model loaded yet, or anything raised while handling a message (the
  tracker store above): the apology is sent on the channel the message came from. Every
  channel passes here, so this is also where a message too long to be a question is answered
  (`utter_message_too_long`) before the NLU spends seconds on it or the tracker store keeps it.
Nothing here logs message text or the database's error text (which quotes the events).
"""

import functools
import logging
import warnings
from pathlib import Path
from typing import Any, Dict, List

from rasa.core.actions.action import (
    ActionExecutionRejection,
    RemoteAction,
    create_bot_utterance,
)
from rasa.core.agent import Agent
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.nlg import NaturalLanguageGenerator, TemplatedNaturalLanguageGenerator
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_VALIDATE_SLOT_MAPPINGS
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecutionRejected, Event, FollowupAction
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

APOLOGY = "utter_technical_problem"
TOO_LONG = "utter_message_too_long"
# a long question is a few hundred characters; this is pages of text
MAX_MESSAGE_CHARS = 5000
# Where the responses and the hospital profile are when no model is loaded (the server's cwd).
DOMAIN_FILE = Path("domain.yml")


class TrackerStoreUnavailable(Exception):
    """The tracker store could not be read."""


def domain_without_model() -> Domain:
    return Domain.load(str(DOMAIN_FILE))


async def render(
    nlg: NaturalLanguageGenerator,
    tracker: DialogueStateTracker,
    channel: str,
    response: str = APOLOGY,
) -> Dict[str, Any]:
    """The response as a bot message, with the hospital's phone from the tracker's slots."""
    message = await nlg.generate(response, tracker, channel)
    if not message:
        raise LookupError(f"the domain has no {response} response")
    return message


async def send(agent: Agent, message: UserMessage, response: str = APOLOGY) -> None:
    """Answer on the message's channel from nothing but the domain (no tracker store)."""
    domain = agent.domain if agent.domain and agent.domain.responses else domain_without_model()
    # a tracker of its own: the slots' initial values are the hospital profile
    tracker = DialogueStateTracker.from_events(message.sender_id, [], slots=domain.slots)
    output: OutputChannel = message.output_channel
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    reply = await render(nlg, tracker, output.name(), response)
    await output.send_response(message.sender_id, reply)


_remote_action_run = RemoteAction.run
_handle_message = Agent.handle_message


@functools.wraps(_remote_action_run)
async def run_remote_action(
    self: RemoteAction,
    output_channel: OutputChannel,
    nlg: NaturalLanguageGenerator,
    tracker: DialogueStateTracker,
    domain: Domain,
) -> List[Event]:
    try:
        return await _remote_action_run(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise  # a form's "not this slot": Rasa's own flow, not a failure
    except Exception as error:
        if self.name() == ACTION_VALIDATE_SLOT_MAPPINGS:
            # It runs before every prediction: the apology comes from the action that needs
            # the server next, once, and an answer from the domain needs none.
            logger.error(f"'{self.name()}' failed ({type(error).__name__}): slots not updated.")
            return []
        logger.error(
            f"Custom action '{self.name()}' failed ({type(error).__name__}): "
            "the person was told we have a problem. Is the action server running?"
        )
        reply = await render(nlg, tracker, output_channel.name())
        # The action did not run (a form then asks no further question, and its answer is
        # checked again next time); listen next instead of carrying on as if it had answered.
        return [
            create_bot_utterance(reply),
            ActionExecutionRejected(self.name()),
            FollowupAction(ACTION_LISTEN_NAME),
        ]


@functools.wraps(_handle_message)
async def handle_message(self: Agent, message: UserMessage) -> Any:
    if not self.is_ready():
        logger.error("A message arrived before a model was loaded: the person was told.")
        await send(self, message)
        return None
    length = len(message.text) if isinstance(message.text, str) else 0
    if length > MAX_MESSAGE_CHARS:
        logger.info(f"A message of {length} characters was not read.")
        await send(self, message, TOO_LONG)
        return None
    try:
        return await _handle_message(self, message)
    except Exception as error:
        logger.error(
            f"Handling a message failed ({type(error).__name__}: {safe_reason(error)}): "
            "the person was told we have a problem."
        )
        await send(self, message)
        return None


def safe_reason(error: Exception) -> str:
    """Our own errors say what broke; others may quote message text (SQL parameters)."""
    return str(error) if isinstance(error, TrackerStoreUnavailable) else "see the part's own log"


def raise_retrieve_error(self: FailSafeTrackerStore, error: Exception) -> None:
    raise TrackerStoreUnavailable("the tracker store could not be read") from error


def log_save_error(self: FailSafeTrackerStore, error: Exception) -> None:
    # Rasa's own message quotes the error, whose SQL parameters hold the conversation.
    logger.error(
        f"Saving a conversation failed ({type(error).__name__}); "
        "it is kept in memory until this server restarts."
    )


def install() -> None:
    """Put the three steps in place (idempotent)."""
    # Rasa's warning about a malformed "/intent{...}" quotes the whole message: anyone can send one
    warnings.filterwarnings("ignore", message="Failed to parse arguments in line")
    RemoteAction.run = run_remote_action
    Agent.handle_message = handle_message
    FailSafeTrackerStore.on_tracker_store_retrieve_error = raise_retrieve_error
    FailSafeTrackerStore.on_tracker_store_error = log_save_error
