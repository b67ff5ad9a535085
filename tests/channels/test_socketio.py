"""The socket.io channel the web widget (web/) talks to, with session_persistence: true.

Rasa 3.6's channel calls `sio.enter_room(...)` without awaiting it. From python-socketio 5.10
that method is a coroutine, so the client never joins its session's room and every reply,
which is emitted to that room, is lost: the bot looks dead (RasaHQ/rasa#13027). The repo pins
python-socketio 5.9.0; these tests fail if that pin stops doing its job.

The client uses the polling transport: python-socketio's client websocket transport fails
with the aiohttp (3.9.5) that Rasa 3.6 pins. Browsers use websocket; test_web_widget.py covers that.
"""

import asyncio
import inspect
from typing import Any, Callable, Dict, List

import pytest
import socketio

from support import CHEMOTHERAPY

REPLY_TIMEOUT = 90  # the first reply after start-up can take ~10 s on a 2-core machine


def test_enter_room_is_not_a_coroutine():
    """The cheap check behind the pin: Rasa 3.6 calls enter_room without await."""
    assert not inspect.iscoroutinefunction(socketio.AsyncServer.enter_room), (
        "python-socketio's AsyncServer.enter_room is a coroutine in this version: Rasa 3.6's socketio "
        "channel never awaits it and session_persistence stops replying (RasaHQ/rasa#13027). "
        "Keep python-socketio==5.9.0."
    )


class WidgetLikeClient:
    """What rasa-webchat does: session_request on connect, then user_uttered with the session id."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.confirmed: asyncio.Queue[Any] = asyncio.Queue()
        self.replies: List[Dict[str, Any]] = []
        self.new_reply = asyncio.Event()
        self.sio.on("session_confirm", self.confirmed.put_nowait)
        self.sio.on("bot_uttered", self._on_bot_uttered)

    async def _on_bot_uttered(self, data: Dict[str, Any]) -> None:
        self.replies.append(data)
        self.new_reply.set()

    async def connect(self, url: str, session_id=None) -> str:
        await self.sio.connect(
            url, transports=["polling"], socketio_path="/socket.io", wait_timeout=REPLY_TIMEOUT
        )
        await self.sio.emit("session_request", {"session_id": session_id})
        confirmed = await asyncio.wait_for(self.confirmed.get(), REPLY_TIMEOUT)
        # Rasa sends the bare id; other servers send {"session_id": ...}
        return confirmed["session_id"] if isinstance(confirmed, dict) else confirmed

    async def say(self, text: str, session_id: str) -> None:
        await self.sio.emit("user_uttered", {"message": text, "session_id": session_id})

    async def wait_for(self, predicate: Callable[[Dict[str, Any]], bool]) -> Dict[str, Any]:
        """The first reply (already received or still to come) that matches: no fixed sleeps."""

        async def poll() -> Dict[str, Any]:
            while True:
                for reply in self.replies:
                    if predicate(reply):
                        return reply
                self.new_reply.clear()
                await self.new_reply.wait()

        try:
            return await asyncio.wait_for(poll(), REPLY_TIMEOUT)
        except asyncio.TimeoutError:
            pytest.fail(f"no matching bot_uttered within {REPLY_TIMEOUT}s; got {self.replies!r}")

    async def close(self) -> None:
        await self.sio.disconnect()
        # let the polling loops finish, so no task outlives the test
        await asyncio.wait_for(self.sio.wait(), REPLY_TIMEOUT)


def text_starts(prefix: str) -> Callable[[Dict[str, Any]], bool]:
    return lambda reply: (reply.get("text") or "").startswith(prefix)


async def test_session_request_then_message_gets_replies(servers):
    client = WidgetLikeClient()
    try:
        session_id = await client.connect(servers.rasa_url)
        assert session_id, "session_confirm carried no session id"

        await client.say("/greet", session_id)
        greeting = await client.wait_for(text_starts("Hi! I explain general information"))
        assert "this is not medical advice" in greeting["text"]
        buttons = greeting["quick_replies"]
        assert len(buttons) == 5
        assert (buttons[0]["title"], buttons[0]["payload"]) == (
            "Treatment options",
            "/ask_treatment_factors",
        )

        await client.say("what is chemotherapy", session_id)
        answer = await client.wait_for(text_starts(CHEMOTHERAPY))
        assert "Targeted therapy" in [button["title"] for button in answer["quick_replies"]]
        helpful = await client.wait_for(text_starts("Was this helpful?"))
        assert {"Yes", "No"} <= {button["title"] for button in helpful["quick_replies"]}
    finally:
        await client.close()

    # With session_persistence the conversation is keyed by the widget's session id, not by the
    # socket id, so it survives a reload (a new socket).
    assert servers.user_texts(session_id, at_least=2) == ["/greet", "what is chemotherapy"]


async def test_reconnecting_with_the_same_session_id_keeps_the_conversation(servers):
    first = WidgetLikeClient()
    try:
        session_id = await first.connect(servers.rasa_url)
        await first.say("/greet", session_id)
        await first.wait_for(text_starts("Hi! I explain general information"))
    finally:
        await first.close()

    # A page reload: new socket, same stored session id, and the replies still reach it.
    second = WidgetLikeClient()
    try:
        assert await second.connect(servers.rasa_url, session_id) == session_id
        await second.say("what is chemotherapy", session_id)
        await second.wait_for(text_starts(CHEMOTHERAPY))
    finally:
        await second.close()

    assert servers.user_texts(session_id, at_least=2) == ["/greet", "what is chemotherapy"]
