"""The Slack channel as Slack uses it: signed Events API and interactivity requests to
/webhooks/slack/webhook, answers through chat.postMessage (recorded by rasa_with_stubs.py).

A request that must NOT produce a reply is followed by a valid message in the same channel:
one conversation is handled in arrival order, so once that message's reply is there, a reply
to the earlier request would be there too.
"""

import hashlib
import hmac
import json
import time
import uuid
from pathlib import Path
from typing import Dict, List
from urllib.parse import urlencode

import pytest
import requests
import yaml

from channels.slack import NOT_CONFIGURED, RecentIds, SlackInput
from support import CHEMOTHERAPY, GREETING, GREETING_PAYLOADS, domain

SIGNING_SECRET = "test-signing-secret"  # SLACK_TEST_SECRET in conftest.py, the server's setting
SURGERY = "For most NETs, wherever they are, the preferred treatment is surgery"
BOT_USER = "UBOT0000"


def sign_slack(
    body: bytes, timestamp: int | None = None, secret: str = SIGNING_SECRET
) -> Dict[str, str]:
    """The headers Slack adds: HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256)
    return {
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": f"v0={digest.hexdigest()}",
    }


def ids() -> Dict[str, str]:
    """A fresh user, DM channel and event id, so tests never share a conversation."""
    tag = uuid.uuid4().hex[:10].upper()
    return {"user": f"U{tag}", "channel": f"D{tag}", "event_id": f"Ev{tag}"}


def event_callback(event_id: str, event: Dict) -> Dict:
    return {
        "token": "unused-verification-token",
        "team_id": "T0000TEST",
        "api_app_id": "A0000TEST",
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [{"user_id": BOT_USER, "is_bot": True}],
        "event": event,
    }


def direct_message(user: str, channel: str, event_id: str, text: str) -> Dict:
    return event_callback(
        event_id,
        {
            "type": "message",
            "channel_type": "im",
            "channel": channel,
            "user": user,
            "text": text,
            "ts": f"{time.time():.6f}",
        },
    )


def post(
    servers,
    body: bytes,
    content_type: str = "application/json",
    headers: Dict[str, str] | None = None,
    **signing,
) -> requests.Response:
    headers = {"Content-Type": content_type, **sign_slack(body, **signing), **(headers or {})}
    return requests.post(
        f"{servers.rasa_url}/webhooks/slack/webhook", data=body, headers=headers, timeout=30
    )


def post_event(servers, payload: Dict, **kwargs) -> requests.Response:
    return post(servers, json.dumps(payload).encode(), **kwargs)


def texts(calls: List[Dict]) -> List[str]:
    return [call.get("text", "") for call in calls]


def has_reply(prefix: str):
    return lambda calls: any(text.startswith(prefix) for text in texts(calls))


def buttons(call: Dict) -> List[Dict]:
    return [
        element
        for block in call.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def test_url_verification_challenge_is_answered(servers):
    response = post_event(
        servers, {"token": "unused", "challenge": "3eZbrw1aBm2rZgRN", "type": "url_verification"}
    )
    assert response.status_code == 200
    assert response.json() == "3eZbrw1aBm2rZgRN"


def test_direct_message_is_answered_with_blocks_and_buttons(servers):
    conv = ids()
    response = post_event(
        servers, direct_message(conv["user"], conv["channel"], conv["event_id"], "/greet")
    )
    assert response.status_code == 200
    [reply] = servers.wait_for_slack_calls(conv["channel"], has_reply(GREETING))
    assert reply["blocks"][0] == {
        "type": "section",
        "text": {"type": "plain_text", "text": reply["text"]},
    }
    assert [button["value"] for button in buttons(reply)] == GREETING_PAYLOADS
    assert all(button["type"] == "button" for button in buttons(reply))
    assert "as_user" not in reply  # for classic Slack apps only: a new app's bot posts as itself


def test_typed_question_gets_the_answer_then_was_this_helpful(servers):
    conv = ids()
    post_event(
        servers,
        direct_message(conv["user"], conv["channel"], conv["event_id"], "what is chemotherapy"),
    )
    calls = servers.wait_for_slack_calls(conv["channel"], has_reply("Was this helpful?"))
    answer, helpful = calls
    assert answer["text"].startswith(CHEMOTHERAPY)
    assert len(buttons(answer)) == len(domain()["responses"]["utter_chemotherapy"][0]["buttons"])
    assert [(b["text"]["text"], b["value"]) for b in buttons(helpful)] == [
        ("Yes", "/affirm"),
        ("No", "/deny"),
    ]


def test_mention_in_a_channel_is_answered_in_that_channel(servers):
    conv = ids()
    channel = "C" + conv["channel"][1:]
    post_event(
        servers,
        event_callback(
            conv["event_id"],
            {
                "type": "app_mention",
                "channel": channel,
                "user": conv["user"],
                "text": f"<@{BOT_USER}> /ask_surgery",
                "ts": f"{time.time():.6f}",
            },
        ),
    )
    [reply, *_] = servers.wait_for_slack_calls(channel, has_reply(SURGERY))
    assert reply["text"].startswith(SURGERY)


def test_button_click_continues_the_conversation(servers):
    conv = ids()
    post_event(servers, direct_message(conv["user"], conv["channel"], conv["event_id"], "/greet"))
    [greeting] = servers.wait_for_slack_calls(conv["channel"], has_reply(GREETING))
    [surgery_button] = [b for b in buttons(greeting) if b["text"]["text"] == "Surgery"]

    click = {
        "type": "block_actions",
        "trigger_id": "1.2.3",
        "api_app_id": "A0000TEST",
        "user": {"id": conv["user"], "username": "navigator"},
        "channel": {"id": conv["channel"], "name": "directmessage"},
        "container": {"type": "message", "message_ts": "1700000000.000200"},
        "message": {"type": "message", "ts": "1700000000.000200", "text": greeting["text"]},
        "actions": [
            {
                "type": "button",
                "action_id": "a1",
                "block_id": "b1",
                "text": surgery_button["text"],
                "value": surgery_button["value"],
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    response = post(
        servers,
        urlencode({"payload": json.dumps(click)}).encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200

    calls = servers.wait_for_slack_calls(conv["channel"], has_reply(SURGERY))
    assert texts(calls)[0].startswith(GREETING) and texts(calls)[1].startswith(SURGERY)
    # one conversation: the click went to the same tracker as the typed message
    assert servers.user_texts(conv["user"], at_least=2) == ["/greet", "/ask_surgery"]


def test_retried_event_is_answered_once(servers):
    conv = ids()
    event = direct_message(conv["user"], conv["channel"], conv["event_id"], "/greet")
    assert post_event(servers, event).status_code == 200
    # Slack's retries (reason http_error: Rasa 3.6 alone would answer each of these again),
    # one straight away as when our first response was lost, one after the reply went out
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
    first_retry = post_event(servers, event, headers=retry)
    servers.wait_for_slack_calls(conv["channel"], has_reply(GREETING))
    second_retry = post_event(servers, event, headers={**retry, "X-Slack-Retry-Num": "2"})

    post_event(
        servers,
        direct_message(conv["user"], conv["channel"], conv["event_id"] + "X", "/ask_surgery"),
    )
    calls = servers.wait_for_slack_calls(conv["channel"], has_reply(SURGERY))
    assert sum(text.startswith(GREETING) for text in texts(calls)) == 1
    assert servers.user_texts(conv["user"], at_least=2) == ["/greet", "/ask_surgery"]
    for response in (first_retry, second_retry):
        assert response.status_code == 200
        assert response.headers.get("X-Slack-No-Retry") == "1"  # Slack: stop retrying this one


@pytest.mark.parametrize(
    "signing, headers",
    [
        ({"secret": "not-the-signing-secret"}, {}),
        ({"age": 6 * 60}, {}),  # a replay, over 5 minutes old
        ({"age": -6 * 60}, {}),
        ({}, {"X-Slack-Signature": "", "X-Slack-Request-Timestamp": ""}),  # not signed at all
    ],
    ids=["forged-signature", "stale-timestamp", "future-timestamp", "unsigned"],
)
def test_requests_not_signed_by_slack_are_rejected(servers, signing, headers):
    conv = ids()
    forged = direct_message(conv["user"], conv["channel"], conv["event_id"], "/greet")
    if "age" in signing:
        signing = {"timestamp": int(time.time()) - signing["age"]}
    response = post_event(servers, forged, headers=headers, **signing)
    assert response.status_code == 400
    assert "not properly signed" in response.text

    post_event(
        servers,
        direct_message(conv["user"], conv["channel"], conv["event_id"] + "X", "/ask_surgery"),
    )
    calls = servers.wait_for_slack_calls(conv["channel"], has_reply(SURGERY))
    assert not any(text.startswith(GREETING) for text in texts(calls))
    assert servers.user_texts(conv["user"], at_least=1) == ["/ask_surgery"]


def test_forged_button_click_is_rejected(servers):
    conv = ids()
    click = {
        "type": "block_actions",
        "user": {"id": conv["user"]},
        "channel": {"id": conv["channel"]},
        "message": {"ts": "1700000000.000200"},
        "actions": [{"type": "button", "value": "/greet", "action_id": "a", "block_id": "b"}],
    }
    response = post(
        servers,
        urlencode({"payload": json.dumps(click)}).encode(),
        content_type="application/x-www-form-urlencoded",
        secret="forged",
    )
    assert response.status_code == 400

    post_event(
        servers, direct_message(conv["user"], conv["channel"], conv["event_id"], "/ask_surgery")
    )
    calls = servers.wait_for_slack_calls(conv["channel"], has_reply(SURGERY))
    assert not any(text.startswith(GREETING) for text in texts(calls))
    assert servers.user_texts(conv["user"], at_least=1) == ["/ask_surgery"]


def test_the_bots_own_messages_are_not_answered(servers):
    # Slack echoes each message the bot posts in a DM back as a message.im event
    conv = ids()
    echo = direct_message(conv["user"], conv["channel"], conv["event_id"], "/greet")
    echo["event"]["bot_id"] = "B0000TEST"
    assert post_event(servers, echo).status_code == 200

    post_event(
        servers,
        direct_message(conv["user"], conv["channel"], conv["event_id"] + "X", "/ask_surgery"),
    )
    calls = servers.wait_for_slack_calls(conv["channel"], has_reply(SURGERY))
    assert not any(text.startswith(GREETING) for text in texts(calls))


def test_without_slack_settings_the_server_starts_and_slack_is_refused(no_slack_server):
    """SLACK_TOKEN / SLACK_SIGNING_SECRET empty: no signature is accepted, not even one made
    with the empty secret, and the answer says what to set."""
    body = json.dumps(direct_message("U1", "D1", "Ev1", "/greet")).encode()
    signed_with_empty_secret = {"Content-Type": "application/json", **sign_slack(body, secret="")}
    response = requests.post(
        f"{no_slack_server}/webhooks/slack/webhook",
        data=body,
        headers=signed_with_empty_secret,
        timeout=30,
    )
    assert response.status_code == 503
    assert response.text == NOT_CONFIGURED
    assert requests.get(f"{no_slack_server}/webhooks/slack/", timeout=30).status_code == 503
    # the other channels are there as usual
    assert requests.get(f"{no_slack_server}/webhooks/rest/", timeout=30).json() == {"status": "ok"}


# ------------------------------------------------------------ files and memory, no server
ROOT = Path(__file__).resolve().parents[2]


def read_yaml_as_written(path: Path) -> Dict:
    # BaseLoader: no ${VAR} expansion (Rasa adds it to PyYAML's other loaders) and no typing
    return yaml.load(path.read_text(), Loader=yaml.BaseLoader)


def test_the_slack_secrets_come_from_the_environment_not_credentials(monkeypatch):
    assert not read_yaml_as_written(ROOT / "credentials.yml")["channels.slack.SlackInput"]
    monkeypatch.setenv("SLACK_TOKEN", "xoxb-from-env")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret-from-env")
    channel = SlackInput.from_credentials(None)
    assert (channel.slack_token, channel.slack_signing_secret) == (
        "xoxb-from-env",
        "secret-from-env",
    )
    monkeypatch.delenv("SLACK_TOKEN")
    assert not SlackInput.from_credentials({"slack_token": "in-a-file"}).configured


def test_manifest_sends_what_the_channel_handles():
    manifest = read_yaml_as_written(ROOT / "slack" / "manifest.yml")
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im"}
    assert settings["interactivity"]["is_enabled"] == "true"
    for url in (
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
    ):
        assert url == "https://YOUR-HOST/webhooks/slack/webhook"
    assert settings["socket_mode_enabled"] == "false"  # Rasa's channel takes HTTP requests
    assert {"chat:write", "app_mentions:read", "im:history", "im:read"} <= set(
        manifest["oauth_config"]["scopes"]["bot"]
    )


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_recent_ids_remembers_within_the_ttl_and_forgets_after():
    clock = FakeClock()
    recent = RecentIds(max_size=100, ttl=60, clock=clock)
    assert not recent.seen_before("Ev1")
    clock.now += 59
    assert recent.seen_before("Ev1")
    clock.now += 2
    assert not recent.seen_before("Ev1")  # expired, so recorded afresh


def test_recent_ids_memory_is_bounded():
    recent = RecentIds(max_size=3, ttl=3600, clock=FakeClock())
    for event_id in ["Ev1", "Ev2", "Ev3", "Ev4"]:
        assert not recent.seen_before(event_id)
    assert len(recent) == 3
    assert recent.seen_before("Ev4") and recent.seen_before("Ev2")
    assert not recent.seen_before("Ev1")  # the oldest was dropped
