"""The assistant in a terminal (`make shell`), where a typed message is always the person's own.

`rasa shell` shows buttons as an arrow-key menu, so whatever is typed while one is on screen
picks the highlighted button. Here the buttons of a reply are listed as numbered lines (one
sequence over the whole reply, so an answer's next questions and "Was this helpful?" stay
together); typing a number or a button's title chooses that button, anything else is sent as
typed. Started by `rasa run --connector channels.console.ConsoleInput` (see the Makefile): the
same server, model loading and log output as `rasa shell`, which keeps working as it is.
"""

import uuid
from typing import Any, Awaitable, Callable, Dict, List, Tuple

import questionary
import rasa.shared.utils.cli
from prompt_toolkit.styles import Style
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.utils.io import bcolors
from sanic import Blueprint, Sanic

EXIT_COMMAND = INTENT_MESSAGE_PREFIX + "stop"
WELCOME = (
    "Bot loaded. Type a message and press Enter. Type a number to choose one of the numbered "
    f"options. {EXIT_COMMAND} or Ctrl-D ends the session."
)
# Rasa's own console colours: bot in blue, the prompt in purple
BOT_COLOR = bcolors.OKBLUE
PROMPT_STYLE = Style([("qmark", "#b373d6"), ("", "#b373d6")])


class ConsoleOutput(CollectingOutputChannel):
    """Prints each bot message as it is sent, its buttons numbered on from the reply's last one."""

    @classmethod
    def name(cls) -> str:
        return "console"

    async def _persist_message(self, message: Dict[str, Any]) -> None:
        first = len(self.choices) + 1
        await super()._persist_message(message)
        for key in ("text", "image", "attachment"):
            if message.get(key):
                rasa.shared.utils.cli.print_color(message[key], color=BOT_COLOR)
        for number, button in enumerate(message.get("buttons") or [], start=first):
            rasa.shared.utils.cli.print_color(f"  {number}: {button['title']}", color=BOT_COLOR)

    @property
    def choices(self) -> List[Dict[str, Any]]:
        """Every button of this reply, in the order shown."""
        return [button for message in self.messages for button in message.get("buttons") or []]


def resolve(typed: str, choices: List[Dict[str, Any]]) -> Tuple[str | None, str | None]:
    """(what to send, the chosen button's title) for a typed line, given the buttons on screen.

    A number picks that button, a button's exact title (any case) picks it, anything else is
    the person's own message. A number with no such button sends nothing: (None, None)."""
    if typed.isdigit() and choices:
        if 1 <= int(typed) <= len(choices):
            button = choices[int(typed) - 1]
            return button.get("payload", button["title"]), button["title"]
        return None, None
    for button in choices:
        if typed.casefold() == str(button["title"]).casefold():
            return button.get("payload", button["title"]), button["title"]
    return typed, None


class ConsoleInput(InputChannel):
    """Reads the person's messages from the terminal and hands them to Rasa directly."""

    @classmethod
    def name(cls) -> str:
        return "console"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        console = Blueprint("console", __name__)

        @console.listener("after_server_start")
        async def start(app: Sanic, _loop: Any) -> None:
            app.add_task(self.converse(app, on_new_message))

        return console

    async def converse(
        self, app: Sanic, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        """Talk until /stop, Ctrl-D, Ctrl-C at the prompt or a closed terminal, then stop the
        server (the Makefile then stops the action server)."""
        sender_id = uuid.uuid4().hex
        choices: List[Dict[str, Any]] = []
        try:
            rasa.shared.utils.cli.print_success(WELCOME)
            while True:
                question = questionary.text("", qmark="Your input ->", style=PROMPT_STYLE)
                typed = (await question.unsafe_ask_async()).strip()
                if typed == EXIT_COMMAND:
                    break
                if not typed:
                    continue
                text, title = resolve(typed, choices)
                if text is None:
                    rasa.shared.utils.cli.print_color(
                        f"Type a number from 1 to {len(choices)}, or your own message.",
                        color=BOT_COLOR,
                    )
                    continue
                if title:
                    rasa.shared.utils.cli.print_color(f"({title})", color=BOT_COLOR)
                output = ConsoleOutput()
                await on_new_message(
                    UserMessage(text, output, sender_id, input_channel=self.name())
                )
                choices = output.choices
        # Ctrl-D and a closed terminal end the input (EOFError, or OSError when writing to a
        # terminal that is gone); Ctrl-C at the prompt is a key press, not a signal.
        except (EOFError, KeyboardInterrupt, OSError):
            pass
        app.stop()
