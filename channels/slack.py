"""Rasa's Slack channel with four fixes, registered in credentials.yml as channels.slack.SlackInput.

1. One Slack event gets one reply. Slack re-sends an event it thinks failed (headers
   X-Slack-Retry-Num / X-Slack-Retry-Reason); Rasa 3.6 drops only `http_timeout` retries and
   answers the others (e.g. `http_error`) a second time. Here an event whose `event_id` was
   already accepted is acknowledged and not processed again. The ids live in Redis when the
   server has a Redis lock store (endpoints.cluster.yml), so several server processes share
   them; otherwise in this process's memory (bounded, with a TTL).
2. Slack is optional. The token and signing secret are read here from SLACK_TOKEN and
   SLACK_SIGNING_SECRET (not through ${...} in credentials.yml, which would stop `rasa run`
   when they are unset). Without both the server still starts, and /webhooks/slack/* refuse
   every request (503, with the reason) instead of checking signatures against an empty secret.
3. A signed request whose body Rasa cannot read (a form payload that is not JSON, a click
   on a component Rasa does not read) gets 400, not 500.
4. Replies are posted without `as_user`, which Rasa always sends: Slack documents it as for
   classic apps only, and apps made today (e.g. from slack/manifest.yml) have been reported
   to get `invalid_arguments` for it. Without it a bot token posts as the app's bot user.
"""

import logging
import os
import time
from collections import OrderedDict
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, Protocol

from rasa.core.channels import slack as rasa_slack
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.lock_store import RedisLockStore
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

NOT_CONFIGURED = (
    "The Slack channel is not configured: set SLACK_TOKEN and SLACK_SIGNING_SECRET "
    "(see README.md) and restart the server."
)

MALFORMED = "This request is not in the form Slack sends."

# Slack retries after about 0 s, 1 min and 5 min: an hour covers them all.
EVENT_ID_TTL = 3600


class SeenIds(Protocol):
    def seen_before(self, key: str) -> bool: ...


class RecentIds:
    """Ids seen in the last `ttl` seconds, at most `max_size` of them (the oldest go first)."""

    def __init__(
        self,
        max_size: int = 10_000,
        ttl: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_size, self.ttl, self.clock = max_size, ttl, clock
        self._seen: OrderedDict[str, float] = OrderedDict()  # insertion order = time order

    def seen_before(self, key: str) -> bool:
        """True if `key` was recorded within the TTL; otherwise record it and return False."""
        now = self.clock()
        while self._seen and now - next(iter(self._seen.values())) > self.ttl:
            self._seen.popitem(last=False)
        if key in self._seen:
            return True
        if len(self._seen) >= self.max_size:
            self._seen.popitem(last=False)
        self._seen[key] = now
        return False

    def __len__(self) -> int:
        return len(self._seen)


class RedisIds:
    """The same, shared by every process that uses this Redis: SET NX is atomic."""

    PREFIX = "slack_event:"

    def __init__(self, redis: Any, ttl: int = EVENT_ID_TTL) -> None:
        self.redis, self.ttl = redis, ttl

    def seen_before(self, key: str) -> bool:
        return not self.redis.set(self.PREFIX + key, 1, nx=True, ex=self.ttl)


class SlackBot(rasa_slack.SlackBot):
    async def _post_message(self, channel: str, **kwargs: Any) -> None:
        kwargs.pop("as_user", None)
        await super()._post_message(channel, **kwargs)


class SlackInput(rasa_slack.SlackInput):
    """Slack's Events API and interactivity at /webhooks/slack/webhook, each event answered once."""

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        settings = dict(credentials or {})
        settings["slack_token"] = os.environ.get("SLACK_TOKEN", "")
        settings["slack_signing_secret"] = os.environ.get("SLACK_SIGNING_SECRET", "")
        return super().from_credentials(settings)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.recent_events = RecentIds(max_size=10_000, ttl=EVENT_ID_TTL)
        super().__init__(*args, **kwargs)

    def seen_ids(self, request: Request) -> SeenIds:
        """Redis if the server's lock store is Redis (several processes), else this process."""
        agent = getattr(request.app.ctx, "agent", None)
        lock_store = getattr(agent, "lock_store", None)
        if isinstance(lock_store, RedisLockStore):
            return RedisIds(lock_store.red)
        return self.recent_events

    @property
    def configured(self) -> bool:
        return bool(self.slack_token and self.slack_signing_secret)

    def _validate_credentials(self) -> None:
        # Rasa raises here, which would stop the whole server for people who don't use Slack.
        if not self.configured:
            logger.warning(NOT_CONFIGURED)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        if self.configured:
            webhook = super().blueprint(on_new_message)

            # Rasa's webhook indexes and parses the body as Slack sends it; anything else raises.
            # Its process_message catches what handling the message raises, so what reaches
            # here is a body it could not read.
            @webhook.exception(ValueError, KeyError, IndexError, TypeError, AttributeError)
            async def malformed(_: Request, error: Exception) -> HTTPResponse:
                logger.warning(f"Slack request not understood ({type(error).__name__}): 400.")
                return response.text(MALFORMED, status=HTTPStatus.BAD_REQUEST)

            # A click on a component Rasa does not read is answered 500 by Rasa itself: it is the
            # request, not the server, that is at fault.
            @webhook.middleware("response")
            async def unreadable_click(request: Request, answer: HTTPResponse) -> Any:
                form = request.headers.get("content-type") == "application/x-www-form-urlencoded"
                if form and answer.status == HTTPStatus.INTERNAL_SERVER_ERROR:
                    return response.text(MALFORMED, status=HTTPStatus.BAD_REQUEST)
                return None

            return webhook

        disabled = Blueprint("slack_webhook", __name__)

        @disabled.route("/", methods=["GET"])
        @disabled.route("/webhook", methods=["GET", "POST"])
        async def refuse(_: Request) -> HTTPResponse:
            return response.text(NOT_CONFIGURED, status=HTTPStatus.SERVICE_UNAVAILABLE)

        return disabled

    async def process_message(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: str,
        sender_id: str | None,
        metadata: Dict | None,
    ) -> Any:
        # Called only for signed requests that carry a user message. Events API bodies are
        # JSON with an `event_id`; button clicks (form-encoded) are not retried by Slack.
        if request.headers.get("content-type") == "application/json":
            event_id = request.json.get("event_id")
            if event_id and self.seen_ids(request).seen_before(event_id):
                logger.info(
                    f"Slack event {event_id} already accepted: not answering it again "
                    f"(retry #{request.headers.get(self.retry_num_header)}, "
                    f"reason {request.headers.get(self.retry_reason_header)})."
                )
                return response.text("", headers={"X-Slack-No-Retry": "1"})
        return await super().process_message(request, on_new_message, text, sender_id, metadata)

    def get_output_channel(
        self, channel: str | None = None, thread_id: str | None = None
    ) -> OutputChannel:
        return SlackBot(self.slack_token, channel or self.slack_channel, thread_id, self.proxy)
